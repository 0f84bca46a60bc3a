import { randomUUID } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { DiscoveryRun } from '../discovery/report.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import { cannotOpen, storeErrorFrom } from './errors.js';
import { migrate } from './migrations.js';
import {
  parseRunDocument,
  toCatalogEntry,
  toCatalogServer,
  toChangeRecord,
  toRunSummary,
  toStoredServer,
} from './rows.js';
import { prepareStatements, type Statements } from './statements.js';
import type {
  ChangeRecord,
  ImportResult,
  ImportServer,
  RunChanges,
  RunSummary,
  Store,
  StoredServer,
} from './store.js';
import { countChanges } from './store.js';
import { writeImport, writeRun } from './write.js';

/** Where the store lives in a data directory. */
export const dbFile = (dataDir: string) => join(dataDir, 'mcp-discovery.db');

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/** better-sqlite3 answers synchronously; the async methods keep the `Store` contract a server database needs. */
class SqliteStore implements Store {
  private readonly st: Statements;
  // Writers take the lock up front (IMMEDIATE): a deferred transaction that later writes can fail without waiting.
  private readonly recordTx;
  private readonly importTx;
  private readonly snapshot;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly busyTimeoutMs: number,
  ) {
    const st = prepareStatements(db);
    this.st = st;
    this.recordTx = db.transaction((run: DiscoveryRun) => writeRun(st, run));
    this.importTx = db.transaction(
      (input: { servers: ImportServer[]; entries: CatalogEntry[] }, origin: string, runId: string) =>
        writeImport(st, input, origin, runId),
    );
    // One read transaction, so the version matches the entries read with it.
    this.snapshot = db.transaction(
      (): Catalog => ({
        version: Number(st.version.get()),
        servers: st.servers.all().map(toCatalogServer),
        entries: st.catalogEntries.all().map(toCatalogEntry),
      }),
    );
  }

  async recordRun(run: DiscoveryRun): Promise<RunChanges> {
    const changes = this.guard(() => this.recordTx.immediate(run));
    countChanges(changes);
    return changes;
  }

  async importCatalog(
    input: { servers: ImportServer[]; entries: CatalogEntry[] },
    origin: string,
  ): Promise<ImportResult> {
    return this.guard(() => this.importTx.immediate(input, origin, randomUUID()));
  }

  async catalog(): Promise<Catalog> {
    return this.guard(() => this.snapshot.deferred());
  }

  async version(): Promise<number> {
    return this.guard(() => Number(this.st.version.get()));
  }

  async servers(): Promise<StoredServer[]> {
    return this.guard(() => this.st.servers.all().map(toStoredServer));
  }

  async lastRun(): Promise<DiscoveryRun | undefined> {
    const text = this.guard(() => this.st.lastRun.get());
    if (text === undefined) return undefined;
    return parseRunDocument(text, this.file);
  }

  async runs(limit: number): Promise<RunSummary[]> {
    return this.guard(() => this.st.runs.all(limit).map(toRunSummary));
  }

  async changes(runId?: string): Promise<ChangeRecord[]> {
    return this.guard(() =>
      (runId === undefined ? this.st.allChanges.all() : this.st.changesOfRun.all(runId)).map(toChangeRecord),
    );
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw storeErrorFrom(error, this.file, this.busyTimeoutMs);
    }
  }
}

/**
 * Opens (creating if need be) the store in `file`: WAL, so readers never wait for the writer; foreign keys on;
 * a busy timeout, so a database another process is writing is waited for, then reported as `locked`.
 */
export async function openSqliteStore(
  file: string,
  options: { busyTimeoutMs?: number } = {},
): Promise<Store> {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  try {
    await mkdir(dirname(file), { recursive: true });
    // Command lines may carry secrets: owner-only, like every file we write. SQLite gives -wal and -shm this mode.
    await (await open(file, 'a', 0o600)).close();
  } catch (error) {
    throw cannotOpen(file, error);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return new SqliteStore(db, file, busyTimeoutMs);
  } catch (error) {
    db?.close();
    throw storeErrorFrom(error, file, busyTimeoutMs);
  }
}
