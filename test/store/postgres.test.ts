import { execFileSync } from 'node:child_process';
import { inspect } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SettingsSchema } from '../../src/settings/index.js';
import { entryId, openStore, type Store, StoreError, storeLocation } from '../../src/store/index.js';
import { PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { openPostgresStore } from '../../src/store/postgres/store.js';
import { ROOT } from '../helpers/servers.js';
import { ids, report, run, tempStores, tool } from './helpers.js';

const t = tempStores('postgres');

async function sql<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Replays the change log in order: every `added` names an entry not active yet, every `changed` and `removed`
 * an active one. Returns the entries active at the end, which must be the catalog.
 */
async function replay(store: Store): Promise<string[]> {
  const active = new Set<string>();
  for (const c of await store.changes()) {
    const id = entryId(c);
    if (c.change === 'added') expect(active.has(id), `${id} added twice`).toBe(false);
    else expect(active.has(id), `${id} ${c.change} while not active`).toBe(true);
    if (c.change === 'added') active.add(id);
    if (c.change === 'removed') active.delete(id);
  }
  return [...active].sort();
}

describe('PostgreSQL store shared by instances', () => {
  it('two instances recording the same catalog at once log each addition once', async () => {
    const db = await t.location();
    const [a, b] = [await t.open(db), await t.open(db)];
    const same = () => run([report('alpha', { tools: [tool('x'), tool('y')] })]);
    const results = await Promise.all([a.recordRun(same()), b.recordRun(same())]);
    expect(results.map((r) => r.added.length).sort()).toEqual([0, 2]);
    expect((await a.changes()).map((c) => `${c.change} ${c.name}`)).toEqual(['added x', 'added y']);
    expect(await ids(b)).toEqual(['alpha/x', 'alpha/y']);
  });

  it('many concurrent runs from two instances end with a catalog the change log replays to', async () => {
    const db = await t.location();
    const stores = [await t.open(db), await t.open(db)];
    const names = ['a', 'b', 'c', 'd', 'e'];
    // Servers in either order: writers that locked them one by one could deadlock.
    const runs = Array.from({ length: 12 }, (_, i) => {
      const servers = [
        report('alpha', {
          tools: names.filter((_, j) => (i + j) % 3 !== 0).map((n) => tool(n, `${n} v${i % 2}`)),
        }),
        report('beta', { tools: names.filter((_, j) => (i * j) % 4 !== 1).map((n) => tool(n)) }),
      ];
      return run(i % 4 < 2 ? servers : servers.reverse());
    });
    await Promise.all(runs.map((r, i) => stores[i % 2]?.recordRun(r)));
    expect(await replay(stores[0] as Store)).toEqual((await ids(stores[1] as Store)).sort());
    expect(await stores[0]?.runs(100)).toHaveLength(12);
  });

  it('an instance reads what another recorded, at the same version', async () => {
    const db = await t.location();
    const [a, b] = [await t.open(db), await t.open(db)];
    await a.recordRun(run([report('alpha', { tools: [tool('found')] })]));
    expect(await ids(b)).toEqual(['alpha/found']);
    expect((await b.catalog()).version).toBe(await a.version());
  });

  it('instances starting together migrate once', async () => {
    const db = await t.location();
    await Promise.all([t.open(db), t.open(db), t.open(db), t.open(db)]);
    const rows = await sql<{ version: number }>(db, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
  });

  it('refuses a database written by a newer build, saying what to do', async () => {
    const db = await t.location();
    await (await t.open(db)).close();
    const newer = PG_MIGRATIONS.length + 1;
    await sql(db, `INSERT INTO schema_migrations (version) VALUES (${newer})`);
    const where = db.replace(/:[^:@/]+@/, '@');
    await expect(t.open(db)).rejects.toMatchObject({
      code: 'newer-schema',
      message: `database ${where} was written by a newer mcp-discovery (schema ${newer} > ${PG_MIGRATIONS.length}); upgrade mcp-discovery or point store.postgresUrl elsewhere`,
    });
  });

  it('a writer waits for another instance’s write, then fails as `locked`, saying so', async () => {
    const db = await t.location();
    const store = await t.open(db, { lockTimeoutMs: 200 });
    const other = new pg.Client({ connectionString: db });
    await other.connect();
    try {
      await other.query(`BEGIN; SELECT value FROM meta WHERE key = 'catalog_version' FOR UPDATE`);
      const error = await store
        .recordRun(run([report('alpha', { tools: [tool('a')] })]))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'locked' });
      expect((error as Error).message).toBe(
        `database ${db.replace(/:[^:@/]+@/, '@')} is busy with another mcp-discovery instance's write (waited 200 ms): try again`,
      );
    } finally {
      await other.end();
    }
    expect((await store.recordRun(run([report('alpha', { tools: [tool('a')] })]))).added).toHaveLength(1);
  });

  it('a server that cannot be reached is `unavailable`, and the password is nowhere in the error', async () => {
    const url = 'postgres://mcp:s3cret-Passw0rd@127.0.0.1:1/catalog?sslpassword=s3cret-Passw0rd';
    const error = await openPostgresStore(url, { connectTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect((error as Error).message).toMatch(
      /^cannot reach PostgreSQL at postgres:\/\/mcp@127\.0\.0\.1:1\/catalog /,
    );
    expect(inspect(error, { depth: 10 })).not.toContain('s3cret');
  });

  it('a wrong password is `cannot-open` and is not echoed', async () => {
    const db = await t.location();
    const wrong = db.replace(/:([^:@/]+)@/, ':not-the-Passw0rd@');
    const error = await openPostgresStore(wrong).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'cannot-open' });
    expect(inspect(error, { depth: 10 })).not.toContain('not-the-Passw0rd');
  });

  it('a text PostgreSQL cannot hold (NUL, a lone surrogate) does not fail the run', async () => {
    const store = await t.open(await t.location());
    const odd = run([report('alpha', { tools: [tool('nul', 'before\u0000after \uD800 end')] })]);
    expect((await store.recordRun(odd)).added).toHaveLength(1);
    expect((await store.catalog()).entries[0]?.description).toBe('beforeafter \uFFFD end');
    const again = run([report('alpha', { tools: [tool('nul', 'before\u0000after \uD800 end')] })]);
    expect(await store.recordRun(again)).toMatchObject({ added: [], changed: [], removed: [] });
  });

  it('openStore picks the backend from the settings; the location shown has no password', async () => {
    const db = await t.location();
    const parsed = SettingsSchema.parse({ store: { backend: 'postgres', postgresUrl: db, poolSize: 2 } });
    const settings = { ...parsed, dataDir: t.dir() };
    const store = await openStore(settings);
    try {
      await store.recordRun(run([report('alpha', { tools: [tool('a')] })]));
      expect(await ids(await t.open(db))).toEqual(['alpha/a']);
    } finally {
      await store.close();
    }
    expect(storeLocation(settings)).toBe(db.replace(/:[^:@/]+@/, '@'));
  });

  it('SQLite users never load pg: the store and search modules import it only for the postgres backend', () => {
    const script = `import { createRequire } from 'node:module';
      await import('./dist/store/index.js');
      await import('./dist/catalog-search.js');
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      process.stdout.write(String(loaded.some((k) => k.includes('/node_modules/pg/'))));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
    expect(out.toString()).toBe('false');
  });
});
