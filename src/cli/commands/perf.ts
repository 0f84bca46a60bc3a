import type { Command } from 'commander';
import type { CacheStats } from '../../cache/index.js';
import type { PerfResult } from '../../maintenance/perf.js';
import { runOperation, size } from '../operation.js';
import { writeJson } from '../runtime.js';

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(0));

export function operationTable(operations: PerfResult['operations']): string[] {
  if (operations.length === 0) return ['  no operations recorded yet'];
  const width = Math.max(9, ...operations.map((o) => o.operation.length));
  const cols = ['count', 'errors', 'avg ms', 'p50', 'p95', 'p99', 'max'];
  return [
    `  ${'operation'.padEnd(width)}  ${cols.map((c) => c.padStart(8)).join('')}`,
    ...operations.map(
      (o) =>
        `  ${o.operation.padEnd(width)}  ${[o.count, o.errors].map((n) => String(n).padStart(8)).join('')}` +
        [o.avgMs, o.p50Ms, o.p95Ms, o.p99Ms, o.maxMs].map((v) => ms(v).padStart(8)).join(''),
    ),
  ];
}

const cacheLine = (s: CacheStats) =>
  `  ${s.name}: ${s.size}/${s.maxEntries} entries, TTL ${s.ttlSeconds} s · hits ${s.hits} · misses ${s.misses} · ` +
  `hit rate ${s.hitRate === null ? 'n/a (no lookups yet)' : `${(s.hitRate * 100).toFixed(1)} %`} · evictions ${s.evictions}`;

/** `perf`: from the running server's status.json, or from a search workload measured here. */
export function perfCommand(program: Command): void {
  program
    .command('perf')
    .description('latency per operation, the slowest operations with trace ids, cache and memory')
    .option('--json', 'print the figures as JSON (source says where they come from)')
    .action(async (flags: { json?: boolean }, cmd: Command) =>
      runOperation(
        cmd,
        async (rt) => {
          const { perfReport } = await import('../../maintenance/perf.js');
          const { formatValue } = await import('../../kpi/index.js');
          const r = await perfReport({ settings: rt.settings, recorder: rt.telemetry.perf });
          if (flags.json) return writeJson(r);
          const m = r.memory;
          const lines = [
            `source: ${r.source} — ${r.note}`,
            'operations',
            ...operationTable(r.operations),
            'slowest',
            ...(r.slowest.length === 0
              ? [
                  r.source === 'server'
                    ? '  none recorded yet'
                    : '  no trace ids: this process is not traced (OTEL_SDK_DISABLED)',
                ]
              : r.slowest.map(
                  (s) => `  ${s.operation}  ${ms(s.durationMs)} ms  trace ${s.traceId}  at ${s.at}`,
                )),
            'cache (saved search cache)',
            ...r.cache.map(cacheLine),
            ...(r.kpis ?? [])
              .filter((k) => k.kpi === 'cache_hit_rate' && k.value !== null)
              .map((k) => `  running server's hit rate: ${formatValue(k.value ?? 0, k.unit)}`),
            'memory',
            `  rss ${size(m.rss)} · heap ${size(m.heapUsed)} of ${size(m.heapTotal)} · external ${size(m.external)}`,
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        },
        // Spans of this process are recorded, so an offline run has trace ids too.
        { inProcess: true },
      ),
    );
}
