import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir } from '../settings/paths.js';

/**
 * What the hook's fast path needs to know, read without the settings module (which loads zod, about 130 ms):
 * the data directory (`--data-dir`, else `MCP_DISCOVERY_DATA_DIR`, else the XDG default), where events go
 * (`store.backend` and `store.postgresUrl`, overridden by `MCP_DISCOVERY_STORE` and `MCP_DISCOVERY_POSTGRES_URL`
 * as src/settings/env.ts does) and whether to return context to Claude. This is the one place besides
 * src/settings that reads those variables: the one exception to "environment is read in one place".
 * `hooks install` writes `<data-dir>/hooks.json` from the settings (`hooks.contextEnabled`, `hooks.minScore`,
 * `hooks.maxSuggestions`, the store; owner-only, as the URL may hold a password); `MCP_DISCOVERY_HOOK_CONTEXT=1`
 * or `0` overrides the switch.
 */
export interface HookConfig {
  dataDir: string;
  /** SQLite in the data directory (the default), or the PostgreSQL database every machine shares. */
  backend: 'sqlite' | 'postgres';
  postgresUrl?: string;
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
  const config: HookConfig = { dataDir, backend: 'sqlite', contextEnabled: false };
  try {
    const saved = JSON.parse(readFileSync(hookConfigFile(dataDir), 'utf8')) as Record<string, unknown>;
    if (typeof saved.contextEnabled === 'boolean') config.contextEnabled = saved.contextEnabled;
    if (typeof saved.minScore === 'number') config.minScore = saved.minScore;
    if (typeof saved.maxSuggestions === 'number') config.maxSuggestions = saved.maxSuggestions;
    if (typeof saved.settingsFile === 'string') config.settingsFile = saved.settingsFile;
    if (saved.backend === 'postgres') config.backend = 'postgres';
    if (typeof saved.postgresUrl === 'string' && saved.postgresUrl) config.postgresUrl = saved.postgresUrl;
  } catch {
    // no hooks.json: context stays off, events go to SQLite
  }
  // A value the settings would reject is left out here: the hook has no one to report it to but hooks.log.
  const backend = env.MCP_DISCOVERY_STORE?.trim();
  if (backend === 'postgres' || backend === 'sqlite') config.backend = backend;
  if (env.MCP_DISCOVERY_POSTGRES_URL) config.postgresUrl = env.MCP_DISCOVERY_POSTGRES_URL;
  const flag = env.MCP_DISCOVERY_HOOK_CONTEXT?.trim().toLowerCase();
  if (flag === '1' || flag === 'true') config.contextEnabled = true;
  if (flag === '0' || flag === 'false') config.contextEnabled = false;
  return config;
}
