import type pg from 'pg';
import type { ResolvedSettings } from '../settings/index.js';
import { openStore, StoreError } from '../store/index.js';
import type { DbResult } from './db.js';

const EVENT =
  'key, at, at_ms, event, session_id, tool_use_id, tool_name, outcome, prompt, detail, cwd, handle_ms';
const SUGGESTION = 'session_id, at_ms, kind, ref, tool_name, score';
const ENTRY =
  'server, kind, key, name, title, description, uri, mime_type, input_schema, output_schema, annotations, ' +
  'arguments, content_hash, first_seen, last_seen, removed_at';

// Sessions move whole, once their newest event is past the cutoff, as on SQLite: the learning never sees half one.
const OLD_SESSION = `at_ms < $1 AND (session_id IS NULL OR session_id NOT IN
  (SELECT session_id FROM hook_events WHERE at_ms >= $1 AND session_id IS NOT NULL))`;

/**
 * Each a single statement: the DELETE returns exactly the rows the INSERT archives, so nothing can be copied
 * without being removed or removed without being copied. Suggestions first: they record their event's key.
 */
const ARCHIVE = {
  hook_suggestions: `WITH moved AS (DELETE FROM hook_suggestions WHERE ${OLD_SESSION} RETURNING *)
    INSERT INTO archived_hook_suggestions (archived_at, id, event_id, event_key, ${SUGGESTION})
    SELECT now(), m.id, m.event_id, (SELECT e.key FROM hook_events e WHERE e.id = m.event_id), ${SUGGESTION.split(
      ', ',
    )
      .map((c) => `m.${c}`)
      .join(', ')} FROM moved m`,
  hook_events: `WITH moved AS (DELETE FROM hook_events WHERE ${OLD_SESSION} RETURNING *)
    INSERT INTO archived_hook_events (archived_at, id, ${EVENT}) SELECT now(), id, ${EVENT} FROM moved`,
  entries: `WITH moved AS (DELETE FROM entries WHERE removed_at IS NOT NULL AND removed_at < $1 RETURNING *)
    INSERT INTO archived_entries (archived_at, id, ${ENTRY}) SELECT now(), id, ${ENTRY} FROM moved`,
} as const;

/**
 * Back with new ids (identity columns); a suggestion finds its event again by the event's key. The statement's
 * DELETE sees the table as it was before its own INSERT (one snapshot), so it reads what came back from `back`.
 */
const RESTORE = {
  hook_events: `WITH back AS (INSERT INTO hook_events (${EVENT})
      SELECT ${EVENT} FROM archived_hook_events ORDER BY archive_id ON CONFLICT (key) DO NOTHING RETURNING key)
    DELETE FROM archived_hook_events
    WHERE key IN (SELECT key FROM back) OR key IN (SELECT key FROM hook_events)`,
  hook_suggestions: `WITH back AS (INSERT INTO hook_suggestions (event_id, ${SUGGESTION})
      SELECT (SELECT h.id FROM hook_events h WHERE h.key = s.event_key), ${SUGGESTION.split(', ')
        .map((c) => `s.${c}`)
        .join(', ')} FROM archived_hook_suggestions s ORDER BY archive_id RETURNING 1)
    DELETE FROM archived_hook_suggestions`,
  // An entry listed again since it was archived stays in the archive: the live row is newer.
  entries: `WITH back AS (INSERT INTO entries (${ENTRY})
      SELECT ${ENTRY} FROM archived_entries WHERE server IN (SELECT name FROM servers) ORDER BY archive_id
      ON CONFLICT (server, kind, key) DO NOTHING RETURNING server, kind, key, first_seen)
    DELETE FROM archived_entries a USING back b
    WHERE a.server = b.server AND a.kind = b.kind AND a.key = b.key AND a.first_seen = b.first_seen`,
} as const;

type Table = keyof typeof ARCHIVE;
const TABLES: Table[] = ['hook_suggestions', 'hook_events', 'entries'];
const ARCHIVED: Record<Table, string> = {
  hook_events: 'archived_hook_events',
  hook_suggestions: 'archived_hook_suggestions',
  entries: 'archived_entries',
};

async function inArchive(c: pg.ClientBase): Promise<DbResult['inArchive']> {
  const n = async (t: Table) =>
    Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${ARCHIVED[t]}`)).rows[0]?.n ?? 0);
  return {
    hook_events: await n('hook_events'),
    hook_suggestions: await n('hook_suggestions'),
    entries: await n('entries'),
  };
}

const size = async (c: pg.ClientBase) =>
  Number((await c.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0]?.n ?? 0);

/**
 * `maintain db` on PostgreSQL: the same archive as on SQLite, in one transaction, then VACUUM (ANALYZE) of the
 * live tables so their freed space is reused. The store is opened first, which migrates the database.
 */
export async function maintainPostgres(
  settings: ResolvedSettings,
  action: 'archive' | 'restore',
  cutoff?: Date,
): Promise<DbResult> {
  const url = settings.store.postgresUrl;
  if (!url) throw new StoreError('cannot-open', 'store.backend is postgres but store.postgresUrl is not set');
  await (await openStore(settings)).close();
  const { default: pgModule } = await import('pg');
  const c = new pgModule.Client({ connectionString: url, application_name: 'mcp-discovery-maintain-db' });
  await c.connect();
  try {
    const sizeBefore = await size(c);
    const moved = { hook_events: 0, hook_suggestions: 0, entries: 0 };
    await c.query('BEGIN');
    try {
      for (const table of action === 'archive'
        ? TABLES
        : (['hook_events', 'hook_suggestions', 'entries'] as Table[])) {
        const result =
          action === 'archive'
            ? await c.query(ARCHIVE[table], [table === 'entries' ? cutoff?.toISOString() : cutoff?.getTime()])
            : await c.query(RESTORE[table]);
        moved[table] = result.rowCount ?? 0;
      }
      await c.query('COMMIT');
    } catch (error) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    if (action === 'archive') await c.query('VACUUM (ANALYZE) hook_events, hook_suggestions, entries');
    return {
      database: new URL(url).host + new URL(url).pathname,
      action,
      ...(cutoff && { cutoff: cutoff.toISOString() }),
      moved,
      inArchive: await inArchive(c),
      sizeBefore,
      sizeAfter: await size(c),
    };
  } finally {
    await c.end();
  }
}
