import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/** The XDG data home on Linux and the platform's equivalent elsewhere. */
export function defaultDataDir(
  env: Env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'mcp-discovery');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'mcp-discovery');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'mcp-discovery');
}

/** Settings files looked for when `--settings` is not given, first found wins. */
export function settingsCandidates(env: Env, cwd: string, home = homedir()): string[] {
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config');
  const names = ['mcp-discovery.json', 'mcp-discovery.yaml', 'mcp-discovery.yml'];
  return [...names.map((n) => join(cwd, n)), ...names.map((n) => join(configHome, 'mcp-discovery', n))];
}
