import { type Command, Option } from 'commander';
import { runOperation, size } from '../operation.js';
import { UsageError, writeJson } from '../runtime.js';

interface DbFlags {
  olderThan: string;
  restoreArchive?: boolean;
  json?: boolean;
}

/** `maintain db`: archive old usage and long-removed entries, then compact; or put the archive back. */
export function maintainDbCommand(maintain: Command): Command {
  return maintain
    .command('db')
    .description(
      'move hook events, suggestions and entries removed before --older-than into archived_* tables, then compact (VACUUM)',
    )
    .addOption(
      new Option('--older-than <age>', 'archive what is older than this: <n>d or <n>h').default('180d'),
    )
    .addOption(
      new Option('--restore-archive', 'move every archived row back instead of archiving').conflicts(
        'olderThan',
      ),
    )
    .option('--json', 'print rows moved per table and the database size before and after as JSON')
    .action(async (flags: DbFlags, cmd: Command) => {
      const { archiveDb, ARCHIVES, parseAge, restoreArchive } = await import('../../maintenance/db.js');
      const age = parseAge(flags.olderThan);
      if (!age.ok) throw new UsageError(age.message);
      await runOperation(cmd, async (rt) => {
        const r = flags.restoreArchive
          ? await restoreArchive({ settings: rt.settings })
          : await archiveDb({ settings: rt.settings, olderThanMs: age.ms });
        if (flags.json) return writeJson(r);
        const tables = Object.entries(ARCHIVES) as [keyof typeof ARCHIVES, string][];
        const lines = [
          r.action === 'archive'
            ? `archived what is older than ${r.cutoff} (${flags.olderThan}) in ${r.database}:`
            : `restored from the archive tables of ${r.database}:`,
          ...tables.map(
            ([t, archive]) =>
              `  ${t.padEnd(17)} ${String(r.moved[t]).padStart(7)} ${r.action === 'archive' ? '→' : '←'} ${archive} (now ${r.inArchive[t]})`,
          ),
          `size: ${size(r.sizeBefore)} → ${size(r.sizeAfter)}${r.action === 'archive' ? ' (VACUUM)' : ''}`,
          r.action === 'archive'
            ? `archived rows stay queryable (SELECT * FROM archived_hook_events); put them back with: mcp-discovery maintain db --restore-archive`
            : Object.values(r.inArchive).some((n) => n > 0)
              ? 'what is still archived has a newer live row in its place (an entry listed again since)'
              : 'the archive tables are empty',
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}
