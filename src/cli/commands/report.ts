import type { Command } from 'commander';
import type { formatValue, kpiById } from '../../kpi/index.js';
import type { WeeklyReport } from '../../maintenance/report.js';
import { runOperation } from '../operation.js';
import { writeJson } from '../runtime.js';
import { operationTable } from './perf.js';

type Format = typeof formatValue;
type KpiInfo = typeof kpiById;

const MARK = { critical: '✖', warning: '!', info: 'i' } as const;

function table(r: WeeklyReport, format: Format, kpiOf: KpiInfo): string[] {
  const p = r.performance;
  const d = r.discovery;
  const l = r.learning;
  const share = d.successShare === null ? 'n/a (no probes)' : format(d.successShare, 'percentunit');
  const rate = l.suggestions.acceptanceRate;
  const week = p.week.flatMap((w) => {
    const kpi = kpiOf(w.kpi);
    if (!kpi) return [];
    const cells = [w.min, w.avg, w.max].map((v) => format(v, kpi.unit).padStart(11));
    return [`  ${kpi.title.padEnd(24)}${cells.join('')}${String(w.samples).padStart(9)}`];
  });
  return [
    `weekly report ${r.since} to ${r.generatedAt}`,
    `performance (${p.live})`,
    ...(week.length > 0
      ? [
          `  ${'KPI over the week'.padEnd(24)}${['min', 'avg', 'max'].map((c) => c.padStart(11)).join('')}  samples`,
          ...week,
        ]
      : [
          '  no exported metrics this week (serve writes logs/metrics.jsonl while monitor.exportMetrics is on)',
        ]),
    ...(p.operations.length > 0 ? ['  operations now', ...operationTable(p.operations.slice(0, 10))] : []),
    'discovery',
    `  runs ${d.runs} · imports ${d.imports} · servers ${d.servers} · probes ${d.probes} · succeeded ${share}`,
    `  tools: ${d.tools.added} added, ${d.tools.removed} removed, ${d.tools.changed} changed`,
    'learning',
    `  hook events ${l.events}${
      Object.keys(l.byType).length > 0
        ? ` (${Object.entries(l.byType)
            .map(([e, n]) => `${e} ${n}`)
            .join(', ')})`
        : ''
    } · sessions ${l.sessions}`,
    `  suggestions ${l.suggestions.suggested}, accepted ${l.suggestions.accepted} (${rate === null ? 'n/a' : format(rate, 'percentunit')})`,
    ...l.topTools.map((t) => `  ${t.ref}: ${t.calls} calls, ${t.failures} failed`),
    'recommendations',
    ...(r.recommendations.length === 0
      ? ['  none: every KPI is within its thresholds']
      : r.recommendations.map((x) => `  ${MARK[x.severity]} ${x.message}`)),
  ];
}

/** `report weekly`: the last 7 days as JSON (to --out, atomically) and a table. */
export function reportCommand(program: Command): void {
  const report = program.command('report').description('reports over the stored history');
  report
    .command('weekly')
    .description('last 7 days: performance, discovery, learning, and recommendations from the numbers')
    .option('--out <file>', 'also write the report as JSON to this file (atomically)')
    .option('--json', 'print the JSON report instead of the table')
    .action(async (flags: { out?: string; json?: boolean }, cmd: Command) =>
      runOperation(cmd, async (rt) => {
        const { weeklyReport } = await import('../../maintenance/report.js');
        const { formatValue, kpiById } = await import('../../kpi/index.js');
        const r = await weeklyReport({ settings: rt.settings, out: flags.out });
        if (flags.json) return writeJson(r);
        const lines = table(r, formatValue, kpiById);
        if (flags.out) lines.push(`written to ${flags.out}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
