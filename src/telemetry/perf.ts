import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';

/** Durations kept per operation for percentiles: the most recent ones, so the figures follow the present. */
const RESERVOIR = 1024;
/** Operations (span names) tracked; past this, new names are counted under `other` so memory stays bounded. */
const MAX_OPERATIONS = 200;
const SLOWEST = 10;

export const SlowSpanSchema = z.object({
  operation: z.string(),
  durationMs: z.number(),
  traceId: z.string(),
  spanId: z.string(),
  at: z.string(),
});
export type SlowSpan = z.infer<typeof SlowSpanSchema>;

export const OperationStatsSchema = z.object({
  operation: z.string(),
  count: z.number(),
  errors: z.number(),
  avgMs: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
});
export type OperationStats = z.infer<typeof OperationStatsSchema>;

export const PerfSnapshotSchema = z.object({
  operations: z.array(OperationStatsSchema),
  slowest: z.array(SlowSpanSchema),
});
export type PerfSnapshot = z.infer<typeof PerfSnapshotSchema>;

interface Track {
  count: number;
  errors: number;
  sumMs: number;
  maxMs: number;
  recent: number[];
  next: number;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/**
 * Per-operation latency of every span this process ends, and the slowest spans with their trace ids: what
 * `mcp-discovery perf` shows and where an operator starts in Tempo. Bounded in memory whatever the traffic.
 */
export class PerfRecorder implements SpanProcessor {
  private readonly tracks = new Map<string, Track>();
  private slowest: SlowSpan[] = [];

  onStart(_span: Span, _context: Context): void {}

  onEnd(span: ReadableSpan): void {
    const ms = span.duration[0] * 1000 + span.duration[1] / 1e6;
    const name = this.tracks.has(span.name) || this.tracks.size < MAX_OPERATIONS ? span.name : 'other';
    const track = this.tracks.get(name) ?? { count: 0, errors: 0, sumMs: 0, maxMs: 0, recent: [], next: 0 };
    this.tracks.set(name, track);
    track.count++;
    if (span.status.code === 2) track.errors++;
    track.sumMs += ms;
    track.maxMs = Math.max(track.maxMs, ms);
    if (track.recent.length < RESERVOIR) track.recent.push(ms);
    else track.recent[track.next] = ms;
    track.next = (track.next + 1) % RESERVOIR;
    if (this.slowest.length < SLOWEST || ms > (this.slowest.at(-1)?.durationMs ?? 0)) {
      const { traceId, spanId } = span.spanContext();
      const at = new Date(span.startTime[0] * 1000 + span.startTime[1] / 1e6).toISOString();
      this.slowest = [...this.slowest, { operation: span.name, durationMs: ms, traceId, spanId, at }]
        .sort((a, b) => b.durationMs - a.durationMs)
        .slice(0, SLOWEST);
    }
  }

  snapshot(): PerfSnapshot {
    const operations = [...this.tracks].map(([operation, t]): OperationStats => {
      const sorted = [...t.recent].sort((a, b) => a - b);
      return {
        operation,
        count: t.count,
        errors: t.errors,
        avgMs: t.sumMs / t.count,
        p50Ms: percentile(sorted, 50),
        p95Ms: percentile(sorted, 95),
        p99Ms: percentile(sorted, 99),
        maxMs: t.maxMs,
      };
    });
    return { operations: operations.sort((a, b) => b.count - a.count), slowest: [...this.slowest] };
  }

  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}
