import type { Command } from 'commander';
import { changeLines, problemLines, summaryText } from '../format.js';
import { progressPrinter } from '../progress.js';
import { type GlobalOptions, startRuntime, writeJson } from '../runtime.js';

interface DiscoverFlags {
  config: string[];
  userConfigs: boolean;
  json?: boolean;
  timeout?: number;
  concurrency?: number;
}

export function discoverCommand(program: Command, wholeNumber: (v: string) => number): void {
  program
    .command('discover')
    .description('find every configured MCP server, connect to each, and list what it offers')
    .option(
      '-c, --config <file>',
      'an MCP config file to read (repeatable; any client format)',
      (v, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      '--no-user-configs',
      "read only --config files and the environment, not this machine's client configs",
    )
    .option('--timeout <ms>', 'time budget per server, in milliseconds', wholeNumber)
    .option('--concurrency <n>', 'servers probed at once', wholeNumber)
    .option('--json', 'print one JSON document (schema in README) and nothing else')
    .action(async (flags: DiscoverFlags, cmd: Command) => {
      const discovery: Record<string, unknown> = {};
      if (flags.timeout !== undefined) discovery.timeoutMs = flags.timeout;
      if (flags.concurrency !== undefined) discovery.maxParallel = flags.concurrency;
      if (!flags.userConfigs) discovery.userConfigs = false;
      const rt = await startRuntime(cmd.optsWithGlobals<GlobalOptions>(), { discovery });
      const progress = progressPrinter(process.stdout, !flags.json);
      try {
        const { discover } = await import('../../discover.js');
        const { run, changes, savedTo } = await discover({
          settings: rt.settings,
          configFiles: flags.config,
          onStart: progress.start,
          onServer: progress.server,
        });
        progress.end();
        if (flags.json) return writeJson({ ...run, changes });
        const out = [summaryText(run), ...changeLines(changes), ...problemLines(run), `saved to ${savedTo}`];
        if (run.servers.length === 0)
          out.unshift('no MCP servers configured here; try --config examples/demo.mcp.json');
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        await rt.telemetry.shutdown();
      }
    });
}
