import { decay, isCompletion, type LearningEvent, usedRef } from './events.js';

/** What the learning knows of one tool (or resource, or built-in), keyed by `usedRef`. */
export interface ToolStats {
  ref: string;
  calls: number;
  successes: number;
  failures: number;
  /** PreToolUse to PostToolUse(Failure) of the same `tool_use_id`. */
  durationMs?: { count: number; mean: number; p50: number; max: number };
  lastUsedMs: number;
  /** Beta-smoothed success rate with time decay: (a + sum of decayed successes) / (a + b + decayed calls). */
  successRate: number;
  /** Decayed number of calls behind `successRate`. */
  evidence: number;
}

export interface StatsOptions {
  nowMs: number;
  halfLifeDays: number;
  /** Beta prior: pseudo-successes and pseudo-failures every tool starts with. Default 1 and 1 (rate 0.5). */
  priorSuccesses?: number;
  priorFailures?: number;
}

/** Median of sorted numbers: the lower middle for an even count, so it is always an observed value. */
export function median(sorted: readonly number[]): number {
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

export function toolStats(events: readonly LearningEvent[], options: StatsOptions): Map<string, ToolStats> {
  const a = options.priorSuccesses ?? 1;
  const b = options.priorFailures ?? 1;
  const started = new Map<string, number>();
  const acc = new Map<string, { s: number; f: number; ws: number; wf: number; last: number; d: number[] }>();
  for (const e of events) {
    if (e.event === 'PreToolUse' && e.toolUseId) started.set(e.toolUseId, e.atMs);
    if (!isCompletion(e)) continue;
    const ref = usedRef(e);
    if (!ref) continue;
    let t = acc.get(ref);
    if (!t) {
      t = { s: 0, f: 0, ws: 0, wf: 0, last: 0, d: [] };
      acc.set(ref, t);
    }
    const w = decay(e.atMs, options.nowMs, options.halfLifeDays);
    if (e.outcome === 'failure') {
      t.f++;
      t.wf += w;
    } else {
      t.s++;
      t.ws += w;
    }
    t.last = Math.max(t.last, e.atMs);
    const begin = e.toolUseId === undefined ? undefined : started.get(e.toolUseId);
    if (begin !== undefined && e.atMs >= begin) t.d.push(e.atMs - begin);
  }
  const out = new Map<string, ToolStats>();
  for (const [ref, t] of acc) {
    const d = [...t.d].sort((x, y) => x - y);
    out.set(ref, {
      ref,
      calls: t.s + t.f,
      successes: t.s,
      failures: t.f,
      ...(d.length > 0 && {
        durationMs: {
          count: d.length,
          mean: d.reduce((x, y) => x + y, 0) / d.length,
          p50: median(d),
          max: d.at(-1) as number,
        },
      }),
      lastUsedMs: t.last,
      successRate: (a + t.ws) / (a + b + t.ws + t.wf),
      evidence: t.ws + t.wf,
    });
  }
  return out;
}
