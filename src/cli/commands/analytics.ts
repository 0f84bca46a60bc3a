import type { Command } from 'commander';
import { type GlobalOptions, resolveSettings, writeJson } from '../runtime.js';

const ms = (v: number | null) => (v === null ? 'n/a' : `${v} ms`);
const rate = (v: number | null) => (v === null ? 'n/a (nothing suggested yet)' : `${Math.round(v * 100)} %`);

/** `analytics`: discovery status, performance, workflow patterns and resource usage in one report. */
export function analyticsCommand(program: Command): void {
  program
    .command('analytics')
    .description('discovery status, performance, workflow patterns and resource usage')
    .option('--json', 'print the report as JSON (keys in docs/hooks.md)')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const settings = resolveSettings(cmd.optsWithGlobals<GlobalOptions>());
      const { openStore } = await import('../../store/index.js');
      const { loadLearned } = await import('../../learning/load.js');
      const { analyticsReport } = await import('../../learning/analytics.js');
      const store = await openStore(settings);
      const report = await loadLearned(settings)
        .then((learned) => analyticsReport(store, learned))
        .finally(() => store.close());
      if (flags.json) return writeJson(report);
      const d = report.discovery;
      const p = report.performance;
      const w = report.workflows;
      const r = report.resources;
      const health = Object.entries(d.servers.health)
        .map(([h, n]) => `${n} ${h}`)
        .join(', ');
      const out = [
        'discovery',
        `  servers: ${d.servers.total}${health ? ` (${health})` : ''}`,
        `  catalog: ${d.catalog.tools} tools · ${d.catalog.resources} resources · ${d.catalog.resourceTemplates} templates · ${d.catalog.prompts} prompts`,
        `  last run: ${d.lastRun ? `${d.lastRun.startedAt} (${Math.round(d.lastRun.durationMs)} ms)` : 'none'}`,
        'performance',
        `  hook: ${p.hook.events} events, start to recorded p50 ${ms(p.hook.p50Ms)}, p99 ${ms(p.hook.p99Ms)}`,
        ...p.tools.map((t) => `  ${t.ref}: ${t.calls} calls, p50 ${t.p50Ms} ms`),
        'workflow patterns',
        `  sessions: ${w.sessions} (${w.successfulSessions} successful), patterns: ${w.patterns}`,
        ...w.top.map((t) => `  ${t.sequence.join(' → ')}  ${t.support} sessions`),
        `  suggestions: ${w.suggestions.suggested}, accepted ${w.suggestions.accepted}, rate ${rate(w.suggestions.acceptanceRate)}`,
        'resource usage',
        ...(r.reads.length + r.mentions.length + r.promptCommands.length === 0 ? ['  none yet'] : []),
        ...r.reads.map((x) => `  read ${x.ref}: ${x.count}`),
        ...r.mentions.map((x) => `  mentioned ${x.ref}: ${x.count}`),
        ...r.promptCommands.map((x) => `  ${x.ref}: ${x.count}`),
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
