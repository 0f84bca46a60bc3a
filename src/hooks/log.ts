import { appendFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** `<data-dir>/hooks.log`: the hook never writes to stdout (Claude reads it) except its JSON answer. */
export const hookLogFile = (dataDir: string) => join(dataDir, 'hooks.log');

/** Past this size the log is moved to `hooks.log.1` (replacing the previous one) and started again. */
const MAX_LOG_BYTES = 1024 * 1024;

export type HookLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/**
 * Appends one line per problem. When the log itself cannot be written (read-only or full data directory) the
 * line goes to stderr, which Claude Code shows in its verbose output but never treats as a failure on exit 0.
 */
export function hookLog(dataDir: string, context: () => string = () => ''): HookLog {
  const file = hookLogFile(dataDir);
  return (level, message) => {
    const where = context();
    const line = `${new Date().toISOString()} ${level} ${where ? `${where} ` : ''}${message}\n`;
    try {
      try {
        if (statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
      } catch {
        // no log yet
      }
      appendFileSync(file, line, { mode: 0o600 });
    } catch (error) {
      process.stderr.write(
        `mcp-discovery hook: ${line.trimEnd()} (and cannot write ${file}: ${(error as Error).message})\n`,
      );
    }
  };
}
