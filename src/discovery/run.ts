import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type { Problem, ServerSpec } from '../sources/spec.js';
import {
  ATTR_SERVER_COUNT,
  ATTR_TOOL_COUNT,
  instruments,
  METRIC_ATTR,
  SPAN_DISCOVER,
  withSpan,
} from '../telemetry/index.js';
import { probe } from './probe.js';
import { type DiscoveryRun, type Health, HealthSchema, type ServerReport } from './report.js';

export interface RunOptions {
  concurrency: number;
  batchSize: number;
  timeoutMs: number;
  slowMs: number;
  clientVersion: string;
  /** Only some of the configured servers are probed; recorded on the run. */
  partial?: boolean;
  /** Called once with the servers about to be probed. */
  onStart?: (specs: readonly ServerSpec[]) => void;
  /** Called as each server finishes, in finishing order: the CLI's live progress. */
  onServer?: (report: ServerReport, done: number, total: number) => void;
}

function summarise(servers: ServerReport[]): DiscoveryRun['summary'] {
  const health = Object.fromEntries(HealthSchema.options.map((h) => [h, 0])) as Record<Health, number>;
  const sum = (k: keyof ServerReport['counts']) => servers.reduce((n, s) => n + s.counts[k], 0);
  for (const s of servers) health[s.health]++;
  return {
    servers: servers.length,
    health,
    tools: sum('tools'),
    resources: sum('resources'),
    resourceTemplates: sum('resourceTemplates'),
    prompts: sum('prompts'),
  };
}

/**
 * Probes every server, `concurrency` at a time, in batches of `batchSize`. One server failing, hanging or crashing
 * never stops the others: each probe has its own deadline and returns a report instead of throwing.
 */
export async function runDiscovery(
  specs: ServerSpec[],
  problems: Problem[],
  options: RunOptions,
): Promise<DiscoveryRun> {
  return withSpan(SPAN_DISCOVER, { attributes: { [ATTR_SERVER_COUNT]: specs.length } }, async (span) => {
    const startedAt = new Date();
    const t0 = performance.now();
    const limit = pLimit(options.concurrency);
    options.onStart?.(specs);
    const reports: ServerReport[] = [];
    const closing: Promise<void>[] = [];
    for (let i = 0; i < specs.length; i += options.batchSize) {
      const batch = specs.slice(i, i + options.batchSize);
      await Promise.all(
        batch.map((spec) =>
          limit(async () => {
            const { report, closed } = await probe(spec, options);
            closing.push(closed);
            reports.push(report);
            options.onServer?.(report, reports.length, specs.length);
          }),
        ),
      );
    }
    // No child outlives the run: the last servers to finish are still shutting down here.
    await Promise.all(closing);
    reports.sort((a, b) => a.name.localeCompare(b.name));
    const durationMs = performance.now() - t0;
    const summary = summarise(reports);
    const m = instruments();
    for (const [health, count] of Object.entries(summary.health))
      m.servers.record(count, { [METRIC_ATTR.health]: health });
    for (const r of reports) m.tools.record(r.counts.tools, { [METRIC_ATTR.server]: r.name });
    m.operationSeconds.record(durationMs / 1000, {
      [METRIC_ATTR.operation]: 'discover',
      [METRIC_ATTR.kind]: 'background',
      [METRIC_ATTR.outcome]: 'success',
    });
    span.setAttribute(ATTR_TOOL_COUNT, summary.tools);
    return runDocument(reports, problems, {
      startedAt,
      durationMs,
      ...options,
      partial: options.partial ?? false,
    });
  });
}

/** The run document for a set of reports, also for a refresh made outside `runDiscovery` (a live re-list). */
export function runDocument(
  reports: ServerReport[],
  problems: Problem[],
  meta: { startedAt: Date; durationMs: number; concurrency: number; timeoutMs: number; partial: boolean },
): DiscoveryRun {
  return {
    schemaVersion: 1,
    runId: randomUUID(),
    startedAt: meta.startedAt.toISOString(),
    durationMs: Math.round(meta.durationMs),
    concurrency: meta.concurrency,
    timeoutMs: meta.timeoutMs,
    partial: meta.partial,
    summary: summarise(reports),
    servers: reports,
    problems,
  };
}
