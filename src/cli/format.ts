import type { DiscoveryRun, ServerReport } from '../discovery/index.js';
import { formatProblem } from '../sources/spec.js';
import { entryId } from '../store/catalog.js';
import type { RunChanges } from '../store/index.js';

const MARK: Record<ServerReport['health'], string> = {
  healthy: '✔',
  degraded: '!',
  unauthorized: '✖',
  'needs-input': '?',
  failed: '✖',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function countsText(c: ServerReport['counts']): string {
  return [
    plural(c.tools, 'tool'),
    plural(c.resources, 'resource'),
    plural(c.resourceTemplates, 'template'),
    plural(c.prompts, 'prompt'),
  ].join(' · ');
}

/** One line per server: name, transport, then counts and time, or the reason it failed. */
export function serverLine(r: ServerReport, nameWidth = 0): string {
  const head = `${MARK[r.health]} ${r.name.padEnd(nameWidth)}  ${r.transport.padEnd(5)}`;
  if (r.health === 'healthy') return `${head}  ${countsText(r.counts)}  ${r.timings.totalMs} ms`;
  if (r.health === 'degraded')
    return `${head}  ${countsText(r.counts)}  ${r.timings.totalMs} ms  degraded: ${r.reason}`;
  return `${head}  ${r.health}: ${r.reason}`;
}

export function summaryText(run: DiscoveryRun): string {
  const health = Object.entries(run.summary.health)
    .filter(([, n]) => n > 0)
    .map(([h, n]) => `${n} ${h}`)
    .join(', ');
  const s = run.summary;
  return [
    `${plural(s.servers, 'server')}${health ? ` (${health})` : ''} in ${(run.durationMs / 1000).toFixed(1)} s`,
    `${plural(s.tools, 'tool')} · ${plural(s.resources, 'resource')} · ${plural(s.resourceTemplates, 'template')} · ${plural(s.prompts, 'prompt')}`,
  ].join('\n');
}

export function problemLines(run: Pick<DiscoveryRun, 'problems'>): string[] {
  return run.problems.map((p) => `${p.level}: ${formatProblem(p)}`);
}

/** Shown change lines at most; the count line always gives the totals. */
const MAX_CHANGE_LINES = 20;

export function changeLines(changes: RunChanges): string[] {
  const { added, removed, changed } = changes;
  if (added.length + removed.length + changed.length === 0) return ['no changes to the catalog'];
  const marked = [
    ...added.map((c) => `  + ${entryId(c)}`),
    ...removed.map((c) => `  - ${entryId(c)}`),
    ...changed.map((c) => `  ~ ${entryId(c)}`),
  ];
  const more = marked.length - MAX_CHANGE_LINES;
  return [
    `changes: ${added.length} added, ${removed.length} removed, ${changed.length} changed`,
    ...marked.slice(0, MAX_CHANGE_LINES),
    ...(more > 0 ? [`  … and ${more} more`] : []),
  ];
}
