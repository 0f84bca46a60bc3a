import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { ResolvedSettings } from '../settings/index.js';
import { storeErrorFrom } from '../store/errors.js';
import { migrate } from '../store/migrations.js';
import { dbFile } from '../store/sqlite.js';
import { maintainPostgres } from './db-postgres.js';
import { runTask } from './task.js';

/** Each table `maintain db` archives from, and the table (migration 3) its rows are moved to. */
export const ARCHIVES = {
  hook_events: 'archived_hook_events',
  hook_suggestions: 'archived_hook_suggestions',
  entries: 'archived_entries',
} as const;
type Table = keyof typeof ARCHIVES;

const CountsSchema = z.object({ hook_events: z.number(), hook_suggestions: z.number(), entries: z.number() });
type Counts = z.infer<typeof CountsSchema>;

/** `maintain db --json`: `moved` is what was archived (or, with `--restore-archive`, put back). */
export const DbResultSchema = z.object({
  database: z.string(),
  action: z.enum(['archive', 'restore']),
  /** Archive only: events and suggestions before it, entries removed before it. */
  cutoff: z.iso.datetime().optional(),
  moved: CountsSchema,
  /** Rows in each archive table afterwards. */
  inArchive: CountsSchema,
  /** Bytes of the database file and its WAL. */
  sizeBefore: z.number(),
  sizeAfter: z.number(),
});
export type DbResult = z.infer<typeof DbResultSchema>;

/** Nothing to maintain: no database in the data directory. */
export class DbMaintenanceError extends Error {
  override name = 'DbMaintenanceError';
  constructor(
    message: string,
    readonly code: 'no-database' = 'no-database',
  ) {
    super(message);
  }
}

const HOUR_MS = 3_600_000;

/** `180d`, `12h` in ms. Only days and hours: weeks and months are left out rather than guessed at. */
export function parseAge(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  const m = /^([1-9]\d*)([dh])$/.exec(text.trim());
  if (!m) return { ok: false, message: `--older-than ${text}: expected <n>d or <n>h, e.g. 180d or 12h` };
  return { ok: true, ms: Number(m[1]) * (m[2] === 'd' ? 24 : 1) * HOUR_MS };
}

const EVENT_DATA =
  'key, at, at_ms, event, session_id, tool_use_id, tool_name, outcome, prompt, detail, cwd, handle_ms';
const SUGGESTION_DATA = 'event_id, session_id, at_ms, kind, ref, tool_name, score';
const ENTRY_DATA =
  'server, kind, key, name, title, description, uri, mime_type, input_schema, output_schema, annotations, ' +
  'arguments, content_hash, first_seen, last_seen, removed_at';

// Sessions are archived whole, once their newest event is past the cutoff: the learning never sees half a session.
const OLD_SESSION = `at_ms < @cutoffMs AND (session_id IS NULL OR session_id NOT IN
  (SELECT session_id FROM hook_events WHERE at_ms >= @cutoffMs AND session_id IS NOT NULL))`;

const ARCHIVE_SQL: Record<Table, string> = {
  hook_events: `INSERT INTO archived_hook_events (archived_at, id, ${EVENT_DATA})
    SELECT @now, id, ${EVENT_DATA} FROM hook_events WHERE ${OLD_SESSION} ORDER BY id`,
  // Before the events move: the key of each suggestion's event is read from hook_events.
  hook_suggestions: `INSERT INTO archived_hook_suggestions (archived_at, id, event_key, ${SUGGESTION_DATA})
    SELECT @now, id, (SELECT e.key FROM hook_events e WHERE e.id = s.event_id), ${SUGGESTION_DATA}
    FROM hook_suggestions s WHERE ${OLD_SESSION} ORDER BY id`,
  entries: `INSERT INTO archived_entries (archived_at, id, ${ENTRY_DATA})
    SELECT @now, id, ${ENTRY_DATA} FROM entries WHERE removed_at IS NOT NULL AND removed_at < @cutoffIso ORDER BY id`,
};
const ORDER: Table[] = ['hook_suggestions', 'hook_events', 'entries'];

const RESTORE_EVENTS = `INSERT OR IGNORE INTO hook_events (id, ${EVENT_DATA})
  SELECT CASE WHEN @renumber THEN NULL ELSE id END, ${EVENT_DATA} FROM archived_hook_events ORDER BY archive_id`;
// An id taken meanwhile (ids restart once the table is emptied): every restored event gets a new one, in order.
const ID_TAKEN = `SELECT EXISTS (SELECT 1 FROM archived_hook_events a JOIN hook_events h ON h.id = a.id)
  OR EXISTS (SELECT 1 FROM archived_hook_events GROUP BY id HAVING count(*) > 1)`;
const RESTORE_SUGGESTIONS = `INSERT INTO hook_suggestions (${SUGGESTION_DATA})
  SELECT coalesce((SELECT h.id FROM hook_events h WHERE h.key = s.event_key), s.event_id),
    session_id, at_ms, kind, ref, tool_name, score FROM archived_hook_suggestions s ORDER BY archive_id`;
// An entry listed again since it was archived stays in the archive: the live row is newer.
const RESTORE_ENTRIES = `INSERT OR IGNORE INTO entries (${ENTRY_DATA})
  SELECT ${ENTRY_DATA} FROM archived_entries WHERE server IN (SELECT name FROM servers) ORDER BY archive_id`;
const RESTORED_ENTRIES = `DELETE FROM archived_entries WHERE archive_id IN (SELECT a.archive_id
  FROM archived_entries a JOIN entries e ON e.server = a.server AND e.kind = a.kind AND e.key = a.key
  AND e.first_seen = a.first_seen AND e.removed_at = a.removed_at)`;

const BUSY_TIMEOUT_MS = 5_000;

function bytesOf(file: string): number {
  const size = (f: string) => statSync(f, { throwIfNoEntry: false })?.size ?? 0;
  return size(file) + size(`${file}-wal`);
}

const counts = (fn: (table: Table) => number): Counts => ({
  hook_events: fn('hook_events'),
  hook_suggestions: fn('hook_suggestions'),
  entries: fn('entries'),
});

const archived = (db: Database.Database) =>
  counts((t) => db.prepare<[], number>(`SELECT count(*) FROM ${ARCHIVES[t]}`).pluck().get() ?? 0);

/** One transaction: copy into the archive, delete exactly the rows copied, or neither. */
function archiveRows(db: Database.Database, cutoff: Date, now: Date): Counts {
  const params = { now: now.toISOString(), cutoffMs: cutoff.getTime(), cutoffIso: cutoff.toISOString() };
  return db
    .transaction(() => {
      const moved = { hook_events: 0, hook_suggestions: 0, entries: 0 };
      for (const table of ORDER) {
        const archive = ARCHIVES[table];
        const mark = db
          .prepare<[], number>(`SELECT coalesce(max(archive_id), 0) FROM ${archive}`)
          .pluck()
          .get();
        const copied = db.prepare(ARCHIVE_SQL[table]).run(params).changes;
        const deleted = db
          .prepare(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${archive} WHERE archive_id > ?)`)
          .run(mark).changes;
        if (deleted !== copied) throw new Error(`${table}: copied ${copied} rows but deleted ${deleted}`);
        moved[table] = copied;
      }
      return moved;
    })
    .immediate();
}

function restoreRows(db: Database.Database): Counts {
  return db
    .transaction(() => {
      const renumber = db.prepare<[], number>(ID_TAKEN).pluck().get() ? 1 : 0;
      const hook_events = db.prepare(RESTORE_EVENTS).run({ renumber }).changes;
      const hook_suggestions = db.prepare(RESTORE_SUGGESTIONS).run().changes;
      db.prepare('DELETE FROM archived_hook_suggestions').run();
      // Restored now, or a copy of an event that is already there (same key): nothing is lost either way.
      db.prepare('DELETE FROM archived_hook_events WHERE key IN (SELECT key FROM hook_events)').run();
      const entries = db.prepare(RESTORE_ENTRIES).run().changes;
      db.prepare(RESTORED_ENTRIES).run();
      return { hook_events, hook_suggestions, entries };
    })
    .immediate();
}

function open(settings: ResolvedSettings): { db: Database.Database; file: string } {
  const file = dbFile(settings.dataDir);
  if (!existsSync(file))
    throw new DbMaintenanceError(
      `no database at ${file}: nothing to maintain; run \`mcp-discovery discover\` first, or check --data-dir`,
    );
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return { db, file };
  } catch (error) {
    db?.close();
    throw storeErrorFrom(error, file, BUSY_TIMEOUT_MS);
  }
}

function withDb(settings: ResolvedSettings, fn: (db: Database.Database, file: string) => DbResult): DbResult {
  const { db, file } = open(settings);
  try {
    return fn(db, file);
  } catch (error) {
    throw storeErrorFrom(error, file, BUSY_TIMEOUT_MS);
  } finally {
    db.close();
  }
}

/**
 * `maintain db`: moves hook events and suggestions of sessions older than `olderThanMs`, and entries removed
 * before then, into the archive tables, then compacts the file (VACUUM; the WAL is checkpointed so the file
 * shrinks now, not at the next checkpoint).
 */
export function archiveDb(options: { settings: ResolvedSettings; olderThanMs: number; now?: Date }) {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.olderThanMs);
  if (options.settings.store.backend === 'postgres')
    return runTask(options.settings.dataDir, 'db', () =>
      maintainPostgres(options.settings, 'archive', cutoff),
    );
  return runTask(options.settings.dataDir, 'db', async () =>
    withDb(options.settings, (db, file) => {
      const sizeBefore = bytesOf(file);
      const moved = archiveRows(db, cutoff, now);
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
      const inArchive = archived(db);
      const sizeAfter = bytesOf(file);
      return {
        database: file,
        action: 'archive',
        cutoff: cutoff.toISOString(),
        moved,
        inArchive,
        sizeBefore,
        sizeAfter,
      };
    }),
  );
}

/** `maintain db --restore-archive`: every archived row back where it came from, unless a newer one took its place. */
export function restoreArchive(options: { settings: ResolvedSettings }) {
  if (options.settings.store.backend === 'postgres')
    return runTask(options.settings.dataDir, 'db', () => maintainPostgres(options.settings, 'restore'));
  return runTask(options.settings.dataDir, 'db', async () =>
    withDb(options.settings, (db, file) => {
      const sizeBefore = bytesOf(file);
      const moved = restoreRows(db);
      return {
        database: file,
        action: 'restore',
        moved,
        inArchive: archived(db),
        sizeBefore,
        sizeAfter: bytesOf(file),
      };
    }),
  );
}
