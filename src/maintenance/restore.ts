import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  copyFile,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { ResolvedSettings } from '../settings/index.js';
import { MIGRATIONS } from '../store/migrations.js';
import { dbFile } from '../store/sqlite.js';
import { writePrivate } from './backup.js';
import type { PgToolSearch } from './backup-postgres.js';
import {
  BackupError,
  type BackupFile,
  codeOf,
  ioFailure,
  MANIFEST_FILE,
  type Manifest,
  parseManifest,
  STAMP,
  sha256,
  sha256File,
  stampOf,
} from './manifest.js';
import { runTask } from './task.js';

export interface RestoreOptions {
  settings: ResolvedSettings;
  /** A backup folder (it holds manifest.json), or the folder of backups, whose newest is taken. */
  dir: string;
  /** Also put the settings and client config files back at their original paths. */
  configs?: boolean;
  /** Where pg_restore is looked for (store.backend postgres): PATH, then /usr/lib/postgresql/<newest>/bin. */
  pgTools?: PgToolSearch;
}

export interface RestoreResult {
  from: string;
  manifest: Manifest;
  database: string;
  /**
   * `<dataDir>/replaced/<timestamp>`: the replaced database (SQLite: with its -wal and -shm; PostgreSQL: a backup
   * folder of its own, restorable as is) and config files.
   */
  replacedDir: string;
  files: Array<Pick<BackupFile, 'role' | 'originalPath'> & { action: 'restored' | 'unchanged' | 'skipped' }>;
}

export const AGAIN = 'restore from another backup';

/** The backup `dir` names: itself when it holds a manifest, else its newest timestamped folder. */
export async function findBackup(dir: string): Promise<string> {
  const root = resolve(dir);
  if (!(await stat(root).catch(() => undefined))?.isDirectory())
    throw new BackupError(
      'not-found',
      `${root}: no such folder; give the folder \`mcp-discovery backup\` wrote into`,
    );
  if (existsSync(join(root, MANIFEST_FILE))) return root;
  const newest = (await readdir(root))
    .filter((n) => STAMP.test(n))
    .sort()
    .at(-1);
  const folder = newest ? join(root, newest) : root;
  // The newest backup being incomplete is refused, not skipped: restoring older data silently would surprise.
  if (!existsSync(join(folder, MANIFEST_FILE)))
    throw new BackupError(
      'no-manifest',
      `${join(folder, MANIFEST_FILE)} is missing: ${newest ? 'the newest backup' : 'this backup'} did not finish ` +
        '(or this is not a backup); pass a complete backup folder (one holding manifest.json)',
    );
  return folder;
}

function checkIntegrity(file: string): void {
  let detail: string;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (problems.length === 0) return;
    detail = problems.slice(0, 3).join('; ');
  } catch (error) {
    detail = `${codeOf(error)}: ${(error as Error).message}`;
  } finally {
    db?.close();
  }
  throw new BackupError('corrupt-database', `${file}: fails SQLite's integrity check (${detail}); ${AGAIN}`);
}

/** Each file the manifest lists is there, with its size and sha256. */
export async function verifyFiles(folder: string, files: readonly BackupFile[]): Promise<void> {
  for (const f of files) {
    const file = join(folder, f.path);
    const what = `the backup copy of ${f.role} ${f.originalPath}`;
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile())
      throw new BackupError('missing-file', `${file}: missing (manifest.json lists it as ${what}); ${AGAIN}`);
    if (st.size !== f.size)
      throw new BackupError(
        'size-mismatch',
        `${file}: ${st.size} bytes, manifest.json says ${f.size}: ${what} was truncated or grown; ${AGAIN}`,
      );
    if ((await sha256File(file)) !== f.sha256)
      throw new BackupError(
        'checksum-mismatch',
        `${file}: sha256 differs from manifest.json: ${what} was altered since the backup; ${AGAIN}`,
      );
  }
}

/** The manifest's `store`: "postgres" for a pg_dump backup; absent (SQLite) in the others. */
function backupStore(text: string): 'sqlite' | 'postgres' {
  try {
    return (JSON.parse(text) as { store?: unknown } | null)?.store === 'postgres' ? 'postgres' : 'sqlite';
  } catch {
    return 'sqlite';
  }
}

/** Every check, before anything is touched: manifest, each file's presence, size and sha256, the database. */
export async function verifyBackup(folder: string): Promise<Manifest> {
  const manifestFile = join(folder, MANIFEST_FILE);
  const text = await readFile(manifestFile, 'utf8');
  if (backupStore(text) === 'postgres')
    throw new BackupError(
      'bad-manifest',
      `${manifestFile}: a backup of a PostgreSQL store (pg_dump): restore it with store.backend "postgres" and ` +
        'store.postgresUrl naming the database to restore into',
    );
  const parsed = parseManifest(text, manifestFile);
  if (!parsed.ok) throw new BackupError('bad-manifest', `${parsed.message}; ${AGAIN}`);
  const { manifest } = parsed;
  if (manifest.schemaVersion > MIGRATIONS.length)
    throw new BackupError(
      'newer-schema',
      `${manifestFile}: the database has schema ${manifest.schemaVersion}, this build knows ${MIGRATIONS.length}: ` +
        `restore with mcp-discovery ${manifest.appVersion} or newer`,
    );
  await verifyFiles(folder, manifest.files);
  const db = manifest.files.find((f) => f.role === 'database');
  if (db) checkIntegrity(join(folder, db.path));
  return manifest;
}

/**
 * Leaving WAL mode needs every other connection closed, so this refuses while a `serve` has the database open
 * (it would go on writing into the replaced file and, closing, delete the new database's -wal by name). It also
 * checkpoints the WAL, so the replaced copy is one self-contained file. A damaged database is replaced as is.
 */
function quiesce(target: string): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(target, { fileMustExist: true, timeout: 2_000 });
    db.pragma('journal_mode = DELETE');
  } catch (error) {
    if (/^SQLITE_(BUSY|LOCKED)/.test(codeOf(error)))
      throw new BackupError(
        'in-use',
        `${target} is open in another process (a running \`mcp-discovery serve\`?): stop it, then restore again; ` +
          'nothing was changed',
      );
  } finally {
    db?.close();
  }
}

/** Copy beside, then rename over: the data directory holds the old database or the new one, never half. */
async function swapDatabase(backupDb: string, target: string, keep: string): Promise<void> {
  const kept = join(keep, basename(target));
  const tmp = `${target}.restore-${randomBytes(4).toString('hex')}.tmp`;
  const replacing = existsSync(target);
  if (replacing) quiesce(target);
  try {
    await copyFile(backupDb, tmp);
    await chmod(tmp, 0o600);
    const handle = await open(tmp, 'r+');
    await handle.sync().finally(() => handle.close());
    await mkdir(keep, { recursive: true, mode: 0o700 });
    // A hard link keeps the replaced database without copying it; copy where links are not allowed.
    if (replacing) await link(target, kept).catch(() => copyFile(target, kept));
  } catch (error) {
    await rm(tmp, { force: true });
    throw ioFailure(error, tmp, 'the current database is untouched');
  }
  // A stale WAL would be replayed onto the new file: it goes aside with the old database, before the swap.
  for (const suffix of ['-wal', '-shm', '-journal'])
    if (existsSync(target + suffix)) await rename(target + suffix, kept + suffix);
  await rename(tmp, target);
}

/** Back where it was, through a symlink if it is one, keeping the mode the owning app gave it. */
export async function putBack(from: string, f: BackupFile, keep: string): Promise<'restored' | 'unchanged'> {
  const target = await realpath(f.originalPath).catch(() => f.originalPath);
  const current = await readFile(target).catch(() => undefined);
  if (current && sha256(current) === f.sha256) return 'unchanged';
  let mode = 0o600;
  if (current) {
    mode = (await stat(target)).mode & 0o777;
    await mkdir(dirname(join(keep, f.path)), { recursive: true, mode: 0o700 });
    await writePrivate(join(keep, f.path), current);
  }
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.restore-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await copyFile(from, tmp);
    await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    throw ioFailure(error, target, `${target} is unchanged`);
  }
  return 'restored';
}

/**
 * `restore DIR`: verifies the whole backup, then replaces the data directory's database, keeping the replaced
 * one (with its -wal and -shm) in `<dataDir>/replaced/<timestamp>/`. Settings and client configs belong to
 * other apps and are put back only with `configs`.
 */
export function restore(options: RestoreOptions): Promise<RestoreResult> {
  const { dataDir } = options.settings;
  return runTask(dataDir, 'restore', async () => {
    const from = await findBackup(options.dir);
    if (options.settings.store.backend === 'postgres') {
      // Loaded on demand, like the PostgreSQL store: SQLite users never load it.
      const { restorePg } = await import('./restore-postgres.js');
      return restorePg(options, from);
    }
    const manifest = await verifyBackup(from);
    const keep = join(dataDir, 'replaced', stampOf(new Date()));
    const database = dbFile(dataDir);
    const files: RestoreResult['files'] = [];
    for (const f of manifest.files) {
      const source = join(from, f.path);
      if (f.role === 'database') await swapDatabase(source, database, keep);
      else
        files.push({
          role: f.role,
          originalPath: f.originalPath,
          action: options.configs ? await putBack(source, f, keep) : 'skipped',
        });
    }
    return { from, manifest, database, replacedDir: keep, files };
  });
}
