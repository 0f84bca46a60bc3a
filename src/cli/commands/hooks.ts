import { type Command, Option } from 'commander';
import { type GlobalOptions, resolveSettings, UsageError, writeJson } from '../runtime.js';

type Scope = 'user' | 'project' | 'local';
const scopeOption = (what: string) =>
  new Option('--scope <scope>', `${what}: user (~/.claude), project (.claude/settings.json) or local`)
    .choices(['user', 'project', 'local'])
    .default('user');

const where = () => ({ cwd: process.cwd(), env: process.env });

/** A settings file we refuse to touch (not JSON, not an object) is a problem found: exit 1, the file named. */
async function reportingFileErrors(fn: () => Promise<void>): Promise<void> {
  const { SettingsFileError } = await import('../../hooks/install.js');
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof SettingsFileError)) throw error;
    console.error(`mcp-discovery: ${error.message}`);
    process.exitCode = 1;
  }
}

/** `hooks install | uninstall | status | test`: our entries in Claude Code's settings files. */
export function hooksCommand(program: Command): void {
  // Listed for --help; src/cli/main.ts runs it on its fast path before this program is even loaded.
  program
    .command('hook')
    .description(
      'record one Claude Code hook event from stdin (what `hooks install` puts in Claude Code settings)',
    )
    .allowUnknownOption()
    .action(async () => {
      const { runHook } = await import('../../hooks/entry.js');
      await runHook();
    });

  const hooks = program
    .command('hooks')
    .description('install the Claude Code hooks that feed usage into mcp-discovery, and check them');

  hooks
    .command('install')
    .description(
      'add our hook to every event mcp-discovery learns from (idempotent; the file is backed up first)',
    )
    .addOption(scopeOption('settings file'))
    .option('--context', 'also return suggestions to Claude as context (hooks.contextEnabled)')
    .option('--no-context', 'do not return suggestions to Claude')
    .option('--timeout <seconds>', 'how long Claude Code lets the hook run', (v) => Number(v), 10)
    .action((flags: { scope: Scope; context?: boolean; timeout: number }, cmd: Command) =>
      reportingFileErrors(async () => {
        if (!Number.isFinite(flags.timeout) || flags.timeout < 1)
          throw new UsageError('--timeout: expected a number of seconds, at least 1');
        const global = cmd.optsWithGlobals<GlobalOptions>();
        const settings = resolveSettings(global);
        const { claudeSettingsFile, hookCommand, installHooks, writeHookConfig } = await import(
          '../../hooks/install.js'
        );
        const { storeLocation } = await import('../../store/open.js');
        const file = claudeSettingsFile(flags.scope, where());
        const command = hookCommand(settings.dataDir);
        const change = await installHooks(file, command, flags.timeout);
        const contextEnabled = flags.context ?? settings.hooks.contextEnabled;
        await writeHookConfig(settings.dataDir, {
          contextEnabled,
          minScore: settings.hooks.minScore,
          maxSuggestions: settings.hooks.maxSuggestions,
          ...(global.settings && { settingsFile: global.settings }),
          backend: settings.store.backend,
          ...(settings.store.backend === 'postgres' && { postgresUrl: settings.store.postgresUrl }),
        });
        const lines = [
          change.changed ? `installed in ${file}` : `already installed in ${file}; nothing changed`,
          ...(change.backup ? [`backup: ${change.backup}`] : []),
          `command: ${command}`,
          `context for Claude: ${contextEnabled ? 'on' : 'off'}`,
          `events go to: ${storeLocation(settings)}`,
          'check it with `mcp-discovery hooks test`; Claude Code picks hooks up in new sessions',
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );

  hooks
    .command('uninstall')
    .description('remove our hook entries (and nothing else) from a Claude Code settings file')
    .addOption(scopeOption('settings file'))
    .action((flags: { scope: Scope }) =>
      reportingFileErrors(async () => {
        const { claudeSettingsFile, uninstallHooks } = await import('../../hooks/install.js');
        const change = await uninstallHooks(claudeSettingsFile(flags.scope, where()));
        const lines = change.changed
          ? [`removed ${change.removed} hook entries from ${change.file}`, `backup: ${change.backup}`]
          : [`no mcp-discovery hooks in ${change.file}; nothing changed`];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );

  hooks
    .command('status')
    .description('where the hook is installed, what it has recorded, and its last log line')
    .option('--json', 'print the status as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const settings = resolveSettings(cmd.optsWithGlobals<GlobalOptions>());
      const { hookStatus } = await import('../../hooks/status.js');
      const status = await hookStatus(settings.dataDir, where());
      if (flags.json) return writeJson(status);
      const lines = status.scopes.map((s) => {
        if (s.problem) return `✖ ${s.scope}: ${s.problem}`;
        if (s.events.length === 0) return `- ${s.scope}: not installed (${s.file})`;
        const missing =
          s.missing.length > 0 ? `; missing ${s.missing.join(', ')}: run hooks install again` : '';
        return `✔ ${s.scope}: ${s.events.length} events (${s.file})${missing}\n    ${s.command}`;
      });
      lines.push(
        `data: ${status.dataDir}`,
        `events go to: ${status.store}`,
        status.events.problem
          ? `events recorded: unknown (${status.events.problem})`
          : `events recorded: ${status.events.recorded}${status.events.last ? `, last ${status.events.last}` : ''}`,
        `context for Claude: ${status.contextEnabled ? 'on' : 'off'}`,
        ...(status.spooled > 0 ? [`spooled (waiting for the database): ${status.spooled}`] : []),
        status.log.last ? `log (${status.log.lines} lines): ${status.log.last}` : 'log: empty',
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  hooks
    .command('test')
    .description('send a sample event through the installed hook command and report what happened')
    .addOption(
      new Option('--scope <scope>', 'test the hook installed in this scope').choices([
        'user',
        'project',
        'local',
      ]),
    )
    .option('--json', 'print the result as JSON')
    .action(async (flags: { scope?: Scope; json?: boolean }) => {
      const { scopeStatus, testHook } = await import('../../hooks/status.js');
      const scopes = (await scopeStatus(where())).filter((s) => !flags.scope || s.scope === flags.scope);
      const installed = scopes.find((s) => s.command);
      if (!installed?.command)
        throw new UsageError(
          `no mcp-discovery hook installed${flags.scope ? ` in the ${flags.scope} scope` : ''}; run \`mcp-discovery hooks install\``,
        );
      const result = await testHook(installed.command, process.cwd());
      if (flags.json) writeJson({ scope: installed.scope, ...result });
      else {
        const head = result.recorded
          ? `✔ the ${installed.scope} hook recorded a sample event in ${Math.round(result.ms)} ms (exit ${result.exitCode})`
          : `✖ the ${installed.scope} hook ran (exit ${result.exitCode}, ${Math.round(result.ms)} ms) but the event was not recorded`;
        const lines = [head, `command: ${result.command}`];
        if (result.stderr.trim()) lines.push(`stderr: ${result.stderr.trim()}`);
        if (!result.recorded && result.logLine) lines.push(`last log line: ${result.logLine}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (!result.recorded || result.exitCode !== 0) process.exitCode = 1;
    });
}
