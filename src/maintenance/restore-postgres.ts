import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { describeUrl } from '../store/postgres/errors.js';
import { PG_MIGRATIONS } from '../store/postgres/migrations.js';
import { NOTIFY_CHANNEL } from '../store/postgres/sql.js';
import {
  DUMP_FILE,
  dumpBackup,
  findPgTool,
  libpqTarget,
  type PgManifest,
  PgManifestSchema,
  type PgToolSearch,
  pgSchemaVersion,
  runPgTool,
  withPg,
} from './backup-postgres.js';
import { BackupError, MANIFEST_FILE, stampOf } from './manifest.js';
import { AGAIN, putBack, type RestoreOptions, type RestoreResult, verifyFiles } from './restore.js';

/** Every check before the database is touched: manifest, each file's size and sha256, the dump's table of contents. */
async function verifyPgBackup(folder: string, search?: PgToolSearch): Promise<PgManifest> {
  const manifestFile = join(folder, MANIFEST_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(manifestFile, 'utf8'));
  } catch (error) {
    throw new BackupError(
      'bad-manifest',
      `${manifestFile}: not valid JSON (${(error as Error).message}); ${AGAIN}`,
    );
  }
  if ((json as { store?: unknown } | null)?.store !== 'postgres')
    throw new BackupError(
      'bad-manifest',
      `${manifestFile}: a backup of a SQLite store, not a pg_dump: restore it with store.backend "sqlite" (the ` +
        'default), or fill PostgreSQL with `mcp-discovery discover` or `index import`',
    );
  const parsed = PgManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackupError(
      'bad-manifest',
      `${manifestFile}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}; ${AGAIN}`,
    );
  }
  const manifest = parsed.data;
  if (manifest.schemaVersion > PG_MIGRATIONS.length)
    throw new BackupError(
      'newer-schema',
      `${manifestFile}: the database has schema ${manifest.schemaVersion}, this build knows ` +
        `${PG_MIGRATIONS.length}: restore with mcp-discovery ${manifest.appVersion} or newer`,
    );
  await verifyFiles(folder, manifest.files);
  const dump = join(folder, manifest.files.find((f) => f.role === 'database')?.path ?? DUMP_FILE);
  // A checksum proves the dump is the one written, --list that pg_restore can read it (and is new enough to).
  await runPgTool(findPgTool('pg_restore', search), ['--list', dump], {}, AGAIN).catch((error: Error) => {
    throw new BackupError(
      'corrupt-database',
      `${dump}: not a pg_dump archive this pg_restore reads (${error.message}); made with ${manifest.dumpedWith}`,
    );
  });
  return manifest;
}

/** The catalog version of the database about to be replaced; 0 when it holds no store yet. */
async function catalogVersion(c: pg.Client): Promise<number> {
  const { rows } = await c.query<{ t: string | null }>(`SELECT to_regclass('meta')::text AS t`);
  if (!rows[0]?.t) return 0;
  const meta = await c.query<{ v: string }>(`SELECT value AS v FROM meta WHERE key = 'catalog_version'`);
  return Number(meta.rows[0]?.v ?? 0);
}

/**
 * Running instances cache answers by catalog version and reload on a notification: the restored version is moved
 * past the replaced one (never back to a number they have already cached under), then they are told.
 */
async function announce(c: pg.Client, replacedVersion: number): Promise<void> {
  await c.query('BEGIN');
  try {
    await c.query(`UPDATE meta SET value = GREATEST(value, $1::bigint + 1) WHERE key = 'catalog_version'`, [
      replacedVersion,
    ]);
    await c.query('SELECT pg_notify($1, $2)', [
      NOTIFY_CHANNEL,
      JSON.stringify({ topic: 'catalog', from: 'restore' }),
    ]);
    await c.query('COMMIT');
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * `restore DIR` on PostgreSQL: verifies the backup, keeps the database it replaces as a backup in
 * `<dataDir>/replaced/<timestamp>/`, then `pg_restore --clean --if-exists --single-transaction` into the
 * configured database: a restore that fails leaves it as it was. Settings and client configs only with `configs`.
 */
export async function restorePg(options: RestoreOptions, from: string): Promise<RestoreResult> {
  const url = options.settings.store.postgresUrl ?? '';
  const { dbname, env } = libpqTarget(url);
  const manifest = await verifyPgBackup(from, options.pgTools);
  const restoreBin = findPgTool('pg_restore', options.pgTools);
  const current = await withPg(url, async (c) => ({
    schema: await pgSchemaVersion(c),
    version: await catalogVersion(c),
  }));
  const replaced = join(options.settings.dataDir, 'replaced');
  // The database about to be replaced, kept as a backup of its own: `restore <that folder>` undoes this one.
  const keep =
    current.schema === undefined
      ? join(replaced, stampOf(new Date()))
      : (await dumpBackup(url, replaced, options.pgTools, [], 'nothing was changed')).folder;
  const dump = join(from, manifest.files.find((f) => f.role === 'database')?.path ?? DUMP_FILE);
  await runPgTool(
    restoreBin,
    // Owners and grants are the source's: the restoring role becomes the owner, as the app's role expects.
    [
      '--clean',
      '--if-exists',
      '--single-transaction',
      '--no-owner',
      '--no-privileges',
      `--dbname=${dbname}`,
      dump,
    ],
    env,
    'it ran in one transaction, so the database is unchanged',
  );
  await withPg(url, (c) => announce(c, current.version));
  const files: RestoreResult['files'] = [];
  for (const f of manifest.files)
    if (f.role !== 'database')
      files.push({
        role: f.role,
        originalPath: f.originalPath,
        action: options.configs ? await putBack(join(from, f.path), f, keep) : 'skipped',
      });
  return { from, manifest, database: describeUrl(url), replacedDir: keep, files };
}
