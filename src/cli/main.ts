#!/usr/bin/env node
/**
 * Entry point. `hook` runs on every Claude Code tool call, so it skips commander, zod, pino and the telemetry SDK
 * (hundreds of milliseconds to import): its module loads only node built-ins and better-sqlite3. Everything else
 * is the commander program.
 */
const GLOBAL_WITH_VALUE = new Set(['--settings', '--data-dir', '--log-level']);

/** The command word, after any global options. */
function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

if (commandWord(process.argv.slice(2)) === 'hook') {
  const { runHook } = await import('../hooks/entry.js');
  await runHook();
  process.stdout.write('', () => process.exit(0));
} else {
  await import('./program.js');
}
