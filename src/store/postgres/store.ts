import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DiscoveryRun } from '../../discovery/report.js';
import { INSTANCE_ID, log } from '../../telemetry/index.js';
import type { Catalog, CatalogEntry } from '../catalog.js';
import { StoreError } from '../errors.js';
import {
  parseRunDocument,
  toCatalogEntry,
  toCatalogServer,
  toChangeRecord,
  toRunSummary,
  toStoredServer,
} from '../rows.js';
import type { ChangeRow, EntryRow, RunRow, ServerRow } from '../statements.js';
import {
  type ChangeRecord,
  countChanges,
  type ImportResult,
  type ImportServer,
  type RunChanges,
  type RunSummary,
  type Store,
  type StoredServer,
} from '../store.js';
import { describeUrl, pgStoreError } from './errors.js';
import { migratePg } from './migrations.js';
import * as sql from './sql.js';
import { pgWriteImport, pgWriteRun } from './write.js';

export interface PgStoreOptions {
  /** Connections this instance keeps open (`store.poolSize`). */
  poolSize?: number;
  /** How long a writer waits for another instance's write before failing as `locked`. */
  lockTimeoutMs?: number;
  /** How long to wait for a connection before failing as `unavailable`. */
  connectTimeoutMs?: number;
}

const DEFAULTS = { poolSize: 10, lockTimeoutMs: 30_000, connectTimeoutMs: 10_000 };

// Rows come back as SQLite's do (JSON as text, times as ISO-8601 text), so rows.ts decodes both stores' rows.
const TEXT_TYPES = new Set<number>([pg.types.builtins.JSON, pg.types.builtins.JSONB]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (TEXT_TYPES.has(oid)) return (text: string) => text;
    if (oid === pg.types.builtins.TIMESTAMPTZ) {
      const parse = pg.types.getTypeParser(oid) as (text: string) => Date;
      return (text: string) => parse(text).toISOString();
    }
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

/**
 * Tells every instance listening (src/cluster) that the catalog changed. Inside the write transaction, so the
 * notification is delivered exactly when the change commits, and never for a change rolled back.
 */
async function notifyCatalog(c: pg.PoolClient): Promise<void> {
  await c.query('SELECT pg_notify($1, $2)', [
    sql.NOTIFY_CHANNEL,
    JSON.stringify({ topic: 'catalog', from: INSTANCE_ID }),
  ]);
}

/**
 * The store on PostgreSQL, shared by every instance pointed at it. Writers serialize on the catalog version's
 * row (`SELECT ... FOR UPDATE` under READ COMMITTED): each statement after the lock sees what the previous writer
 * committed, so two instances recording at once never both log the same change. Readers never wait.
 */
class PgStore implements Store {
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly lockTimeoutMs: number,
  ) {}

  async recordRun(run: DiscoveryRun): Promise<RunChanges> {
    const changes = await this.write(async (c) => {
      const written = await pgWriteRun(c, run);
      if (written.added.length + written.removed.length + written.changed.length > 0) await notifyCatalog(c);
      return written;
    });
    countChanges(changes);
    return changes;
  }

  importCatalog(
    input: { servers: ImportServer[]; entries: CatalogEntry[] },
    origin: string,
  ): Promise<ImportResult> {
    return this.write(async (c) => {
      const result = await pgWriteImport(c, input, origin, randomUUID());
      await notifyCatalog(c);
      return result;
    });
  }

  /** One REPEATABLE READ snapshot, so the version matches the entries read with it. */
  catalog(): Promise<Catalog> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (c) => {
      const version = await c.query<{ value: string }>(sql.VERSION);
      const servers = await c.query<ServerRow>(sql.SERVERS);
      const entries = await c.query<EntryRow>(sql.CATALOG_ENTRIES);
      return {
        version: Number(version.rows[0]?.value ?? 0),
        servers: servers.rows.map(toCatalogServer),
        entries: entries.rows.map(toCatalogEntry),
      };
    });
  }

  async version(): Promise<number> {
    const { rows } = await this.query<{ value: string }>(sql.VERSION);
    return Number(rows[0]?.value ?? 0);
  }

  async servers(): Promise<StoredServer[]> {
    return (await this.query<ServerRow>(sql.SERVERS)).rows.map(toStoredServer);
  }

  async lastRun(): Promise<DiscoveryRun | undefined> {
    const text = (await this.query<{ document: string }>(sql.LAST_RUN)).rows[0]?.document;
    if (text === undefined) return undefined;
    return parseRunDocument(text, describeUrl(this.url));
  }

  async runs(limit: number): Promise<RunSummary[]> {
    return (await this.query<RunRow>(sql.RUNS, [limit])).rows.map(toRunSummary);
  }

  async changes(runId?: string): Promise<ChangeRecord[]> {
    const result =
      runId === undefined
        ? await this.query<ChangeRow>(sql.ALL_CHANGES)
        : await this.query<ChangeRow>(sql.CHANGES_OF_RUN, [runId]);
    return result.rows.map(toChangeRecord);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** A write transaction holding the writer lock; it waits at most `lockTimeoutMs` for another instance. */
  private write<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const ms = Math.max(1, Math.round(this.lockTimeoutMs));
    return this.transaction(`BEGIN; SET LOCAL lock_timeout = ${ms}`, async (c) => {
      await c.query(sql.LOCK_VERSION);
      return fn(c);
    });
  }

  private async transaction<T>(begin: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect().catch((error: unknown) => {
      throw this.error(error);
    });
    try {
      await c.query(begin);
      const result = await fn(c);
      await c.query('COMMIT');
      c.release();
      return result;
    } catch (error) {
      // A connection that cannot even roll back is broken: release(error) drops it from the pool.
      const broken = await c.query('ROLLBACK').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      c.release(broken);
      throw this.error(error);
    }
  }

  private async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw this.error(error);
    }
  }

  private error(error: unknown): unknown {
    return pgStoreError(error, this.url, this.lockTimeoutMs);
  }
}

/**
 * Opens the store in the PostgreSQL database at `url`, migrating it first: connection and credential problems,
 * and a database from a newer build, fail here, before any work is done.
 */
export async function openPostgresStore(url: string, options: PgStoreOptions = {}): Promise<Store> {
  const o = { ...DEFAULTS, ...options };
  try {
    new URL(url);
  } catch {
    // Node's URL error carries the input, password included: it must not travel as a cause.
    throw new StoreError(
      'cannot-open',
      'store.postgresUrl is not a URL: use postgres://user:password@host:5432/db',
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: o.poolSize,
    connectionTimeoutMillis: o.connectTimeoutMs,
    application_name: 'mcp-discovery',
    types,
  });
  // An idle connection the server drops (restart, failover) must not crash the process; the next query reconnects.
  pool.on('error', (error) =>
    log.warn({ code: (error as { code?: string }).code, db: describeUrl(url) }, 'PostgreSQL connection lost'),
  );
  let client: pg.PoolClient | undefined;
  try {
    client = await pool.connect();
    await migratePg(client, describeUrl(url));
    client.release();
    return new PgStore(pool, url, o.lockTimeoutMs);
  } catch (error) {
    client?.release(true);
    await pool.end().catch(() => undefined);
    throw pgStoreError(error, url, o.lockTimeoutMs);
  }
}
