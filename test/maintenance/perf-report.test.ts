import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogFile } from '../../src/import-catalog.js';
import { KPIS, kpiById } from '../../src/kpi/index.js';
import { kpiWeek, PerfResultSchema, perfReport } from '../../src/maintenance/perf.js';
import { type Facts, recommend, WeeklyReportSchema, weeklyReport } from '../../src/maintenance/report.js';
import { rotatedName } from '../../src/monitor/rotating-file.js';
import type { ServerStatus } from '../../src/monitor/status.js';
import { readFreshStatus } from '../../src/monitor/status.js';
import type { ResolvedSettings } from '../../src/settings/index.js';
import { testSettings } from '../helpers/settings.js';
import { installTestTelemetry } from '../helpers/telemetry.js';

const DAY = 86_400_000;
let dir: string;
let settings: ResolvedSettings;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-discovery-perf-'));
  settings = testSettings({ cwd: dir, flags: { dataDir: dir } });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const status = (over: Partial<ServerStatus> = {}): ServerStatus => ({
  at: new Date().toISOString(),
  pid: process.pid,
  intervalSeconds: 15,
  kpis: [],
  memory: { rss: 1, heapUsed: 1, heapTotal: 1, external: 1 },
  ...over,
});
const writeStatus = (s: ServerStatus) => writeFileSync(join(dir, 'status.json'), JSON.stringify(s));

async function importTools(n: number): Promise<void> {
  const file = join(dir, 'tools.jsonl');
  const line = (i: number) =>
    JSON.stringify({ server: 'srv', name: `tool_${i}`, description: `reads file ${i}` });
  writeFileSync(file, Array.from({ length: n }, (_, i) => line(i)).join('\n'));
  await importCatalogFile(settings, file);
}

describe('recommendations', () => {
  const facts = (kpis: Facts['kpis']): Facts => ({ kpis, discoveryRuns: 1, hookEvents: 1 });
  const nudge = (id: string, threshold: number, bad: boolean) => {
    const kpi = kpiById(id);
    const worse = kpi?.direction === 'above' ? 1 : -1;
    // Just past the threshold on the bad side, or exactly on it (not a breach) on the good side.
    return bad ? threshold + worse * Math.abs(threshold) * 0.01 : threshold;
  };

  it.each(
    KPIS.filter((k) => k.id !== 'app_up').flatMap((k) =>
      (['warning', 'critical'] as const).flatMap((severity) =>
        k[severity] === undefined ? [] : [[k.id, severity, k[severity] as number] as const],
      ),
    ),
  )('%s: one %s recommendation past %d, none on the good side', (id, severity, threshold) => {
    const bad = recommend(facts({ [id]: nudge(id, threshold, true) }), settings);
    expect(bad.map((r) => [r.kpi, r.severity, r.threshold])).toEqual([[id, severity, threshold]]);
    const good = recommend(facts({ [id]: nudge(id, threshold, false) }), settings);
    expect(good.filter((r) => r.severity === severity)).toEqual([]);
  });

  it('says what to change, with the settings in force', () => {
    const [hit] = recommend(facts({ cache_hit_rate: 0.05 }), settings);
    expect(hit?.message).toBe(
      'Cache hit rate 5 % is under the critical threshold 10 %: raise cache.maxEntries (now 500) or cache.ttlSeconds (now 300) so repeated searches come from the cache',
    );
    const [success] = recommend(facts({ discovery_success_rate: 0.6 }), settings);
    expect(success?.message).toMatch(
      /^Discovery success rate 60 % is under the warning threshold 80 %: run `mcp-discovery diagnose`/,
    );
  });

  it('a KPI with no value says nothing; a week without runs or hook events says so', () => {
    expect(recommend(facts({ cache_hit_rate: null, response_time: undefined }), settings)).toEqual([]);
    const r = recommend({ kpis: {}, discoveryRuns: 0, hookEvents: 0 }, settings);
    expect(r).toEqual([
      { severity: 'info', message: expect.stringMatching(/^no discovery ran this week: /) },
      { severity: 'info', message: expect.stringMatching(/^no Claude Code hook events this week: /) },
    ]);
  });
});

describe('live status', () => {
  it("uses status.json only while it is fresh and its writer's pid is alive", async () => {
    expect(await readFreshStatus(settings)).toEqual({
      ok: false,
      why: expect.stringMatching(/^no running server \(no .*status\.json/),
    });
    writeStatus(status());
    expect(await readFreshStatus(settings)).toMatchObject({ ok: true, status: { pid: process.pid } });
    writeStatus(status({ at: new Date(Date.now() - 46_000).toISOString() }));
    expect(await readFreshStatus(settings)).toEqual({
      ok: false,
      why: 'no running server (status.json is 46 s old, more than 3 × its 15 s interval)',
    });
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    writeStatus(status({ pid: ended }));
    expect(await readFreshStatus(settings)).toEqual({
      ok: false,
      why: `no running server (pid ${ended}, which wrote status.json, has ended)`,
    });
  });
});

describe('perf', () => {
  it('without a running server, measures a search workload here and says so', async () => {
    await importTools(40);
    const r = PerfResultSchema.parse(await perfReport({ settings }));
    expect(r.source).toBe('this-process');
    expect(r.note).toMatch(/^no running server .*: this process, after 50 searches of the catalog$/);
    expect(r.operations).toEqual([expect.objectContaining({ operation: 'mcp_discovery.search', count: 50 })]);
    expect(r.cache[0]).toMatchObject({ name: 'search', hits: 0, misses: 0 }); // the saved cache is not touched
    expect(readdirSync(dir)).not.toContain('cache.json');
  });

  it("with a running server, shows the server's figures", async () => {
    const perf = {
      operations: [],
      slowest: [
        {
          operation: 'x',
          durationMs: 9,
          traceId: 'a'.repeat(32),
          spanId: 'b'.repeat(16),
          at: new Date().toISOString(),
        },
      ],
    };
    writeStatus(status({ perf }));
    const r = await perfReport({ settings });
    expect(r).toMatchObject({ source: 'server', server: { pid: process.pid }, slowest: perf.slowest });
  });

  it('traces the task as mcp_discovery.maintenance perf, the searches inside it', async () => {
    await importTools(5);
    const otel = installTestTelemetry();
    try {
      await perfReport({ settings });
      const names = otel.spans().map((s) => s.name);
      expect(names.filter((n) => n.startsWith('mcp_discovery.maintenance'))).toEqual([
        'mcp_discovery.maintenance perf',
      ]);
      expect(names.filter((n) => n === 'mcp_discovery.search')).toHaveLength(10);
    } finally {
      await otel.shutdown();
    }
  });
});

describe('weekly report', () => {
  it('reads each KPI of the week from metrics.jsonl and its rotations, skipping older lines and files', async () => {
    const now = Date.now();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const line = (ago: number, kpis: Record<string, number | null>) =>
      JSON.stringify({ at: new Date(now - ago).toISOString(), kpis, series: [] });
    const rotated = join(logs, rotatedName('metrics.jsonl', new Date(now - 2 * DAY)));
    writeFileSync(
      rotated,
      [line(8 * DAY, { cache_hit_rate: 0 }), line(3 * DAY, { cache_hit_rate: 0.2 })].join('\n'),
    );
    writeFileSync(
      join(logs, 'metrics.jsonl'),
      [line(DAY, { cache_hit_rate: 0.4, response_time: null }), '{"cut sh'].join('\n'),
    );
    const stale = join(logs, rotatedName('metrics.jsonl', new Date(now - 9 * DAY)));
    writeFileSync(stale, line(9 * DAY, { cache_hit_rate: 0.9 }));
    utimesSync(stale, new Date(now - 9 * DAY), new Date(now - 9 * DAY));
    writeFileSync(join(logs, 'other.jsonl'), line(DAY, { cache_hit_rate: 1 }));
    const week = await kpiWeek(settings, now - 7 * DAY);
    expect(week.map((w) => ({ ...w, avg: Number(w.avg.toFixed(6)) }))).toEqual([
      { kpi: 'cache_hit_rate', samples: 2, min: 0.2, avg: 0.3, max: 0.4 },
    ]);
  });

  it('--out writes the JSON atomically, and the task is traced as mcp_discovery.maintenance report', async () => {
    const otel = installTestTelemetry();
    try {
      const out = join(dir, 'reports', 'week.json');
      const r = await weeklyReport({ settings, out });
      expect(WeeklyReportSchema.parse(JSON.parse(readFileSync(out, 'utf8')))).toEqual(r);
      expect(readdirSync(join(dir, 'reports'))).toEqual(['week.json']);
      expect(otel.spans().map((s) => [s.name, s.attributes['mcp_discovery.maintenance.task']])).toEqual([
        ['mcp_discovery.maintenance report', 'report'],
      ]);
    } finally {
      await otel.shutdown();
    }
  });
});
