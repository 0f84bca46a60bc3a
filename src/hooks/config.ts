import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir } from '../settings/paths.js';

/**
 * What the hook's fast path needs to know, read without the settings module (which loads zod, about 130 ms):
 * the data directory (`--data-dir`, else `MCP_DISCOVERY_DATA_DIR`, else the XDG default; the one place besides
 * src/settings that reads it, and the one exception to "environment is read in one place") and whether to return
 * context to Claude. `hooks install` writes `<data-dir>/hooks.json` from the settings (`hooks.contextEnabled`,
 * `hooks.minScore`, `hooks.maxSuggestions`); `MCP_DISCOVERY_HOOK_CONTEXT=1` or `0` overrides the switch.
 */
export interface HookConfig {
  dataDir: string;
  contextEnabled: boolean;
  /** From hooks.json; when absent the context path uses the settings' `hooks.minScore` and `maxSuggestions`. */
  minScore?: number;
  maxSuggestions?: number;
  /** The settings file `hooks install` used, so the context path searches with the same settings. */
  settingsFile?: string;
}

export const hookConfigFile = (dataDir: string) => join(dataDir, 'hooks.json');

/** `--data-dir DIR` or `--data-dir=DIR` anywhere on the command line (global options may precede `hook`). */
export function dataDirArg(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--data-dir') return argv[i + 1];
    if (a.startsWith('--data-dir=')) return a.slice('--data-dir='.length);
  }
  return undefined;
}

export function readHookConfig(argv: readonly string[], env: Record<string, string | undefined>): HookConfig {
  const dataDir = dataDirArg(argv) || env.MCP_DISCOVERY_DATA_DIR || defaultDataDir(env);
  const config: HookConfig = { dataDir, contextEnabled: false };
  try {
    const saved = JSON.parse(readFileSync(hookConfigFile(dataDir), 'utf8')) as Record<string, unknown>;
    if (typeof saved.contextEnabled === 'boolean') config.contextEnabled = saved.contextEnabled;
    if (typeof saved.minScore === 'number') config.minScore = saved.minScore;
    if (typeof saved.maxSuggestions === 'number') config.maxSuggestions = saved.maxSuggestions;
    if (typeof saved.settingsFile === 'string') config.settingsFile = saved.settingsFile;
  } catch {
    // no hooks.json: context stays off
  }
  const flag = env.MCP_DISCOVERY_HOOK_CONTEXT?.trim().toLowerCase();
  if (flag === '1' || flag === 'true') config.contextEnabled = true;
  if (flag === '0' || flag === 'false') config.contextEnabled = false;
  return config;
}
