/** The commander program: every command but `hook`, which main.ts runs on its own fast path. */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { StoreError } from '../store/errors.js';
import { VERSION } from '../version.js';
import { analyticsCommand } from './commands/analytics.js';
import { backupCommand } from './commands/backup.js';
import { cacheCommand } from './commands/cache.js';
import { diagnoseCommand } from './commands/diagnose.js';
import { discoverCommand } from './commands/discover.js';
import { healthCommand } from './commands/health.js';
import { hooksCommand } from './commands/hooks.js';
import { indexCommand } from './commands/index-import.js';
import { maintainCommand } from './commands/maintain.js';
import { patternsCommand } from './commands/patterns.js';
import { perfCommand } from './commands/perf.js';
import { reportCommand } from './commands/report.js';
import { searchCommand } from './commands/search.js';
import { serveCommand } from './commands/serve.js';
import { serversCommand } from './commands/servers.js';
import { EXIT_PROBLEM, EXIT_USAGE, UsageError } from './runtime.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

// Ending on a signal still runs the 'exit' handlers, which end every server process group we started.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => process.exit(130));
// `mcp-discovery servers | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('mcp-discovery')
  .description('Find, probe and index every MCP server configured on this machine.')
  .version(VERSION)
  .option(
    '--settings <file>',
    'settings file (JSON or YAML); default ./mcp-discovery.{json,yaml} or ~/.config/mcp-discovery/',
  )
  .option('--data-dir <dir>', 'where results are kept (default under the XDG data home)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
  .exitOverride()
  .showHelpAfterError();

discoverCommand(program, positiveInt);
serversCommand(program);
searchCommand(program, positiveInt);
indexCommand(program);
cacheCommand(program);
serveCommand(program, positiveInt);
hooksCommand(program);
patternsCommand(program);
analyticsCommand(program);
backupCommand(program);
diagnoseCommand(program, positiveInt);
perfCommand(program);
reportCommand(program);
healthCommand(program);
maintainCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else if (error instanceof UsageError) {
    console.error(`mcp-discovery: ${error.message}`);
    process.exitCode = EXIT_USAGE;
  } else if (error instanceof StoreError) {
    console.error(`mcp-discovery: ${error.message}`);
    process.exitCode = EXIT_PROBLEM;
  } else {
    console.error(
      `mcp-discovery: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  }
}

// The command is done and telemetry flushed (or given up on): exporter retry timers against an absent collector
// must not keep the process alive for seconds. Exit once stdout has drained.
process.stdout.write('', () => process.exit());
