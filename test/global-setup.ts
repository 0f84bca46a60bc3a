import { execFileSync } from 'node:child_process';

/** CLI tests run the built `dist/` exactly as users do, so the suite builds it once first. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
