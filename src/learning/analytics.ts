import { catalogCounts } from '../store/catalog.js';
import type { Store } from '../store/index.js';
import type { Learned } from './model.js';

/** `mcp-discovery analytics --json`; the keys are documented in docs/hooks.md. */
export interface AnalyticsReport {
  generatedAt: string;
  discovery: {
    servers: { total: number; health: Record<string, number> };
    catalog: {
      version: number;
      tools: number;
      resources: number;
      resourceTemplates: number;
      prompts: number;
    };
    lastRun?: { startedAt: string; durationMs: number };
  };
  performance: {
    hook: { events: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null };
    tools: { ref: string; calls: number; p50Ms: number; meanMs: number }[];
  };
  workflows: {
    sessions: number;
    successfulSessions: number;
    patterns: number;
    top: { sequence: string[]; support: number; confidence: number; effectiveness: number }[];
    tools: { ref: string; calls: number; failures: number; successRate: number; lastUsed: string }[];
    suggestions: { suggested: number; accepted: number; acceptanceRate: number | null };
  };
  resources: {
    reads: { ref: string; count: number }[];
    mentions: { ref: string; count: number }[];
    promptCommands: { ref: string; count: number }[];
  };
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

function counted(refs: Iterable<string>, limit = 10): { ref: string; count: number }[] {
  const m = new Map<string, number>();
  for (const r of refs) m.set(r, (m.get(r) ?? 0) + 1);
  return [...m]
    .map(([ref, count]) => ({ ref, count }))
    .sort((a, b) => b.count - a.count || a.ref.localeCompare(b.ref))
    .slice(0, limit);
}

export function usageSections(learned: Learned): Omit<AnalyticsReport, 'generatedAt' | 'discovery'> {
  const handle = learned.events
    .flatMap((e) => (e.handleMs === undefined ? [] : [e.handleMs]))
    .sort((a, b) => a - b);
  const stats = [...learned.stats.values()].sort((a, b) => b.calls - a.calls || a.ref.localeCompare(b.ref));
  const prompts = learned.events.flatMap((e) =>
    e.event === 'UserPromptSubmit' && e.prompt ? [e.prompt] : [],
  );
  return {
    performance: {
      hook: {
        events: learned.events.length,
        p50Ms: percentile(handle, 50),
        p99Ms: percentile(handle, 99),
        maxMs: handle.at(-1) ?? null,
      },
      tools: stats
        .filter((s) => s.durationMs)
        .slice(0, 10)
        .map((s) => ({
          ref: s.ref,
          calls: s.calls,
          p50Ms: s.durationMs?.p50 ?? 0,
          meanMs: round(s.durationMs?.mean ?? 0, 1),
        })),
    },
    workflows: {
      sessions: learned.sessions.length,
      successfulSessions: learned.sessions.filter((s) => s.outcome === 'success').length,
      patterns: learned.patterns.length,
      top: learned.patterns.slice(0, 5).map((p) => ({
        sequence: p.sequence,
        support: p.support,
        confidence: round(p.confidence),
        effectiveness: round(p.effectiveness),
      })),
      tools: stats.slice(0, 20).map((s) => ({
        ref: s.ref,
        calls: s.calls,
        failures: s.failures,
        successRate: round(s.successRate),
        lastUsed: new Date(s.lastUsedMs).toISOString(),
      })),
      suggestions: {
        suggested: learned.acceptance.suggested,
        accepted: learned.acceptance.accepted,
        acceptanceRate: learned.acceptance.rate === null ? null : round(learned.acceptance.rate),
      },
    },
    resources: {
      reads: counted(stats.filter((s) => s.ref.startsWith('@')).flatMap((s) => Array(s.calls).fill(s.ref))),
      mentions: counted(prompts.flatMap((p) => p.match(/@[\w.-]+:[^\s'"`)]+/g) ?? [])),
      promptCommands: counted(prompts.flatMap((p) => p.match(/^\/mcp__[\w.-]+__[\w.-]+/) ?? [])),
    },
  };
}

/** The whole report: discovery status from the catalog store, the rest from what the hooks recorded. */
export async function analyticsReport(
  store: Store,
  learned: Learned,
  now = new Date(),
): Promise<AnalyticsReport> {
  const [servers, catalog, runs] = await Promise.all([store.servers(), store.catalog(), store.runs(1)]);
  const health: Record<string, number> = {};
  for (const s of servers) health[s.health ?? s.origin] = (health[s.health ?? s.origin] ?? 0) + 1;
  const last = runs[0];
  return {
    generatedAt: now.toISOString(),
    discovery: {
      servers: { total: servers.length, health },
      catalog: { version: catalog.version, ...catalogCounts(catalog.entries) },
      ...(last && { lastRun: { startedAt: last.startedAt, durationMs: last.durationMs } }),
    },
    ...usageSections(learned),
  };
}
