import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheReportSchema } from '../../src/maintenance/cache.js';
import { DepsReportSchema } from '../../src/maintenance/deps.js';
import { HealthReportSchema } from '../../src/maintenance/health.js';
import { LogsReportSchema } from '../../src/maintenance/logs.js';
import { FIXTURE_SERVERS } from '../helpers/servers.js';
import { runCli } from './cli.js';

let home: string;
let env: Record<string, string>;
let dataDir: string;

const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args], env, { cwd: home });
const OFFLINE = { npm_config_registry: 'http://127.0.0.1:9/' };

/** status.json as a healthy running `serve` writes it; this test process stands in for the server. */
function writeStatus(): void {
  const reading = (kpi: string, unit: string, value: number) => ({
    kpi,
    title: kpi,
    unit,
    window: 300,
    value,
    firing: [],
  });
  const status = {
    at: new Date().toISOString(),
    pid: process.pid,
    intervalSeconds: 15,
    kpis: [reading('response_time', 's', 0.05), reading('memory_rss', 'bytes', 90 * 1024 * 1024)],
    memory: { rss: 90 * 1024 * 1024, heapUsed: 1, heapTotal: 1, external: 1 },
  };
  writeFileSync(join(dataDir, 'status.json'), JSON.stringify(status));
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mcp-discovery-maintain-cli-'));
  env = { HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') };
  dataDir = join(home, 'state');
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('mcp-discovery health', () => {
  it('exits 1 on a warning and says what to do', async () => {
    const r = await cli('health');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /^health: warning \(no running server\)\n {2}warning {2}store {9}no catalog yet: run discover\n/,
    );
  });

  it('exits 0 with every check ok: a discovered server, an imported catalog, a running server', async () => {
    const config = join(home, 'servers.json');
    const server = { command: process.execPath, args: [join(FIXTURE_SERVERS, 'paginated.mjs')] };
    writeFileSync(config, JSON.stringify({ mcpServers: { pages: server } }));
    const discovered = await cli('discover', '--config', config);
    expect(discovered.code, discovered.stderr).toBe(0);
    const tools = join(home, 'tools.jsonl');
    writeFileSync(tools, JSON.stringify({ server: 'srv', name: 'read_file', description: 'reads a file' }));
    const imported = await cli('index', 'import', tools);
    expect(imported.code, imported.stderr).toBe(0);
    writeStatus();

    const r = await cli('health', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = HealthReportSchema.parse(JSON.parse(r.stdout));
    expect(report.server?.pid).toBe(process.pid);
    expect(report.checks.map((c) => [c.check, c.status, c.source])).toEqual([
      ['store', 'ok', 'store'],
      ['discovery', 'ok', 'store'],
      ['response_time', 'ok', 'server'],
      ['memory_rss', 'ok', 'server'],
      ['alerts', 'ok', 'server'],
    ]);
  });
});

describe('mcp-discovery maintain', () => {
  it('cache --json: statistics, what changed and where it was recorded', async () => {
    mkdirSync(dataDir, { recursive: true });
    const counters = { hits: 2, misses: 40, evictions: 3 };
    writeFileSync(
      join(dataDir, 'cache.json'),
      JSON.stringify({ catalogVersion: 0, caches: { search: { entries: [], counters } } }),
    );
    const r = await cli('maintain', 'cache', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = CacheReportSchema.parse(JSON.parse(r.stdout));
    expect(report.stats).toMatchObject(counters);
    expect(report.changes.map((c) => c.action)).toEqual(['cleared']);
    expect(report.logFile).toBe(join(dataDir, 'logs', 'maintenance.log'));
  });

  it('logs --json: rotated, deleted and kept; a retention that is no whole number is a usage error', async () => {
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    writeFileSync(join(dataDir, 'logs', 'alerts-20000101T000000Z.log'), 'old\n');
    const r = await cli('maintain', 'logs', '--retention-days', '7', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = LogsReportSchema.parse(JSON.parse(r.stdout));
    expect(report).toMatchObject({ retentionDays: 7, deleted: ['alerts-20000101T000000Z.log'] });
    expect(report.rotated.map((f) => f.from)).toEqual(['maintenance.log']);
    expect((await cli('maintain', 'logs', '--retention-days', '1.5')).code).toBe(2);
  });

  it('deps: registry unreachable (or npm missing) is said plainly and exits 0', async () => {
    const r = await runCli(
      ['--data-dir', dataDir, 'maintain', 'deps', '--json'],
      { ...env, ...OFFLINE },
      { cwd: home },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = DepsReportSchema.parse(JSON.parse(r.stdout));
    expect(report).toMatchObject({ registry: 'unreachable', outdated: null, vulnerabilities: null });
    const noNpm = await runCli(
      ['--data-dir', dataDir, 'maintain', 'deps'],
      { ...env, PATH: join(home, 'empty') },
      { cwd: home },
    );
    expect(noNpm.code, noNpm.stderr).toBe(0);
    expect(noNpm.stdout).toBe('registry: unreachable (npm not found on PATH)\n');
  });

  it('refuses with exit 1 while another maintenance task runs', async () => {
    writeFileSync(join(dataDir, 'maintenance.lock'), JSON.stringify({ pid: process.pid, task: 'vacuum' }));
    const r = await cli('maintain', 'logs');
    rmSync(join(dataDir, 'maintenance.lock'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `mcp-discovery: maintenance task "vacuum" is already running (pid ${process.pid}); run "logs" when it ends\n`,
    );
  });
});
