/**
 * `npm run gen`: writes the dashboards, Grafana alerting provisioning, Prometheus rules and their promtool tests
 * from src/kpi. `--check` writes nothing and exits 1 naming every file that differs from what it would write.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generatedFiles } from './gen/index.js';

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [path, content] of Object.entries(generatedFiles())) {
  const file = join(root, path);
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === content) continue;
  if (check) {
    stale.push(path);
    continue;
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
  console.log(`wrote ${path}`);
}
if (stale.length > 0) {
  console.error(`stale generated files (run npm run gen):\n  ${stale.join('\n  ')}`);
  process.exitCode = 1;
}
