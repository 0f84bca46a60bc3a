import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbResultSchema } from '../../src/maintenance/db.js';
import { DiagnoseResultSchema } from '../../src/maintenance/diagnose.js';
import { PerfResultSchema } from '../../src/maintenance/perf.js';
import { WeeklyReportSchema } from '../../src/maintenance/report.js';
import {
  EVERYTHING,
  FIXTURE_SERVERS,
  leftoverProcesses,
  newMarker,
  tempHomeWithConfig,
} from '../helpers/servers.js';
import { hookFixture, runHook } from '../hooks/helpers.js';
import { CLI, runCli } from './cli.js';

const marker = newMarker();
const SESSION = [
  'session-start',
  'user-prompt-submit',
  'pre-tool-use',
  'post-tool-use',
  'post-tool-use-failure',
  'stop',
];
let home: string;
let config: string;
let env: Record<string, string>;
let dataDir: string;

const cli = (args: string[], extra: Record<string, string> = {}) =>
  runCli(['--data-dir', dataDir, ...args], { ...env, ...extra }, { cwd: home });
const configured = ['--config', '', '--no-user-configs'];

beforeAll(async () => {
  ({ home, config } = tempHomeWithConfig('mcp-discovery-ops-', {
    everything: { command: process.execPath, args: [EVERYTHING, 'stdio', marker] },
    crashy: { command: process.execPath, args: [join(FIXTURE_SERVERS, 'crash-at-start.mjs'), marker] },
  }));
  configured[1] = config;
  env = { HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') };
  dataDir = join(home, 'state');
  mkdirSync(join(home, 'config', 'mcp-discovery'), { recursive: true });
  writeFileSync(
    join(home, 'config', 'mcp-discovery', 'mcp-discovery.json'),
    JSON.stringify({ monitor: { intervalSeconds: 1, handlers: [] } }),
  );
  const tools = join(home, 'tools.jsonl');
  const line = (i: number) =>
    JSON.stringify({ server: 'files', name: `read_file_${i}`, description: `reads file ${i}` });
  writeFileSync(tools, Array.from({ length: 30 }, (_, i) => line(i)).join('\n'));
  expect((await cli(['index', 'import', tools])).code).toBe(0);
  expect((await cli(['discover', ...configured, '--json'])).code).toBe(0);
  for (const name of SESSION) expect((await runHook(dataDir, hookFixture(name), env)).code).toBe(0);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('report weekly', () => {
  it('--json --out: the week of a real store, the same JSON in the file, recommendations from the numbers', async () => {
    const out = join(home, 'reports', 'week.json');
    const r = await cli(['report', 'weekly', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = WeeklyReportSchema.parse(JSON.parse(r.stdout));
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(report);
    expect(report.discovery).toMatchObject({ runs: 1, imports: 1, servers: 2, probes: 2, successShare: 0.5 });
    expect(report.discovery.tools.added).toBeGreaterThan(30);
    expect(report.learning).toMatchObject({
      events: SESSION.length,
      byType: {
        SessionStart: 1,
        UserPromptSubmit: 1,
        PreToolUse: 1,
        PostToolUse: 1,
        PostToolUseFailure: 1,
        Stop: 1,
      },
      sessions: 1,
    });
    expect(report.learning.topTools.map((t) => t.ref)).toContain('github/list_issues');
    expect(report.recommendations).toEqual([
      expect.objectContaining({ kpi: 'discovery_success_rate', severity: 'warning', value: 0.5 }),
    ]);
  });

  it('prints a table', async () => {
    const r = await cli(['report', 'weekly']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('\ndiscovery\n  runs 1 · imports 1 · servers 2 · probes 2 · succeeded 50 %\n');
    expect(r.stdout).toMatch(
      /\nrecommendations\n {2}! Discovery success rate 50 % is under the warning threshold 80 %: run `mcp-discovery diagnose`/,
    );
  });
});

describe('diagnose', () => {
  it('exits 1 when a server is not healthy, with timings, stderr and a fix; no child outlives it', async () => {
    const r = await cli(['diagnose', ...configured, '--json']);
    expect(r.code).toBe(1);
    const { servers } = DiagnoseResultSchema.parse(JSON.parse(r.stdout));
    expect(servers.map((s) => [s.name, s.health])).toEqual([
      ['crashy', 'failed'],
      ['everything', 'healthy'],
    ]);
    expect(servers[0]?.fix).toMatch(/^it stopped during initialize: run `.*crash-at-start\.mjs .*` by hand/);
    expect(servers[0]?.stderrTail).toContain('cannot open database');
    expect(leftoverProcesses(marker)).toEqual([]);
  });

  it('one healthy server: exit 0 and each step timed', async () => {
    const r = await cli(['diagnose', 'everything', ...configured]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✔ everything {2}stdio {2}\d+ tools · /);
    expect(r.stdout).toMatch(
      /\n {4}spawn\/connect [\d.]+ ms · initialize [\d.]+ ms · tools\/list [\d.]+ ms · .* · total \d+ ms\n/,
    );
  });

  it('an unknown server: exit 2 naming the configured ones', async () => {
    const r = await cli(['diagnose', 'nope', ...configured]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no server named "nope"; configured: crashy, everything');
  });
});

describe('perf and report with a running serve', () => {
  let child: ChildProcess;
  const statusFile = () => join(dataDir, 'status.json');

  async function until(ok: () => boolean): Promise<void> {
    for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(ok()).toBe(true);
  }
  const metricsWithRss = () => {
    const file = join(dataDir, 'logs', 'metrics.jsonl');
    if (!existsSync(file)) return false;
    return readFileSync(file, 'utf8')
      .split('\n')
      .some((l) => l.includes('"memory_rss":') && !l.includes('"memory_rss":null'));
  };

  beforeAll(async () => {
    child = spawn(
      process.execPath,
      [CLI, '--data-dir', dataDir, 'serve', '--http', '--port', '0', ...configured],
      {
        cwd: home,
        env: { PATH: process.env.PATH, ...env },
        stdio: ['ignore', 'ignore', 'ignore'],
      },
    );
    await until(() => existsSync(statusFile()) && metricsWithRss());
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it("perf and report read the server's status.json and metrics export", async () => {
    const perf = PerfResultSchema.parse(JSON.parse((await cli(['perf', '--json'])).stdout));
    expect(perf).toMatchObject({ source: 'server', server: { pid: child.pid, intervalSeconds: 1 } });
    expect(perf.memory.rss).toBeGreaterThan(0);
    const r = await cli(['report', 'weekly', '--json']);
    const report = WeeklyReportSchema.parse(JSON.parse(r.stdout));
    expect(report.performance.live).toMatch(new RegExp(`^running server, pid ${child.pid}, status of `));
    expect(report.performance.week.find((w) => w.kpi === 'memory_rss')?.samples).toBeGreaterThan(0);
  });

  it('once it has stopped, perf measures a workload here, with trace ids when traced', async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    expect(leftoverProcesses(marker)).toEqual([]);
    const traced = await cli(['perf', '--json'], { OTEL_SDK_DISABLED: 'false' });
    expect(traced.code, traced.stderr).toBe(0);
    const perf = PerfResultSchema.parse(JSON.parse(traced.stdout));
    expect(perf.source).toBe('this-process');
    expect(perf.note).toMatch(/^no running server \(.+\): this process, after \d+ searches of the catalog$/);
    expect(perf.operations.map((o) => o.operation)).toContain('mcp_discovery.search');
    expect(perf.slowest[0]?.traceId).toMatch(/^[0-9a-f]{32}$/);
    const text = await cli(['perf']);
    expect(text.stdout).toMatch(/^source: this-process — no running server/);
    expect(text.stdout).toContain('no trace ids: this process is not traced (OTEL_SDK_DISABLED)');
  });
});

describe('maintain db', () => {
  it('archives old hook events, then puts them back with --restore-archive', async () => {
    const db = new Database(join(dataDir, 'mcp-discovery.db'));
    const old = Date.now() - 400 * 86_400_000;
    const insert = db.prepare(
      `INSERT INTO hook_events (key, at, at_ms, event, session_id) VALUES (?, ?, ?, 'SessionStart', 'ancient')`,
    );
    for (const key of ['a', 'b']) insert.run(key, new Date(old).toISOString(), old);
    db.close();
    const archived = await cli(['maintain', 'db', '--json']);
    expect(archived.code, archived.stderr).toBe(0);
    expect(DbResultSchema.parse(JSON.parse(archived.stdout))).toMatchObject({
      action: 'archive',
      moved: { hook_events: 2, hook_suggestions: 0, entries: 0 },
    });
    const restored = await cli(['maintain', 'db', '--restore-archive']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(
      /^restored from the archive tables of .*\n {2}hook_events +2 ← archived_hook_events \(now 0\)\n/,
    );
    const text = await cli(['maintain', 'db', '--older-than', '12h']);
    expect(text.stdout).toMatch(/^archived what is older than \S+ \(12h\) in .*mcp-discovery\.db:\n/);
    expect(text.stdout).toMatch(/\nsize: [\d.]+ [KM]iB → [\d.]+ [KM]iB \(VACUUM\)\n/);
  });

  it('refuses a bad age or --older-than with --restore-archive (exit 2), and a busy lock (exit 1)', async () => {
    const bad = await cli(['maintain', 'db', '--older-than', '6m']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--older-than 6m: expected <n>d or <n>h, e.g. 180d or 12h');
    expect((await cli(['maintain', 'db', '--restore-archive', '--older-than', '1d'])).code).toBe(2);
    writeFileSync(join(dataDir, 'maintenance.lock'), JSON.stringify({ pid: process.pid, task: 'backup' }));
    const busy = await cli(['maintain', 'db']);
    rmSync(join(dataDir, 'maintenance.lock'));
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('maintenance task "backup" is already running');
  });
});
