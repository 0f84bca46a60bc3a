/**
 * Backup and restore of a PostgreSQL store against a real cluster: pg_dump and pg_restore round-trip the catalog
 * (and running instances are told), a tampered dump is refused before the database is touched, and without the
 * client tools the refusal names the package to install.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogFile } from '../../src/import-catalog.js';
import { backup } from '../../src/maintenance/backup.js';
import { findPgTool } from '../../src/maintenance/backup-postgres.js';
import { BackupError } from '../../src/maintenance/manifest.js';
import { restore } from '../../src/maintenance/restore.js';
import type { ResolvedSettings } from '../../src/settings/index.js';
import { PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { createDatabase, dropDatabase } from '../helpers/postgres.js';
import { testSettings } from '../helpers/settings.js';
import { usePostgres } from '../store/helpers.js';

const cluster = usePostgres();
let root: string;
let url: string;
let settings: ResolvedSettings;
const backups = () => join(root, 'backups');

async function seed(n: number): Promise<void> {
  const file = join(root, `tools-${n}.jsonl`);
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ server: 'srv', name: `tool_${i}`, description: `tool number ${i}` }),
  );
  writeFileSync(file, lines.join('\n'));
  await importCatalogFile(settings, file);
}

async function sql<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const count = async () =>
  Number(
    (await sql<{ n: string }>('SELECT count(*) AS n FROM entries WHERE removed_at IS NULL'))[0]?.n ?? -1,
  );
const catalogVersion = async () =>
  Number((await sql<{ value: string }>(`SELECT value FROM meta WHERE key = 'catalog_version'`))[0]?.value);

async function refusal(promise: Promise<unknown>): Promise<BackupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupError);
  return error as BackupError;
}

/** A folder with `tool` that records its arguments and whether PGPASSWORD was set, then runs the real one. */
function spyTool(tool: 'pg_dump' | 'pg_restore'): { path: string; log: string } {
  const dir = join(root, 'spy');
  mkdirSync(dir, { recursive: true });
  const log = join(dir, `${tool}.log`);
  const script = join(dir, tool);
  writeFileSync(
    script,
    `#!/bin/sh\necho "args: $*" >> '${log}'\necho "password set: \${PGPASSWORD:+yes}" >> '${log}'\nexec '${findPgTool(tool)}' "$@"\n`,
  );
  chmodSync(script, 0o755);
  return { path: dir, log };
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'mcp-discovery-pg-backup-'));
  url = await createDatabase(cluster());
  settings = testSettings({
    cwd: root,
    flags: { dataDir: join(root, 'data'), store: { backend: 'postgres', postgresUrl: url } },
  });
  await seed(3);
});
afterEach(async () => {
  await dropDatabase(cluster(), url);
  rmSync(root, { recursive: true, force: true });
});

describe('backup and restore on PostgreSQL', () => {
  it('round-trips the catalog through pg_dump, keeping the replaced database and telling instances', async () => {
    const spy = spyTool('pg_dump');
    const { folder, manifest } = await backup({ settings, dir: backups(), pgTools: { path: spy.path } });
    expect(manifest).toMatchObject({ store: 'postgres', schemaVersion: PG_MIGRATIONS.length });
    expect(manifest.files[0]).toMatchObject({ role: 'database', format: 'postgres-dump' });
    expect(manifest.files[0]?.originalPath).not.toContain(cluster().password);
    expect(statSync(join(folder, 'mcp-discovery.dump')).mode & 0o777).toBe(0o600);
    // The password travels in the environment only: never on a command line any local user can read.
    const log = readFileSync(spy.log, 'utf8');
    expect(log).toContain('--format=custom');
    expect(log).toContain('password set: yes');
    expect(log).not.toContain(cluster().password);

    await seed(5);
    const before = await catalogVersion();
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const told = new Promise<string | undefined>((resolve) =>
      listener.on('notification', (m) => resolve(m.payload)),
    );
    await listener.query('LISTEN mcp_discovery');
    try {
      const r = await restore({ settings, dir: backups() });
      expect(r.from).toBe(folder);
      expect(await count()).toBe(3);
      // Moved past the replaced version, so no instance keeps answers it cached under a number seen before.
      expect(await catalogVersion()).toBeGreaterThan(before);
      expect(JSON.parse((await told) ?? '{}')).toEqual({ topic: 'catalog', from: 'restore' });
      // The replaced database is kept as a backup of its own: restoring it undoes the restore.
      await restore({ settings, dir: r.replacedDir });
      expect(await count()).toBe(5);
    } finally {
      await listener.end();
    }
  });

  it('refuses a tampered dump before touching the database', async () => {
    const { folder, manifest } = await backup({ settings, dir: backups() });
    const dump = join(folder, manifest.files[0]?.path ?? '');
    const bytes = readFileSync(dump);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(dump, bytes);
    await seed(5);
    const error = await refusal(restore({ settings, dir: folder }));
    expect(error.code).toBe('checksum-mismatch');
    expect(error.message).toContain('altered since the backup');
    expect(await count()).toBe(5);
  });

  it("each backend refuses the other backend's backup, saying which one restores it", async () => {
    const { folder } = await backup({ settings, dir: backups() });
    const sqlite = { ...settings, store: { ...settings.store, backend: 'sqlite' as const } };
    const error = await refusal(restore({ settings: sqlite, dir: folder }));
    expect(error.code).toBe('bad-manifest');
    expect(error.message).toContain('store.backend "postgres"');
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    delete manifest.store;
    writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
    const other = await refusal(restore({ settings, dir: folder }));
    expect(other.code).toBe('bad-manifest');
    expect(other.message).toContain('a backup of a SQLite store');
  });

  it('without pg_dump or pg_restore, refuses naming the package to install, and writes nothing', async () => {
    const { folder } = await backup({ settings, dir: backups() });
    const nowhere = { path: join(root, 'empty'), libRoot: join(root, 'no-such-root') };
    const dumpless = await refusal(backup({ settings, dir: join(root, 'other'), pgTools: nowhere }));
    expect(dumpless.message).toMatch(/^pg_dump not found on PATH.*apt-get install postgresql-client/);
    expect(existsSync(join(root, 'other'))).toBe(false);
    await seed(5);
    const restoreless = await refusal(restore({ settings, dir: folder, pgTools: nowhere }));
    expect(restoreless.message).toMatch(/^pg_restore not found.*postgresql-client/);
    expect(await count()).toBe(5);
  });
});
