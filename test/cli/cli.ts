import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/servers.js';

export const CLI = join(ROOT, 'dist/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with a home and environment of the test's choosing. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { cwd?: string; input?: string; uid?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      ...(options.uid !== undefined && { uid: options.uid, gid: options.uid }),
      env: { PATH: process.env.PATH, OTEL_SDK_DISABLED: 'true', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input);
  });
}
