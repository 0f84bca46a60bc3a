import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningServe, startServe, until } from '../helpers/serve.js';

const home = mkdtempSync(join(tmpdir(), 'mcp-discovery-schedule-'));
let serve: RunningServe | undefined;

afterAll(async () => {
  await serve?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('serve runs the maintenance schedule', () => {
  it('announces the next runs and runs the daily job on its cron schedule', async () => {
    const settings = join(home, 'settings.json');
    // Every second for the daily job; the others off. Scheduled tasks log to <data-dir>/logs/maintenance.log.
    writeFileSync(settings, JSON.stringify({ schedule: { daily: '* * * * * *', weekly: '', monthly: '' } }));
    const dataDir = join(home, 'data');
    serve = await startServe({
      global: ['--settings', settings, '--data-dir', dataDir],
      flags: ['--no-user-configs'],
      env: { PATH: process.env.PATH, HOME: home, OTEL_SDK_DISABLED: 'true' },
    });
    const line = serve.output().match(/^maintenance: next .*$/m)?.[0];
    expect(line).toMatch(/daily \d{4}-\d\d-\d\dT.*, weekly off, monthly off/);
    // The daily job's log rotation moves earlier lines into dated maintenance-*.log files: read them all.
    const logs = join(dataDir, 'logs');
    const tasks = () =>
      readdirSync(logs)
        .filter((f) => f.startsWith('maintenance'))
        .flatMap((f) => readFileSync(join(logs, f), 'utf8').split('\n').filter(Boolean))
        .map((l) => JSON.parse(l).task as string);
    const seen = await until(() => {
      const found = tasks();
      return found.includes('cache') && found.includes('logs') ? found : undefined;
    }, 'the daily cache and logs tasks in maintenance.log');
    expect(seen).toEqual(expect.arrayContaining(['cache', 'logs']));
  });
});
