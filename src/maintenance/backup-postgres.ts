import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type pg from 'pg';
import { z } from 'zod';
import { StoreError } from '../store/errors.js';
import { describeUrl, pgStoreError } from '../store/postgres/errors.js';
import { VERSION } from '../version.js';
import {
  type BackupOptions,
  type BackupResult,
  clientConfigFiles,
  copyInto,
  NOTHING_LEFT,
  type Planned,
  planConfigs,
  writeBackupFolder,
} from './backup.js';
import {
  BackupError,
  type BackupFile,
  BackupFileSchema,
  MANIFEST_FORMAT,
  ManifestSchema,
  sha256File,
} from './manifest.js';

/** The dump's name in the backup folder: pg_dump's custom format, read back by pg_restore. */
export const DUMP_FILE = 'mcp-discovery.dump';

/** A pg_dump backup: the database entry names the database (no password) and says how it was written. */
export const PgManifestSchema = ManifestSchema.extend({
  store: z.literal('postgres'),
  /** `pg_dump --version`: pg_restore refuses archives from a newer pg_dump, and this says which one to use. */
  dumpedWith: z.string(),
  files: z
    .array(
      z.union([
        BackupFileSchema.extend({
          role: z.literal('database'),
          format: z.literal('postgres-dump'),
          originalPath: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
        }),
        BackupFileSchema.extend({ role: z.enum(['settings', 'client-config']) }),
      ]),
    )
    .refine(
      (files) => files.filter((f) => f.role === 'database').length === 1,
      'must hold exactly one database',
    ),
});
export type PgManifest = z.infer<typeof PgManifestSchema>;

/** Where the PostgreSQL client tools are looked for; both injectable, so tests can take them away. */
export interface PgToolSearch {
  /** Searched first, like a shell would; defaults to this process's PATH. */
  path?: string;
  /** Holds `<major>/bin` folders, newest tried first; defaults to Debian's /usr/lib/postgresql. */
  libRoot?: string;
}

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/** pg_dump or pg_restore from PATH, else the newest /usr/lib/postgresql/<major>/bin; a clear refusal without. */
export function findPgTool(tool: 'pg_dump' | 'pg_restore', search: PgToolSearch = {}): string {
  const dirs = (search.path ?? process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const root = search.libRoot ?? '/usr/lib/postgresql';
  if (existsSync(root))
    dirs.push(
      ...readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(root, v, 'bin')),
    );
  const found = dirs.map((d) => join(d, tool)).find(executable);
  if (found) return found;
  throw new BackupError(
    'not-found',
    `${tool} not found on PATH nor in ${root}/<version>/bin: it is needed to ${tool === 'pg_dump' ? 'back up' : 'restore'} ` +
      'a PostgreSQL store; install the client tools (Debian/Ubuntu: apt-get install postgresql-client, of the ' +
      "server's major version or newer) or put them on PATH, then run this again; nothing was changed",
  );
}

/**
 * The URL for libpq without its password, and the password for `PGPASSWORD`: it must never be on a command line,
 * where any user of the machine can read it (ps, /proc). node-postgres' `ssl=true` becomes libpq's `sslmode`.
 */
export function libpqTarget(url: string): { dbname: string; env: Record<string, string> } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BackupError(
      'no-database',
      'store.postgresUrl is not a URL: use postgres://user:password@host/db',
    );
  }
  const password = u.password ? decodeURIComponent(u.password) : u.searchParams.get('password');
  u.password = '';
  for (const secret of ['password', 'sslpassword']) u.searchParams.delete(secret);
  const ssl = u.searchParams.get('ssl');
  u.searchParams.delete('ssl');
  if (ssl && ssl !== 'false' && ssl !== '0' && !u.searchParams.has('sslmode'))
    u.searchParams.set('sslmode', 'require');
  return { dbname: u.toString(), env: password ? { PGPASSWORD: password } : {} };
}

/** The last lines pg_dump or pg_restore wrote to stderr: they name the problem, never the password. */
const tail = (text: string) => text.trim().split('\n').slice(-4).join(' | ').slice(0, 1_000);

/** Runs a client tool without a shell; resolves with its stdout, rejects with a BackupError quoting stderr. */
export function runPgTool(
  bin: string,
  args: string[],
  env: Record<string, string>,
  outcome: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      env: { ...process.env, PGAPPNAME: 'mcp-discovery-backup', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    child.once('error', (error) =>
      reject(new BackupError('io-failed', `${bin}: ${error.message}; ${outcome}`)),
    );
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(out);
      const hint = /version mismatch|unsupported version/.test(err)
        ? ': the client tools must be of the server major version or newer (PATH first, then /usr/lib/postgresql)'
        : '';
      reject(
        new BackupError(
          'io-failed',
          `${bin} failed (${signal ?? `exit ${code}`}): ${tail(err)}${hint}; ${outcome}`,
        ),
      );
    });
  });
}

/** Runs `fn` on one connection to the store's database; connection problems as the store words them. */
export async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    application_name: 'mcp-discovery-backup',
  });
  try {
    await client.connect();
    return await fn(client);
  } catch (error) {
    const mapped = pgStoreError(error, url, 0);
    // The CLI answers BackupErrors with their message and exit 1: a connection problem is one the user can fix.
    if (mapped instanceof StoreError) throw new BackupError('io-failed', mapped.message, { cause: error });
    throw mapped;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** How many migrations the database has run; undefined when it never held a store (nothing to back up). */
export async function pgSchemaVersion(c: pg.Client): Promise<number | undefined> {
  // Two statements: a query naming a table that does not exist fails when parsed, whatever its CASE says.
  const { rows } = await c.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (!rows[0]?.t) return undefined;
  const max = await c.query<{ v: number }>(
    'SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_migrations',
  );
  return max.rows[0]?.v ?? 0;
}

/**
 * Dumps the database with `pg_dump --format=custom` into `dest` (created owner-only first: pg_dump keeps the mode
 * of a file that exists), flushed to disk. pg_dump reads one snapshot, so running instances may go on writing.
 */
async function dumpTo(
  url: string,
  dest: string,
  search: PgToolSearch | undefined,
  outcome: string,
): Promise<string> {
  const bin = findPgTool('pg_dump', search);
  const { dbname, env } = libpqTarget(url);
  await (await open(dest, 'wx', 0o600)).close();
  await runPgTool(bin, ['--format=custom', `--file=${dest}`, `--dbname=${dbname}`], env, outcome);
  const handle = await open(dest, 'r+');
  await handle.sync().finally(() => handle.close());
  return (await runPgTool(bin, ['--version'], {}, outcome)).trim();
}

/**
 * A backup folder `<dir>/<timestamp>` of the database at `url`, and of `configs`, manifest last. Restore uses it
 * too, to keep the database it replaces as a backup that can itself be restored.
 */
export async function dumpBackup(
  url: string,
  dir: string,
  search: PgToolSearch | undefined,
  configs: Planned[] = [],
  outcome = NOTHING_LEFT,
): Promise<{ folder: string; manifest: PgManifest }> {
  const createdAt = new Date();
  return writeBackupFolder(dir, createdAt, async (tmp, at) => {
    const dump = join(tmp, DUMP_FILE);
    at(dump);
    const version = await dumpTo(url, dump, search, outcome);
    const files: BackupFile[] = [
      {
        path: DUMP_FILE,
        originalPath: describeUrl(url),
        role: 'database',
        format: 'postgres-dump',
        size: statSync(dump).size,
        sha256: await sha256File(dump),
      } as BackupFile,
    ];
    for (const f of configs) {
      at(join(tmp, f.path));
      files.push(await copyInto(tmp, f));
    }
    return PgManifestSchema.parse({
      format: MANIFEST_FORMAT,
      createdAt: createdAt.toISOString(),
      appVersion: VERSION,
      // Read after the dump: a migration that ran meanwhile makes this the larger one, so restore never
      // takes a newer schema for one this build knows.
      schemaVersion: (await withPg(url, pgSchemaVersion)) ?? 0,
      store: 'postgres',
      dumpedWith: version,
      files,
    });
  });
}

/** `backup DIR` on PostgreSQL: a pg_dump of the store's database, the settings and client configs, manifest last. */
export async function writePgBackup(options: BackupOptions): Promise<BackupResult> {
  const url = options.settings.store.postgresUrl ?? '';
  // Before anything is written: a bad URL or a missing pg_dump leaves no half backup behind.
  libpqTarget(url);
  findPgTool('pg_dump', options.pgTools);
  if ((await withPg(url, pgSchemaVersion)) === undefined)
    throw new BackupError(
      'no-database',
      `${describeUrl(url)} holds no mcp-discovery store: nothing to back up; run \`mcp-discovery discover\` or ` +
        '`index import` first, or check store.postgresUrl',
    );
  const configs = planConfigs(await clientConfigFiles(options), options.settingsFile);
  return dumpBackup(url, options.dir, options.pgTools, configs);
}
