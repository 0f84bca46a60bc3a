import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogFile } from '../../src/import-catalog.js';
import { type HealthCheck, type HealthReport, health } from '../../src/maintenance/health.js';
import type { ServerStatus } from '../../src/monitor/status.js';
import type { ResolvedSettings } from '../../src/settings/index.js';
import { dbFile } from '../../src/store/index.js';
import { FIXTURE_SERVERS } from '../helpers/servers.js';
import { testSettings } from '../helpers/settings.js';
import { installTestTelemetry } from '../helpers/telemetry.js';

let root: string;
let settings: ResolvedSettings;
const MiB = 1024 * 1024;
/** Above any pid_max: `kill(pid, 0)` answers ESRCH, so this server is dead whatever runs on the machine. */
const DEAD_PID = 2_147_483_646;

async function seed(n: number): Promise<void> {
  const file = join(root, 'tools.jsonl');
  const line = (i: number) =>
    JSON.stringify({ server: 'srv', name: `tool_${i}`, description: `reads file number ${i} from disk` });
  writeFileSync(file, Array.from({ length: n }, (_, i) => line(i)).join('\n'));
  await importCatalogFile(settings, file);
}

/** status.json as a running `serve` writes it. */
function writeStatus(over: Partial<ServerStatus> & { values?: Record<string, number | null> } = {}): void {
  const { values = {}, ...rest } = over;
  const reading = (
    kpi: string,
    unit: 's' | 'percentunit' | 'bytes',
    firing: ('warning' | 'critical')[] = [],
  ) => ({
    kpi,
    title: kpi,
    unit,
    window: 300,
    value: values[kpi] ?? null,
    firing,
  });
  const status: ServerStatus = {
    at: new Date().toISOString(),
    pid: process.pid,
    intervalSeconds: 15,
    kpis: [
      reading('response_time', 's'),
      reading('cache_hit_rate', 'percentunit'),
      reading('memory_rss', 'bytes'),
    ],
    memory: { rss: 100 * MiB, heapUsed: 1, heapTotal: 1, external: 1 },
    ...rest,
  };
  writeFileSync(join(settings.dataDir, 'status.json'), JSON.stringify(status));
}

const byName = (report: HealthReport) =>
  Object.fromEntries(report.checks.map((c) => [c.check, c])) as Record<HealthCheck['check'], HealthCheck>;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mcp-discovery-health-'));
  settings = testSettings({
    cwd: root,
    flags: { dataDir: join(root, 'data'), discovery: { userConfigs: false, timeoutMs: 5_000 } },
  });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('health', () => {
  it('warns that there is no catalog yet, and traces one mcp_discovery.maintenance health span', async () => {
    const otel = installTestTelemetry();
    try {
      const report = await health({ settings });
      const checks = byName(report);
      expect(report.status).toBe('warning');
      expect(checks.store).toMatchObject({ status: 'warning', reason: 'no catalog yet: run discover' });
      expect(checks.discovery.status).toBe('warning');
      expect(checks.response_time).toMatchObject({ status: 'ok', source: 'measured' });
      expect(checks.memory_rss.source).toBe('process');
      expect(otel.spans().map((s) => s.name)).toEqual(['mcp_discovery.maintenance health']);
    } finally {
      await otel.shutdown();
    }
  });

  it('judges a running server from its status.json: KPI thresholds, RSS and firing alerts', async () => {
    await seed(5);
    writeStatus({
      values: { response_time: 0.7 },
      memory: { rss: 600 * MiB, heapUsed: 1, heapTotal: 1, external: 1 },
      kpis: [
        {
          kpi: 'response_time',
          title: 'Average response time',
          unit: 's',
          window: 300,
          value: 1.2,
          firing: ['warning', 'critical'],
        },
        {
          kpi: 'cache_hit_rate',
          title: 'Cache hit rate',
          unit: 'percentunit',
          window: 3600,
          value: 0.2,
          firing: ['warning'],
        },
      ],
    });
    const report = await health({ settings });
    const checks = byName(report);
    expect(report.server?.pid).toBe(process.pid);
    expect(checks.store).toMatchObject({
      status: 'ok',
      reason: expect.stringMatching(/^quick_check ok, schema v\d+$/),
    });
    expect(checks.response_time).toMatchObject({ status: 'critical', value: 1.2, source: 'server' });
    expect(checks.response_time.reason).toContain('> 1 s');
    expect(checks.memory_rss).toMatchObject({ status: 'warning', value: 600 * MiB, source: 'server' });
    expect(checks.alerts).toMatchObject({ status: 'critical', source: 'server' });
    expect(report.alerts).toEqual([
      { kpi: 'response_time', title: 'Average response time', severity: 'critical' },
      { kpi: 'cache_hit_rate', title: 'Cache hit rate', severity: 'warning' },
    ]);
    expect(report.status).toBe('critical');
  });

  it('measures now when status.json is stale or its server is dead', async () => {
    await seed(30);
    const old = new Date(Date.now() - 3 * 15_000 - 1_000).toISOString();
    for (const stale of [{ at: old }, { pid: DEAD_PID }]) {
      writeStatus({ ...stale, values: { response_time: 5 } });
      const checks = byName(await health({ settings }));
      expect(checks.response_time).toMatchObject({ status: 'ok', source: 'measured' });
      expect(checks.response_time.value).toBeGreaterThan(0);
      expect(checks.memory_rss.source).toBe('process');
      expect(checks.alerts.reason).toBe('no running server: status.json missing or stale');
    }
  });

  it('says a database that is not one is critical', async () => {
    mkdirSync(settings.dataDir, { recursive: true });
    writeFileSync(
      dbFile(settings.dataDir),
      'not a database, just text that is long enough to be read '.repeat(40),
    );
    const report = await health({ settings });
    expect(byName(report).store.status).toBe('critical');
    expect(report.status).toBe('critical');
  });

  it('--probe runs a real discovery and judges its success share with the KPI thresholds', async () => {
    const config = join(root, 'servers.json');
    const node = (script: string) => ({ command: process.execPath, args: [join(FIXTURE_SERVERS, script)] });
    writeFileSync(
      config,
      JSON.stringify({ mcpServers: { good: node('paginated.mjs'), bad: node('crash-at-start.mjs') } }),
    );
    const context = { home: root, cwd: root, platform: 'linux' as const, env: {} };
    const probed = byName(await health({ settings, probe: true, configFiles: [config], context })).discovery;
    // 1 of 2 is 50 %: under the 80 % warning threshold, not under the 50 % critical one.
    expect(probed).toMatchObject({ status: 'warning', value: 0.5, source: 'probe' });
    expect(probed.reason).toMatch(/^1 of 2 servers answered .*< 80 %.*\(failed: bad\)$/);
    // The run was recorded: without --probe the same run is judged from the store.
    expect(byName(await health({ settings })).discovery).toMatchObject({
      status: 'warning',
      source: 'store',
    });
  });
});
