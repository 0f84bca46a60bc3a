import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, posix, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { readSpecs } from '../discover.js';
import type { ResolvedSettings } from '../settings/index.js';
import type { SourceContext } from '../sources/index.js';
import { storeErrorFrom } from '../store/errors.js';
import { dbFile } from '../store/sqlite.js';
import { VERSION } from '../version.js';
import type { PgToolSearch } from './backup-postgres.js';
import {
  BackupError,
  type BackupFile,
  ioFailure,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  type Manifest,
  ManifestSchema,
  sha256,
  sha256File,
  stampOf,
} from './manifest.js';
import { runTask } from './task.js';

export interface BackupOptions {
  settings: ResolvedSettings;
  /** The folder that receives one `<timestamp>/` folder per backup; created if need be. */
  dir: string;
  /** The settings file in use (`loadSettings().file`), if any. */
  settingsFile?: string;
  /** `--config` files, kept with the client configs. */
  configFiles?: string[];
  context?: SourceContext;
  /** Where pg_dump is looked for (store.backend postgres): PATH, then /usr/lib/postgresql/<newest>/bin. */
  pgTools?: PgToolSearch;
}

export interface BackupResult {
  /** The complete backup: `<dir>/<timestamp>`. */
  folder: string;
  manifest: Manifest;
}

const BUSY_TIMEOUT_MS = 5_000;

/** Owner-only and flushed to disk: the manifest is written last, so what it lists must already be durable. */
export async function writePrivate(file: string, data: Buffer | string): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The files discovery reads on this machine: every file a server came from or a problem was found in (so a
 * config that no longer parses is kept too), plus the `--config` files. A config with no servers is not read
 * as a source of any, so it is not listed.
 */
export async function clientConfigFiles(
  options: Pick<BackupOptions, 'settings' | 'configFiles' | 'context'>,
): Promise<string[]> {
  const { specs, problems } = await readSpecs(options);
  const cwd = options.context?.cwd ?? process.cwd();
  const files = new Set<string>([
    ...specs.flatMap((s) => s.sources.map((source) => source.file)),
    ...problems.map((p) => p.file),
    ...(options.configFiles ?? []).map((f) => resolve(cwd, f)),
  ]);
  // Sources name the environment `env` and a reader that crashed by its label: not files.
  return [...files].filter((f) => isAbsolute(f) && statSync(f, { throwIfNoEntry: false })?.isFile()).sort();
}

/**
 * An online copy through SQLite's backup API: pages are copied from one read snapshot, restarted if another
 * connection commits meanwhile, so `serve` may keep writing.
 */
async function copyDatabase(source: string, dest: string): Promise<void> {
  // SQLite keeps the mode of a file that already exists; an empty file is an empty database to it.
  await (await open(dest, 'wx', 0o600)).close();
  let db: Database.Database | undefined;
  try {
    db = new Database(source, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    await db.backup(dest);
  } catch (error) {
    throw storeErrorFrom(error, source, BUSY_TIMEOUT_MS);
  } finally {
    db?.close();
  }
  const copy = new Database(dest, { fileMustExist: true });
  try {
    // The copy inherits WAL mode; rollback mode makes it one self-contained file that opens read-only.
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

const databaseVersion = (file: string): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

export type Planned = Pick<BackupFile, 'path' | 'originalPath' | 'role'>;

export const NOTHING_LEFT = 'the backup was not written and nothing of it is left';

/** Copies one planned file into the backup folder; the database by SQLite's online backup. */
export async function copyInto(folder: string, f: Planned): Promise<BackupFile> {
  const dest = join(folder, f.path);
  if (f.role === 'database') {
    await copyDatabase(f.originalPath, dest);
    return { ...f, size: statSync(dest).size, sha256: await sha256File(dest) };
  }
  const data = await readFile(f.originalPath).catch((error) => {
    throw ioFailure(error, f.originalPath, NOTHING_LEFT);
  });
  await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
  // Hashed from the bytes written, so a file edited during the backup cannot disagree with its checksum.
  await writePrivate(dest, data);
  return { ...f, size: data.length, sha256: sha256(data) };
}

/** The settings file and the client configs, listed after the database whatever the store. */
export function planConfigs(configs: string[], settingsFile?: string): Planned[] {
  const files: Planned[] = [];
  if (settingsFile) {
    const originalPath = resolve(settingsFile);
    files.push({ path: posix.join('settings', basename(originalPath)), originalPath, role: 'settings' });
  }
  // Numbered: two clients may both name their file mcp.json.
  for (const [i, originalPath] of configs.entries()) {
    const path = posix.join('configs', `${String(i + 1).padStart(2, '0')}-${basename(originalPath)}`);
    files.push({ path, originalPath, role: 'client-config' });
  }
  return files;
}

/**
 * Builds a backup in a hidden folder: `fill` writes the files (calling `at` with each, for error messages) and
 * returns the manifest, written last; then the folder is renamed `<dir>/<timestamp>`. A folder with a timestamp
 * name is therefore always complete.
 */
export async function writeBackupFolder<M>(
  dir: string,
  createdAt: Date,
  fill: (tmp: string, at: (file: string) => void) => Promise<M>,
): Promise<{ folder: string; manifest: M }> {
  const root = resolve(dir);
  const folder = join(root, stampOf(createdAt));
  // A dot name that is not a timestamp: restore never takes it for a backup, even if removing it fails.
  const tmp = join(root, `.${stampOf(createdAt)}.partial-${randomBytes(4).toString('hex')}`);
  let at = root;
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
    at = tmp;
    await mkdir(tmp, { mode: 0o700 });
    const manifest = await fill(tmp, (file) => {
      at = file;
    });
    at = join(tmp, MANIFEST_FILE);
    await writePrivate(at, `${JSON.stringify(manifest, null, 2)}\n`);
    at = tmp;
    await rename(tmp, folder);
    return { folder, manifest };
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw ioFailure(error, at, NOTHING_LEFT);
  }
}

async function writeBackup(options: BackupOptions): Promise<BackupResult> {
  const source = dbFile(options.settings.dataDir);
  if (!existsSync(source))
    throw new BackupError(
      'no-database',
      `no database at ${source}: nothing to back up; run \`mcp-discovery discover\` or \`index import\` first, ` +
        'or check --data-dir',
    );
  const planned: Planned[] = [
    { path: basename(source), originalPath: source, role: 'database' },
    ...planConfigs(await clientConfigFiles(options), options.settingsFile),
  ];
  const createdAt = new Date();
  return writeBackupFolder(options.dir, createdAt, async (tmp, at) => {
    const files: BackupFile[] = [];
    for (const f of planned) {
      at(join(tmp, f.path));
      files.push(await copyInto(tmp, f));
    }
    return ManifestSchema.parse({
      format: MANIFEST_FORMAT,
      createdAt: createdAt.toISOString(),
      appVersion: VERSION,
      schemaVersion: databaseVersion(join(tmp, basename(source))),
      files,
    });
  });
}

/** `backup DIR`: the database, the settings file and the client configs into `DIR/<timestamp>/`, manifest last. */
export function backup(options: BackupOptions): Promise<BackupResult> {
  return runTask(options.settings.dataDir, 'backup', async () => {
    if (options.settings.store.backend !== 'postgres') return writeBackup(options);
    // Loaded on demand, like the PostgreSQL store: SQLite users never load it.
    const { writePgBackup } = await import('./backup-postgres.js');
    return writePgBackup(options);
  });
}
