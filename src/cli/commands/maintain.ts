import { type Command, InvalidArgumentError } from 'commander';
import { formatValue } from '../../kpi/index.js';
import { runOperation } from '../operation.js';
import { EXIT_PROBLEM, writeJson } from '../runtime.js';
import { maintainDbCommand } from './maintain-db.js';

function wholeDays(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a whole number of days, at least 1');
  return n;
}

const print = (lines: string[]) => process.stdout.write(`${lines.join('\n')}\n`);
const rate = (r: number | null) => (r === null ? 'n/a' : formatValue(r, 'percentunit'));

/** The `maintain` group; returned so further subcommands (`maintain db`) can be attached to it. */
export function maintainCommand(program: Command): Command {
  const maintain = program
    .command('maintain')
    .description('routine maintenance: search cache tuning, log rotation, dependency check');

  maintain
    .command('cache')
    .description(
      'show the search cache statistics; clear it when the hit rate is under the cache_hit_rate warning ' +
        'threshold over enough lookups; double the TTL (to at most 1 h) in the settings file when responses ' +
        'are past the response_time warning. Each run is recorded in <dataDir>/logs/maintenance.log',
    )
    .option('--json', 'print the statistics and what changed as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) =>
      runOperation(cmd, async (rt) => {
        const { maintainCache } = await import('../../maintenance/cache.js');
        const r = await maintainCache({ settings: rt.settings, settingsFile: rt.settingsFile });
        if (flags.json) return writeJson(r);
        const s = r.stats;
        const seconds = r.response.seconds;
        print([
          `${s.name} cache: ${s.size}/${s.maxEntries} entries, TTL ${s.ttlSeconds} s · hits ${s.hits} · ` +
            `misses ${s.misses} · hit rate ${rate(s.hitRate)} · evictions ${s.evictions}`,
          `response time: ${seconds === null ? 'n/a' : formatValue(seconds, 's')} (${r.response.source})`,
          ...r.changes.map((c) =>
            c.action === 'cleared'
              ? `cleared the cache: ${c.reason}`
              : `raised the TTL from ${c.from} s to ${c.to} s in ${c.file}: ${c.reason} (serve applies it at its next start)`,
          ),
          ...r.recommendations.map((c) => `recommended: TTL ${c.from} s -> ${c.to} s: ${c.how}`),
          ...r.notes,
          `recorded in ${r.logFile}`,
        ]);
      }),
    );

  maintain
    .command('logs')
    .description(
      'rotate metrics.jsonl, alerts.log and maintenance.log in <dataDir>/logs to dated files, then delete ' +
        'those rotated files older than the retention (by the date in their name); other files are never touched',
    )
    .option('--retention-days <days>', 'keep rotated files this many days', wholeDays, 30)
    .option('--json', 'print what was rotated, deleted and kept as JSON')
    .action(async (flags: { retentionDays: number; json?: boolean }, cmd: Command) =>
      runOperation(cmd, async (rt) => {
        const { maintainLogs } = await import('../../maintenance/logs.js');
        const r = await maintainLogs({ settings: rt.settings, retentionDays: flags.retentionDays });
        if (flags.json) return writeJson(r);
        print([
          ...r.rotated.map((f) => `rotated ${f.from} -> ${f.to} (${f.bytes} bytes)`),
          ...r.deleted.map((f) => `deleted ${f}`),
          `${r.rotated.length} rotated, ${r.deleted.length} deleted, ${r.kept.length} kept ` +
            `(older than ${r.retentionDays} days are deleted) in ${r.dir}`,
        ]);
      }),
    );

  maintain
    .command('deps')
    .description(
      'npm outdated and npm audit for this installation. Exit 0 also when the registry cannot be reached ' +
        '(reported as registry: unreachable); exit 1 on high or critical vulnerabilities, or when npm fails otherwise',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) =>
      runOperation(cmd, async (rt) => {
        const { checkDeps } = await import('../../maintenance/deps.js');
        const r = await checkDeps({ settings: rt.settings });
        const v = r.vulnerabilities;
        if (r.problems.length > 0 || (v && v.high + v.critical > 0)) process.exitCode = EXIT_PROBLEM;
        if (flags.json) return writeJson(r);
        const lines = [`registry: ${r.registry}${r.reason ? ` (${r.reason})` : ''}`];
        if (r.outdated) {
          lines.push(`outdated: ${r.outdated.count}`);
          for (const p of r.outdated.packages)
            lines.push(
              `  ${p.name}: current ${p.current ?? 'not installed'}, wanted ${p.wanted}, latest ${p.latest}`,
            );
        }
        if (v)
          lines.push(
            `vulnerabilities: ${v.total} (critical ${v.critical}, high ${v.high}, moderate ${v.moderate}, ` +
              `low ${v.low}, info ${v.info})`,
          );
        print([...lines, ...r.problems.map((p) => `problem: ${p}`)]);
      }),
    );
  maintainDbCommand(maintain);
  return maintain;
}
