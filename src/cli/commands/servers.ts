import type { Command } from 'commander';
import { problemLines, serverLine } from '../format.js';
import { type GlobalOptions, resolveSettings, UsageError, writeJson } from '../runtime.js';

export function serversCommand(program: Command): void {
  program
    .command('servers')
    .description('list the servers the last discovery run found, with their health')
    .option('--json', 'print the servers as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const settings = resolveSettings(cmd.optsWithGlobals<GlobalOptions>());
      const { loadLastRun } = await import('../../store/index.js');
      const last = await loadLastRun(settings.dataDir);
      if (!last.ok) {
        if (last.missing && flags.json) return writeJson({ servers: [] });
        if (last.missing) return void process.stdout.write(`${last.message}\n`);
        throw new UsageError(last.message);
      }
      const { run } = last;
      if (flags.json) return writeJson({ runId: run.runId, startedAt: run.startedAt, servers: run.servers });
      const width = Math.max(0, ...run.servers.map((s) => s.name.length));
      const lines = run.servers.map((s) => serverLine(s, width));
      process.stdout.write(`${[`last run ${run.startedAt}`, ...lines, ...problemLines(run)].join('\n')}\n`);
    });
}
