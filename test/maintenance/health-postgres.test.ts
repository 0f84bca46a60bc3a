/**
 * `health`'s store check on a real PostgreSQL: the schema version and tables, read without migrating, and the
 * instance that holds the leader's advisory lock, from pg_locks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEADER_LOCK_KEY } from '../../src/cluster/postgres.js';
import { importCatalogFile } from '../../src/import-catalog.js';
import { type HealthCheck, health } from '../../src/maintenance/health.js';
import type { ResolvedSettings } from '../../src/settings/index.js';
import { PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { createDatabase, dropDatabase } from '../helpers/postgres.js';
import { testSettings } from '../helpers/settings.js';
import { usePostgres } from '../store/helpers.js';

const cluster = usePostgres();
let root: string;
let url: string;
let settings: ResolvedSettings;
const clients: pg.Client[] = [];

async function connect(application_name = 'test'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name });
  await client.connect();
  clients.push(client);
  return client;
}

async function seed(): Promise<void> {
  const file = join(root, 'tools.jsonl');
  writeFileSync(file, JSON.stringify({ server: 'srv', name: 'read_file', description: 'reads a file' }));
  await importCatalogFile(settings, file);
}

const storeCheck = async (): Promise<HealthCheck> => {
  const check = (await health({ settings })).checks.find((c) => c.check === 'store');
  if (!check) throw new Error('no store check');
  return check;
};

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'mcp-discovery-pg-health-'));
  url = await createDatabase(cluster());
  settings = testSettings({
    cwd: root,
    flags: { dataDir: join(root, 'data'), store: { backend: 'postgres', postgresUrl: url } },
  });
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.end().catch(() => undefined);
  await dropDatabase(cluster(), url);
  rmSync(root, { recursive: true, force: true });
});

describe('health on PostgreSQL', () => {
  it('warns on a database that holds no store yet', async () => {
    expect(await storeCheck()).toMatchObject({
      status: 'warning',
      reason: expect.stringContaining('run discover'),
    });
  });

  it('names the instance that holds the leader lock, and counts the instances connected', async () => {
    await seed();
    const idle = await storeCheck();
    expect(idle.status).toBe('ok');
    expect(idle.reason).toContain(`schema v${PG_MIGRATIONS.length} current`);
    expect(idle.reason).toContain('no serve instance connected');

    // Two coordinators as src/cluster/postgres.ts connects them: one takes the lock, the other follows.
    const leader = await connect('mcp-discovery-coordinator host-a:1:abc');
    await connect('mcp-discovery-coordinator host-b:2:def');
    const headless = await storeCheck();
    expect(headless.status).toBe('warning');
    expect(headless.reason).toContain('2 serve instance(s) connected and none leads');

    await leader.query('SELECT pg_advisory_lock($1)', [LEADER_LOCK_KEY]);
    const pid = (await leader.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const led = await storeCheck();
    expect(led.status).toBe('ok');
    expect(led.reason).toMatch(
      new RegExp(
        `leader: instance host-a:1:abc, connected from 127\\.0\\.0\\.1:\\d+ \\(backend pid ${pid}, .*2 instance`,
      ),
    );
  });

  it('is critical when a table of the current schema is missing', async () => {
    await seed();
    await (await connect()).query('DROP TABLE changes');
    const check = await storeCheck();
    expect(check.status).toBe('critical');
    expect(check.reason).toContain('table(s) changes missing: restore a backup');
  });

  it('is critical on a schema newer than this build', async () => {
    await seed();
    const newer = PG_MIGRATIONS.length + 1;
    await (await connect()).query('INSERT INTO schema_migrations (version) VALUES ($1)', [newer]);
    const check = await storeCheck();
    expect(check).toMatchObject({
      status: 'critical',
      reason: expect.stringContaining(`schema v${newer} is newer`),
    });
  });
});
