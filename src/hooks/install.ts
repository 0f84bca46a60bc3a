import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withOurHooks, withoutOurHooks } from './claude-settings.js';

/** Claude Code's settings files: user, project (shared, committed) and local (this machine, git-ignored). */
export type Scope = 'user' | 'project' | 'local';
export const SCOPES: readonly Scope[] = ['user', 'project', 'local'];

export function claudeSettingsFile(
  scope: Scope,
  where: { cwd: string; env: Record<string, string | undefined>; home?: string },
): string {
  if (scope === 'user')
    return join(where.env.CLAUDE_CONFIG_DIR || join(where.home ?? homedir(), '.claude'), 'settings.json');
  return join(where.cwd, '.claude', scope === 'project' ? 'settings.json' : 'settings.local.json');
}

/** A word for the shell Claude Code runs hook commands with. */
function quote(word: string): string {
  if (process.platform === 'win32') return `"${word}"`;
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The installed command: absolute node and CLI paths, so it works without PATH, and the data directory. */
export function hookCommand(dataDir: string, node = process.execPath): string {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  return [node, main, 'hook', '--data-dir', dataDir].map(quote).join(' ');
}

/** The data directory an installed command writes to. */
export function dataDirOfCommand(command: string): string | undefined {
  const m = /--data-dir\s+(?:'((?:[^']|'\\'')*)'|"([^"]*)"|(\S+))/.exec(command);
  return m ? (m[1]?.replace(/'\\''/g, "'") ?? m[2] ?? m[3]) : undefined;
}

export class SettingsFileError extends Error {
  override name = 'SettingsFileError';
}

interface SettingsFile {
  exists: boolean;
  text: string;
  value: Record<string, unknown>;
}

export async function readSettingsFile(file: string): Promise<SettingsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, text: '', value: {} };
    throw new SettingsFileError(`${file}: cannot read (${(error as Error).message})`);
  }
  if (text.trim() === '') return { exists: true, text, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SettingsFileError(
      `${file}: not valid JSON (${(error as Error).message}); fix it by hand, nothing was changed`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SettingsFileError(`${file}: expected a JSON object of settings; nothing was changed`);
  return { exists: true, text, value: value as Record<string, unknown> };
}

/** The indentation the file already uses (two spaces for a new file). */
const indentOf = (text: string) => /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';

/**
 * Backs the old file up beside it (`<file>.bak-<time>`), then writes a temporary file with the old file's mode and
 * renames it over: Claude Code sees the old settings or the new ones, never half.
 */
async function replaceFile(
  file: string,
  old: SettingsFile,
  value: Record<string, unknown>,
): Promise<string | undefined> {
  await mkdir(dirname(file), { recursive: true });
  let backup: string | undefined;
  let mode = 0o644;
  if (old.exists) {
    mode = (await stat(file)).mode & 0o777;
    backup = `${file}.bak-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await copyFile(file, backup);
  }
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, indentOf(old.text))}\n`, { mode });
    await chmod(tmp, mode);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return backup;
}

export interface FileChange {
  file: string;
  changed: boolean;
  backup?: string;
}

/** Adds (or refreshes) our hook entries; a file that already has exactly them is not touched. */
export async function installHooks(
  file: string,
  command: string,
  timeoutSeconds: number,
): Promise<FileChange> {
  const old = await readSettingsFile(file);
  const next = withOurHooks(old.value, command, timeoutSeconds);
  if (old.exists && JSON.stringify(next) === JSON.stringify(old.value)) return { file, changed: false };
  return { file, changed: true, backup: await replaceFile(file, old, next) };
}

export async function uninstallHooks(file: string): Promise<FileChange & { removed: number }> {
  const old = await readSettingsFile(file);
  const { settings, removed } = withoutOurHooks(old.value);
  if (removed === 0) return { file, changed: false, removed };
  return { file, changed: true, removed, backup: await replaceFile(file, old, settings) };
}

/**
 * `<data-dir>/hooks.json`: the context switch and its limits, and the store the hook writes to (`backend`,
 * `postgresUrl`), read by the hook without loading the settings. Owner-only (writeFileAtomic's 0600): the URL may
 * carry a password.
 */
export async function writeHookConfig(
  dataDir: string,
  config: {
    contextEnabled: boolean;
    minScore: number;
    maxSuggestions: number;
    settingsFile?: string;
    backend?: 'sqlite' | 'postgres';
    postgresUrl?: string;
  },
): Promise<string> {
  const { hookConfigFile } = await import('./config.js');
  const { writeFileAtomic } = await import('../store/atomic.js');
  const file = hookConfigFile(dataDir);
  await writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}
