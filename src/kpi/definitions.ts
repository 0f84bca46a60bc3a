import { type Kpi, KpiSchema } from './schema.js';

const MiB = 1024 * 1024;

/** The app's own series carry these names whether Prometheus scraped /metrics or received them through the Collector. */
export const SERIES = {
  operationSecondsSum: 'mcp_discovery_operation_seconds_sum',
  operationSecondsCount: 'mcp_discovery_operation_seconds_count',
  cacheRequests: 'mcp_discovery_cache_requests_total',
  serverProbes: 'mcp_discovery_server_probes_total',
  processMemory: 'process_memory_usage',
} as const;

/**
 * The KPIs of the operators' guide, each defined once. Dashboards, Grafana alert rules, Prometheus rules and the
 * in-process monitor are all generated or evaluated from this list (`npm run gen`).
 */
export const KPIS: readonly Kpi[] = [
  {
    id: 'response_time',
    title: 'Average response time',
    description: 'Mean duration of request operations (searches, tool calls, MCP requests served).',
    measure: {
      type: 'ratio',
      numerator: { metric: SERIES.operationSecondsSum, match: { kind: 'request' } },
      denominator: { metric: SERIES.operationSecondsCount, match: { kind: 'request' } },
    },
    unit: 's',
    windowSeconds: 300,
    direction: 'above',
    target: 0.5,
    warning: 0.5,
    critical: 1,
    pendingSeconds: 120,
    headline: true,
  },
  {
    id: 'cache_hit_rate',
    title: 'Cache hit rate',
    description: 'Share of cache lookups answered from a cache, all caches together.',
    measure: {
      type: 'ratio',
      numerator: { metric: SERIES.cacheRequests, match: { result: 'hit' } },
      denominator: { metric: SERIES.cacheRequests, match: {} },
    },
    unit: 'percentunit',
    windowSeconds: 3600,
    direction: 'below',
    target: 0.7,
    warning: 0.3,
    critical: 0.1,
    pendingSeconds: 300,
    headline: true,
  },
  {
    id: 'discovery_success_rate',
    title: 'Discovery success rate',
    description: 'Share of server probes that succeeded.',
    measure: {
      type: 'ratio',
      numerator: { metric: SERIES.serverProbes, match: { outcome: 'success' } },
      denominator: { metric: SERIES.serverProbes, match: {} },
    },
    unit: 'percentunit',
    windowSeconds: 600,
    direction: 'below',
    target: 0.95,
    warning: 0.8,
    critical: 0.5,
    pendingSeconds: 0,
    headline: true,
  },
  {
    id: 'memory_rss',
    title: 'Process RSS',
    description: 'Resident memory of the process, averaged over the window.',
    measure: { type: 'average', gauge: { metric: SERIES.processMemory, match: {} } },
    unit: 'bytes',
    windowSeconds: 300,
    direction: 'above',
    target: 200 * MiB,
    warning: 500 * MiB,
    critical: 1024 * MiB,
    pendingSeconds: 300,
    headline: true,
  },
  {
    id: 'memory_growth',
    title: 'RSS growth per hour',
    description: 'How fast resident memory grows: a steady climb over an hour points at a leak.',
    measure: { type: 'slope', gauge: { metric: SERIES.processMemory, match: {} }, perSeconds: 3600 },
    unit: 'bytes',
    windowSeconds: 3600,
    direction: 'above',
    warning: 50 * MiB,
    // Half an hour of history first: the climb of a fresh process settling in is not a leak.
    pendingSeconds: 1800,
    headline: false,
  },
  {
    id: 'app_up',
    title: 'Instances up',
    description: 'Instances whose metrics reach Prometheus; none means the app is down.',
    measure: { type: 'instances', gauge: { metric: SERIES.processMemory, match: {} } },
    unit: 'short',
    windowSeconds: 300,
    direction: 'below',
    critical: 1,
    pendingSeconds: 120,
    headline: false,
  },
].map((kpi) => KpiSchema.parse(kpi));

export function kpiById(id: string): Kpi | undefined {
  return KPIS.find((kpi) => kpi.id === id);
}
