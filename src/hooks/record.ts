import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Suggestion } from '../learning/acceptance.js';
import { type HookEventRow as EventRow, LEARNING_SCHEMA_VERSION } from '../learning/schema.js';

export type { HookEventRow as EventRow } from '../learning/schema.js';

/** An event stored, on either backend: its row id (0 when it was there already) and where context suggestions go. */
export interface Recorded {
  id: number;
  saveSuggestions(rows: readonly Suggestion[]): Promise<void>;
  close(): Promise<void>;
}

/** The same database file as the store (src/store/sqlite.ts `dbFile`), spelled here to keep the store unloaded. */
export const hookDbFile = (dataDir: string) => join(dataDir, 'mcp-discovery.db');

/** Each wait for a lock; a busy database is then retried until the deadline. */
const BUSY_TIMEOUT_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sqliteCode = (error: unknown) => String((error as { code?: unknown } | null)?.code ?? '');
export const isBusy = (error: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(sqliteCode(error));

/**
 * Opens the store's database for the hook: WAL (readers and the catalog writer never block a hook for long),
 * a busy timeout, owner-only mode. The learning tables come from migration 2; a database that has not had it
 * yet (first use) is migrated by the store's own code, loaded only then.
 */
export async function openHookDb(dataDir: string): Promise<Database.Database> {
  mkdirSync(dataDir, { recursive: true });
  const file = hookDbFile(dataDir);
  closeSync(openSync(file, 'a', 0o600));
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < LEARNING_SCHEMA_VERSION) {
      const { migrate } = await import('../store/migrations.js');
      migrate(db, file);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

const INSERT = `INSERT OR IGNORE INTO hook_events
  (key, at, at_ms, event, session_id, tool_use_id, tool_name, outcome, prompt, detail, cwd, handle_ms)
  VALUES (@key, @at, @at_ms, @event, @session_id, @tool_use_id, @tool_name, @outcome, @prompt, @detail, @cwd,
    @handle_ms)`;

/** Inserts rows in one transaction; returns the id of the last one (0 when it was already there). */
export function insertEvents(db: Database.Database, rows: EventRow[]): number {
  const stmt = db.prepare(INSERT);
  let last = 0;
  db.transaction(() => {
    for (const row of rows) last = Number(stmt.run(row).lastInsertRowid);
  }).immediate();
  return last;
}

/**
 * Runs `fn` until it succeeds, retrying a busy or locked database with a short random pause until `deadline`
 * (a `performance.now()` value). Any other error is final.
 */
export async function withRetry<T>(deadline: number, fn: () => Promise<T> | T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isBusy(error) || performance.now() > deadline) throw error;
      await sleep(5 + Math.random() * Math.min(100, 10 * 2 ** attempt));
    }
  }
}
