import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything a reader may learn about the machine. Readers take it as an argument, so tests can point
 * home and cwd at temporary directories and pass a fake environment; nothing else in src/sources reads
 * process.env, os.homedir() or process.cwd().
 */
export interface SourceContext {
  home: string;
  cwd: string;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** Directory holding Claude Code's `managed-mcp.json`; defaults to the platform's system directory. */
  claudeManagedDir?: string;
}

export function defaultContext(): SourceContext {
  return { home: homedir(), cwd: process.cwd(), platform: process.platform, env: { ...process.env } };
}

/**
 * Electron's per-user application data directory, where Claude Desktop and VS Code keep their settings.
 * On Linux Electron honours XDG_CONFIG_HOME.
 */
export function appDataDir(ctx: SourceContext): string {
  if (ctx.platform === 'darwin') return join(ctx.home, 'Library', 'Application Support');
  if (ctx.platform === 'win32') return ctx.env.APPDATA || join(ctx.home, 'AppData', 'Roaming');
  return ctx.env.XDG_CONFIG_HOME || join(ctx.home, '.config');
}
