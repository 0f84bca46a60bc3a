import { z } from 'zod';
import { assess, formatValue, KPIS } from '../kpi/index.js';
import { usageSections } from '../learning/analytics.js';
import { learn } from '../learning/model.js';
import { withLearningSource } from '../learning/source.js';
import { KpiReadingSchema, readFreshStatus } from '../monitor/status.js';
import type { ResolvedSettings } from '../settings/index.js';
import { openStore, type Store, writeFileAtomic } from '../store/index.js';
import { PerfSnapshotSchema } from '../telemetry/index.js';
import { KpiWeekSchema, kpiWeek } from './perf.js';
import { runTask } from './task.js';

const WEEK_MS = 7 * 86_400_000;
const Counts = z.object({ added: z.number(), removed: z.number(), changed: z.number() });

export const RecommendationSchema = z.object({
  severity: z.enum(['critical', 'warning', 'info']),
  kpi: z.string().optional(),
  value: z.number().optional(),
  threshold: z.number().optional(),
  message: z.string(),
});
export type Recommendation = z.infer<typeof RecommendationSchema>;

export const WeeklyReportSchema = z.object({
  generatedAt: z.iso.datetime(),
  since: z.iso.datetime(),
  performance: z.object({
    /** Whether a running server's status.json was used for `current` and `operations`. */
    live: z.string(),
    current: z.array(KpiReadingSchema),
    operations: PerfSnapshotSchema.shape.operations,
    /** Each KPI over the week, from the monitor's metrics export (`<dataDir>/logs/metrics*.jsonl`). */
    week: z.array(KpiWeekSchema),
  }),
  discovery: z.object({
    runs: z.number(),
    imports: z.number(),
    /** Servers in the week's latest run. */
    servers: z.number(),
    probes: z.number(),
    /** Probes that answered (healthy or degraded) out of all probes; null without probes. */
    successShare: z.number().nullable(),
    tools: Counts,
  }),
  learning: z.object({
    events: z.number(),
    byType: z.record(z.string(), z.number()),
    sessions: z.number(),
    suggestions: z.object({
      suggested: z.number(),
      accepted: z.number(),
      acceptanceRate: z.number().nullable(),
    }),
    topTools: z.array(
      z.object({ ref: z.string(), calls: z.number(), failures: z.number(), successRate: z.number() }),
    ),
  }),
  recommendations: z.array(RecommendationSchema),
});
export type WeeklyReport = z.infer<typeof WeeklyReportSchema>;

/** The numbers recommendations are made from: a KPI's value (by id) is null when nothing measured it. */
export interface Facts {
  kpis: Record<string, number | null | undefined>;
  discoveryRuns: number;
  hookEvents: number;
}

const ADVICE: Record<string, (s: ResolvedSettings) => string> = {
  cache_hit_rate: (s) =>
    `raise cache.maxEntries (now ${s.cache.maxEntries}) or cache.ttlSeconds (now ${s.cache.ttlSeconds}) so repeated searches come from the cache`,
  discovery_success_rate: () => 'run `mcp-discovery diagnose` to see which servers fail and how to fix them',
  response_time: () => 'run `mcp-discovery perf` for the slow operation and its trace id',
  memory_rss: (s) =>
    `lower cache.maxEntries (now ${s.cache.maxEntries}), then watch \`mcp-discovery perf\`: heap that keeps growing points at a leak`,
  memory_growth: () =>
    'memory climbs steadily: compare heapUsed in `mcp-discovery perf` across the day, restart `serve` meanwhile, and report it with the trace ids of the slowest operations',
};

/** What to change, from the week's numbers; every threshold comes from src/kpi. Pure, most severe first. */
export function recommend(facts: Facts, settings: ResolvedSettings): Recommendation[] {
  const out: Recommendation[] = [];
  for (const kpi of KPIS) {
    const value = facts.kpis[kpi.id];
    const advice = ADVICE[kpi.id];
    if (value === null || value === undefined || !advice) continue;
    const breach = assess(kpi, value);
    if (!breach) continue;
    const side = kpi.direction === 'above' ? 'over' : 'under';
    const message = `${kpi.title} ${formatValue(value, kpi.unit)} is ${side} the ${breach.severity} threshold ${formatValue(breach.threshold, kpi.unit)}: ${advice(settings)}`;
    out.push({ severity: breach.severity, kpi: kpi.id, value, threshold: breach.threshold, message });
  }
  if (facts.discoveryRuns === 0)
    out.push({
      severity: 'info',
      message:
        'no discovery ran this week: run `mcp-discovery discover`, or keep `serve` running (it rediscovers every server.refreshIntervalSeconds)',
    });
  if (facts.hookEvents === 0)
    out.push({
      severity: 'info',
      message:
        'no Claude Code hook events this week: `mcp-discovery hooks install` lets usage improve ranking',
    });
  const rank = { critical: 0, warning: 1, info: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

async function discoverySection(store: Store, sinceMs: number): Promise<WeeklyReport['discovery']> {
  const runs = (await store.runs(1_000_000)).filter((r) => Date.parse(r.startedAt) >= sinceMs);
  const discovers = runs.flatMap((r) => (r.kind === 'discover' ? [r.summary] : []));
  const probes = discovers.reduce((n, s) => n + s.servers - (s.health['needs-input'] ?? 0), 0);
  const ok = discovers.reduce((n, s) => n + (s.health.healthy ?? 0) + (s.health.degraded ?? 0), 0);
  const tools = { added: 0, removed: 0, changed: 0 };
  for (const c of await store.changes())
    if (c.kind === 'tool' && Date.parse(c.at) >= sinceMs) tools[c.change]++;
  return {
    runs: discovers.length,
    imports: runs.length - discovers.length,
    servers: discovers[0]?.servers ?? 0,
    probes,
    successShare: probes > 0 ? ok / probes : null,
    tools,
  };
}

/** From the configured store: on PostgreSQL, the week of every machine's hooks. */
function learningSection(
  settings: ResolvedSettings,
  sinceMs: number,
  nowMs: number,
): Promise<WeeklyReport['learning']> {
  return withLearningSource(settings, async (ls) => {
    const events = await ls.events(sinceMs);
    const suggestions = (await ls.suggestions()).filter((s) => s.atMs >= sinceMs);
    const { halfLifeDays, minPatternSupport } = settings.hooks;
    const learned = learn(events, suggestions, { nowMs, halfLifeDays, minPatternSupport });
    const usage = usageSections(learned);
    const byType: Record<string, number> = {};
    for (const e of events) byType[e.event] = (byType[e.event] ?? 0) + 1;
    return {
      events: events.length,
      byType,
      sessions: learned.sessions.length,
      suggestions: usage.workflows.suggestions,
      topTools: usage.workflows.tools
        .slice(0, 10)
        .map(({ ref, calls, failures, successRate }) => ({ ref, calls, failures, successRate })),
    };
  });
}

/** `report weekly`: the last 7 days of performance, discovery and learning, with recommendations; `out` gets the JSON. */
export function weeklyReport(options: {
  settings: ResolvedSettings;
  out?: string;
  now?: Date;
}): Promise<WeeklyReport> {
  const { settings } = options;
  const now = options.now ?? new Date();
  const sinceMs = now.getTime() - WEEK_MS;
  return runTask(settings.dataDir, 'report', async () => {
    const store = await openStore(settings);
    const discovery = await discoverySection(store, sinceMs).finally(() => store.close());
    const learning = await learningSection(settings, sinceMs, now.getTime());
    const live = await readFreshStatus(settings, now.getTime());
    const week = await kpiWeek(settings, sinceMs);
    const current = live.ok ? live.status.kpis : [];
    // The week's average where the export has one; otherwise the server's reading now, or the store's runs.
    const kpis: Facts['kpis'] = Object.fromEntries(current.map((r) => [r.kpi, r.value]));
    for (const w of week) kpis[w.kpi] = w.avg;
    kpis.discovery_success_rate ??= discovery.successShare;
    const report: WeeklyReport = {
      generatedAt: now.toISOString(),
      since: new Date(sinceMs).toISOString(),
      performance: {
        live: live.ok ? `running server, pid ${live.status.pid}, status of ${live.status.at}` : live.why,
        current,
        operations: live.ok ? (live.status.perf?.operations ?? []) : [],
        week,
      },
      discovery,
      learning,
      recommendations: recommend(
        { kpis, discoveryRuns: discovery.runs, hookEvents: learning.events },
        settings,
      ),
    };
    if (options.out) await writeFileAtomic(options.out, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  });
}
