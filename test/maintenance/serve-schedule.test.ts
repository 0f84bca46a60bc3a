import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../cli/cli.js';
import { ROOT } from '../helpers/servers.js';

const home = mkdtempSync(join(tmpdir(), 'mcp-discovery-schedule-'));
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
});

/** Polls for a condition on the file system: the scheduled job's own output, not a guess at its timing. */
async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('serve runs the maintenance schedule', () => {
  it('announces the next runs and runs the daily job on its cron schedule', async () => {
    const settings = join(home, 'settings.json');
    // Every second for the daily job; the others off. Scheduled tasks log to <data-dir>/logs/maintenance.log.
    writeFileSync(settings, JSON.stringify({ schedule: { daily: '* * * * * *', weekly: '', monthly: '' } }));
    const dataDir = join(home, 'data');
    child = spawn(
      process.execPath,
      [
        CLI,
        '--settings',
        settings,
        '--data-dir',
        dataDir,
        'serve',
        '--http',
        '--port',
        '0',
        '--no-user-configs',
      ],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: home, OTEL_SDK_DISABLED: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c;
    });
    const line = await until(() => out.match(/^maintenance: next .*$/m)?.[0], 'the schedule line');
    expect(line).toMatch(/daily \d{4}-\d\d-\d\dT.*, weekly off, monthly off/);
    // The daily job's log rotation moves earlier lines into dated maintenance-*.log files: read them all.
    const logs = join(dataDir, 'logs');
    const tasks = () =>
      readdirSync(logs)
        .filter((f) => f.startsWith('maintenance'))
        .flatMap((f) => readFileSync(join(logs, f), 'utf8').split('\n').filter(Boolean))
        .map((l) => JSON.parse(l).task as string);
    const seen = await until(() => {
      try {
        const found = tasks();
        return found.includes('cache') && found.includes('logs') ? found : undefined;
      } catch {
        return undefined;
      }
    }, 'the daily cache and logs tasks in maintenance.log');
    expect(seen).toEqual(expect.arrayContaining(['cache', 'logs']));
  });
});
