import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import {
  type DiscoveryRun,
  DiscoveryRunSchema,
  HealthSchema,
  type ServerReport,
} from '../../src/discovery/index.js';
import { dbFile, entryId, openSqliteStore, type Store } from '../../src/store/index.js';
import { openPostgresStore, type PgStoreOptions } from '../../src/store/postgres/store.js';
import {
  createDatabase,
  dropDatabase,
  type PostgresCluster,
  type PostgresInfo,
  startPostgres,
} from '../helpers/postgres.js';

type Lists = Pick<ServerReport, 'tools' | 'resources' | 'resourceTemplates' | 'prompts'>;

export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

/**
 * The PostgreSQL cluster of this run: the one test/global-postgres.ts started, or, without it, one this file
 * starts in `beforeAll` and stops in `afterAll`. Missing binaries fail the tests, saying what to install.
 */
export function usePostgres(): () => PostgresInfo {
  let info = inject('postgres');
  let own: PostgresCluster | undefined;
  beforeAll(async () => {
    if (info) return;
    own = await startPostgres();
    info = own.info;
  });
  afterAll(async () => {
    await own?.stop();
  });
  return () => {
    if (!info) throw new Error('PostgreSQL did not start: see the error of beforeAll');
    return info;
  };
}

/**
 * Fresh stores per test, removed afterwards; stores opened through `open` are closed first. A location is a
 * database file (sqlite) or a new database's URL (postgres); `file()` and `dir()` are for SQLite-only tests.
 */
export function tempStores(backend: Backend = 'sqlite') {
  const dirs: string[] = [];
  const databases: string[] = [];
  const stores: Store[] = [];
  const cluster = backend === 'postgres' ? usePostgres() : undefined;
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    for (const url of databases.splice(0)) if (cluster) await dropDatabase(cluster(), url);
  });
  return {
    backend,
    dir(): string {
      const d = mkdtempSync(join(tmpdir(), 'mcp-discovery-store-'));
      dirs.push(d);
      return d;
    },
    file(): string {
      return dbFile(this.dir());
    },
    /** Where a new, empty store goes. */
    async location(): Promise<string> {
      if (!cluster) return this.file();
      const url = await createDatabase(cluster());
      databases.push(url);
      return url;
    },
    async open(location: string, options: { busyTimeoutMs?: number } & PgStoreOptions = {}): Promise<Store> {
      const store =
        backend === 'postgres'
          ? await openPostgresStore(location, options)
          : await openSqliteStore(location, options);
      stores.push(store);
      return store;
    },
    /** Makes the store's own database fail inserting an entry named `name`, as a broken write would. */
    async failInsertsOf(location: string, name: string): Promise<void> {
      if (backend === 'sqlite') {
        const other = new Database(location);
        other.exec(
          `CREATE TRIGGER boom BEFORE INSERT ON entries WHEN NEW.name = '${name}' BEGIN SELECT RAISE(ABORT, 'injected'); END`,
        );
        other.close();
        return;
      }
      const client = new pg.Client({ connectionString: location });
      await client.connect();
      await client.query(
        `CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$;
         CREATE TRIGGER boom BEFORE INSERT ON entries FOR EACH ROW WHEN (NEW.name = '${name}') EXECUTE FUNCTION boom()`,
      );
      await client.end();
    },
  };
}

export const tool = (
  name: string,
  description = `${name} does things`,
  extra: Record<string, unknown> = {},
) => ({
  name,
  description,
  inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
  ...extra,
});

/** A server report as probe makes it: healthy unless `over` says otherwise. */
export function report(
  name: string,
  lists: Partial<Lists> = {},
  over: Partial<ServerReport> = {},
): ServerReport {
  const l: Lists = { tools: [], resources: [], resourceTemplates: [], prompts: [], ...lists };
  return {
    name,
    sources: [{ kind: 'config', scope: 'explicit', file: '/home/me/mcp.json' }],
    transport: 'stdio',
    command: 'node',
    args: ['server.js'],
    envKeys: ['API_KEY'],
    headerKeys: [],
    health: 'healthy',
    incomplete: [],
    serverInfo: { name, version: '1.0.0' },
    protocolVersion: '2025-06-18',
    capabilities: { tools: {} },
    timings: { totalMs: 12 },
    counts: {
      tools: l.tools.length,
      resources: l.resources.length,
      resourceTemplates: l.resourceTemplates.length,
      prompts: l.prompts.length,
    },
    ...l,
    ...over,
  };
}

let minute = 0;

/** A discovery run of these servers, each run starting a minute after the last. */
export function run(servers: ServerReport[]): DiscoveryRun {
  minute++;
  return DiscoveryRunSchema.parse({
    schemaVersion: 1,
    runId: randomUUID(),
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    durationMs: 100,
    concurrency: 4,
    timeoutMs: 10_000,
    summary: {
      servers: servers.length,
      health: Object.fromEntries(
        HealthSchema.options.map((h) => [h, servers.filter((s) => s.health === h).length]),
      ),
      tools: servers.reduce((n, s) => n + s.tools.length, 0),
      resources: 0,
      resourceTemplates: 0,
      prompts: 0,
    },
    servers,
    problems: [],
  });
}

/** The id of every active entry (`server/tool`, `server/prompt:name`...), as search names them. */
export async function ids(store: Store): Promise<string[]> {
  const { entries } = await store.catalog();
  return entries.map(entryId);
}
