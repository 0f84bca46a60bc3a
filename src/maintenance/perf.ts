import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { CacheStatsSchema, cacheFile, loadCaches } from '../cache/index.js';
import { CatalogSearch, newSearchCache } from '../catalog-search.js';
import { kpiById } from '../kpi/index.js';
import { isRotatedName } from '../monitor/rotating-file.js';
import { logsDir } from '../monitor/start.js';
import { KpiReadingSchema, readFreshStatus, ServerStatusSchema } from '../monitor/status.js';
import type { ResolvedSettings } from '../settings/index.js';
import type { Catalog } from '../store/catalog.js';
import { openStore } from '../store/index.js';
import { type PerfRecorder, PerfSnapshotSchema, percentile, SPAN_SEARCH } from '../telemetry/index.js';
import { runTask } from './task.js';

/** One KPI over a period of the monitor's metrics export (`<dataDir>/logs/metrics*.jsonl`). */
export const KpiWeekSchema = z.object({
  kpi: z.string(),
  samples: z.number(),
  min: z.number(),
  avg: z.number(),
  max: z.number(),
});
export type KpiWeek = z.infer<typeof KpiWeekSchema>;

export const PerfResultSchema = z.object({
  /** server: a running `serve`'s status.json; this-process: a search workload measured by `perf` itself. */
  source: z.enum(['server', 'this-process']),
  /** Which server answered, or why none did and what was measured instead. */
  note: z.string(),
  server: z.object({ pid: z.number(), at: z.iso.datetime(), intervalSeconds: z.number() }).optional(),
  workload: z.object({ queries: z.number(), searches: z.number() }).optional(),
  operations: PerfSnapshotSchema.shape.operations,
  /** With trace ids to open in Tempo; empty when this process is not traced (OTEL_SDK_DISABLED). */
  slowest: PerfSnapshotSchema.shape.slowest,
  /** The saved search cache, as `cache stats` shows it. */
  cache: z.array(CacheStatsSchema),
  /** The server's KPI readings (its in-memory cache hit rate among them). */
  kpis: z.array(KpiReadingSchema).optional(),
  memory: ServerStatusSchema.shape.memory,
});
export type PerfResult = z.infer<typeof PerfResultSchema>;

const WORKLOAD_QUERIES = 25;
const METRICS_LOG = 'metrics.jsonl';

/** Queries made from entries spread over the catalog: their names and the start of their descriptions. */
export function workloadQueries(catalog: Pick<Catalog, 'entries'>, n = WORKLOAD_QUERIES): string[] {
  const step = Math.max(1, Math.floor(catalog.entries.length / n));
  return catalog.entries
    .filter((_, i) => i % step === 0)
    .slice(0, n)
    .map((e) =>
      `${e.name.replace(/[_\-.]+/g, ' ')} ${e.description.split(/\s+/).slice(0, 4).join(' ')}`.trim(),
    );
}

/** Each query twice, on a cache of its own: the second round shows what the cache saves. The user's is untouched. */
function measure(catalog: Catalog, settings: ResolvedSettings, recorder?: PerfRecorder) {
  const search = CatalogSearch.build(catalog, settings);
  const queries = workloadQueries(catalog);
  const ms: number[] = [];
  for (let round = 0; round < 2; round++)
    for (const query of queries) {
      const t0 = performance.now();
      search.search({ query });
      ms.push(performance.now() - t0);
    }
  const workload = { queries: queries.length, searches: ms.length };
  if (recorder) return { workload, ...recorder.snapshot() };
  // Not traced: the same figures from our own clock, without trace ids.
  const sorted = [...ms].sort((a, b) => a - b);
  const operations =
    ms.length === 0
      ? []
      : [
          {
            operation: SPAN_SEARCH,
            count: ms.length,
            errors: 0,
            avgMs: ms.reduce((a, b) => a + b, 0) / ms.length,
            p50Ms: percentile(sorted, 50),
            p95Ms: percentile(sorted, 95),
            p99Ms: percentile(sorted, 99),
            maxMs: sorted.at(-1) ?? 0,
          },
        ];
  return { workload, operations, slowest: [] };
}

/**
 * `perf`: latency per operation, the slowest operations with their trace ids, the cache and memory. From the
 * running server when there is one; otherwise from a search workload run here, so the command works offline.
 * `recorder` is this process's span recorder, when it is traced.
 */
export function perfReport(options: {
  settings: ResolvedSettings;
  recorder?: PerfRecorder;
  nowMs?: number;
}): Promise<PerfResult> {
  const { settings } = options;
  return runTask(settings.dataDir, 'perf', async () => {
    const store = await openStore(settings);
    const catalog = await store.catalog().finally(() => store.close());
    const saved = newSearchCache(settings);
    await loadCaches(cacheFile(settings.dataDir), catalog.version, [saved]);
    const cache = [saved.stats()];
    const read = await readFreshStatus(settings, options.nowMs);
    if (read.ok) {
      const { pid, at, intervalSeconds, kpis, memory, perf } = read.status;
      return {
        source: 'server',
        note: `from the running server (pid ${pid}), status.json of ${at}`,
        server: { pid, at, intervalSeconds },
        operations: perf?.operations ?? [],
        slowest: perf?.slowest ?? [],
        cache,
        kpis,
        memory,
      };
    }
    const measured = measure(catalog, settings, options.recorder);
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    const what =
      measured.workload.searches > 0
        ? `this process, after ${measured.workload.searches} searches of the catalog`
        : 'this process; the catalog is empty, so nothing was measured (run `discover` or `index import`)';
    return {
      source: 'this-process',
      note: `${read.why}: ${what}`,
      ...measured,
      cache,
      memory: { rss, heapUsed, heapTotal, external },
    };
  });
}

/** Min / avg / max of each KPI in the metrics export since `sinceMs`, rotated files included. */
export async function kpiWeek(settings: ResolvedSettings, sinceMs: number): Promise<KpiWeek[]> {
  const dir = logsDir(settings);
  const names = (await readdir(dir).catch(() => [] as string[])).filter(
    (f) => f === METRICS_LOG || isRotatedName(METRICS_LOG, f),
  );
  const values = new Map<string, number[]>();
  const add = (kpi: string, v: number) => {
    const list = values.get(kpi) ?? [];
    values.set(kpi, list);
    list.push(v);
  };
  for (const name of names) {
    const file = join(dir, name);
    // A rotated file last written before the week holds nothing of it; one rotated away meanwhile is skipped.
    const mtime = (await stat(file).catch(() => undefined))?.mtimeMs;
    if (mtime === undefined || mtime < sinceMs) continue;
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      let record: { at?: unknown; kpis?: Record<string, unknown> } | null;
      try {
        record = JSON.parse(line);
      } catch {
        continue; // a line cut short by a crash is skipped, not fatal
      }
      if (typeof record?.at !== 'string' || !(Date.parse(record.at) >= sinceMs)) continue;
      for (const [kpi, v] of Object.entries(record.kpis ?? {}))
        if (typeof v === 'number' && Number.isFinite(v)) add(kpi, v);
    }
  }
  return [...values]
    .filter(([kpi]) => kpiById(kpi))
    .map(([kpi, v]) => ({
      kpi,
      samples: v.length,
      // reduce, not Math.min(...v): a week of samples is too many arguments for one call.
      min: v.reduce((a, b) => Math.min(a, b)),
      avg: v.reduce((a, b) => a + b, 0) / v.length,
      max: v.reduce((a, b) => Math.max(a, b)),
    }));
}
