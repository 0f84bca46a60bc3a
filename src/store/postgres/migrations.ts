import type pg from 'pg';
import { StoreError } from '../errors.js';

/**
 * PostgreSQL schema versions, applied in order; `schema_migrations` has a row per applied version. Append a new
 * migration, never edit a released one. The layout follows the SQLite one (src/store/migrations.ts) so both
 * stores read back the same shapes, with these differences:
 * - keys that order the catalog are `COLLATE "C"`: bytewise, like SQLite, whatever the database's locale, so
 *   both backends list entries in the same order and search ranks ties the same;
 * - JSON columns are `json`, not `jsonb`: the text is kept as sent, key order included, so both stores hand
 *   back the same documents. Search reads schema properties in order up to a size limit, so `jsonb`'s key
 *   reordering could change what is indexed; it also refuses `\u0000`. An index on a JSON field can still be
 *   added later as an expression index (`(capabilities::jsonb)`);
 * - times are `timestamptz`; hook events keep `at_ms` beside `at` too, as the learning reads epoch milliseconds.
 * Migration 2 is the learning tables (src/learning/schema.ts), which every machine's `hook` writes into when the
 * store is on PostgreSQL; migration 3 the archive of `maintain db`.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key text PRIMARY KEY, value bigint NOT NULL);
  INSERT INTO meta (key, value) VALUES ('catalog_version', 0);

  CREATE TABLE servers (
    name text COLLATE "C" PRIMARY KEY,
    origin text NOT NULL CHECK (origin IN ('probed', 'imported')),
    imported_from text,
    title text,
    description text,
    transport text,
    command text,
    args json,
    url text,
    env_keys json NOT NULL DEFAULT '[]',
    header_keys json NOT NULL DEFAULT '[]',
    sources json NOT NULL DEFAULT '[]',
    health text,
    reason text,
    server_info json,
    protocol_version text,
    capabilities json,
    instructions text,
    first_seen timestamptz NOT NULL,
    last_probed_at timestamptz,
    last_ok_at timestamptz
  );

  -- Every run rewrites last_seen of what it lists: room on each page keeps those updates in place (HOT).
  CREATE TABLE entries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    server text COLLATE "C" NOT NULL REFERENCES servers (name) ON DELETE CASCADE,
    kind text COLLATE "C" NOT NULL CHECK (kind IN ('tool', 'resource', 'resource_template', 'prompt')),
    key text COLLATE "C" NOT NULL,
    name text NOT NULL,
    title text,
    description text NOT NULL DEFAULT '',
    uri text,
    mime_type text,
    input_schema json,
    output_schema json,
    annotations json,
    arguments json,
    content_hash text NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    removed_at timestamptz,
    UNIQUE (server, kind, key)
  ) WITH (fillfactor = 80);
  CREATE INDEX entries_active ON entries (server, kind, key) WHERE removed_at IS NULL;

  CREATE TABLE runs (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id text NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('discover', 'import')),
    origin text,
    started_at timestamptz NOT NULL,
    duration_ms double precision NOT NULL,
    summary json NOT NULL,
    document json
  );

  CREATE TABLE changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    server text NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    uri text,
    change text NOT NULL CHECK (change IN ('added', 'removed', 'changed')),
    content_hash text,
    at timestamptz NOT NULL
  );
  CREATE INDEX changes_run ON changes (run_id, id);
  `,
  // `key` is unique: a retried or re-spooled event is inserted once, whichever machine sends it again.
  `
  CREATE TABLE hook_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text NOT NULL UNIQUE,
    at timestamptz NOT NULL,
    at_ms bigint NOT NULL,
    event text NOT NULL,
    session_id text,
    tool_use_id text,
    tool_name text,
    outcome text CHECK (outcome IN ('success', 'failure')),
    prompt text,
    detail json,
    cwd text,
    handle_ms double precision
  );
  CREATE INDEX hook_events_session ON hook_events (session_id, id);
  CREATE INDEX hook_events_at ON hook_events (at_ms);

  CREATE TABLE hook_suggestions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id bigint,
    session_id text NOT NULL,
    at_ms bigint NOT NULL,
    kind text NOT NULL CHECK (kind IN ('tool', 'resource', 'resource_template', 'prompt')),
    ref text NOT NULL,
    tool_name text,
    score double precision NOT NULL
  );
  CREATE INDEX hook_suggestions_session ON hook_suggestions (session_id);
  `,
  // 3: what `maintain db` archives, kept and queryable (src/maintenance/db-postgres.ts), as SQLite's migration 3.
  `
  CREATE TABLE archived_hook_events (
    archive_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    archived_at timestamptz NOT NULL,
    LIKE hook_events
  );
  CREATE TABLE archived_hook_suggestions (
    archive_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    archived_at timestamptz NOT NULL,
    event_key text,
    LIKE hook_suggestions
  );
  CREATE TABLE archived_entries (
    archive_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    archived_at timestamptz NOT NULL,
    LIKE entries
  );
  `,
];

/** Any constant both instances agree on: the advisory lock that serializes migrations across instances. */
const MIGRATION_LOCK = 0x6d63_7064_6d69_67n; // "mcpdmig"

/**
 * Brings the schema up to date in one transaction, under a transaction-scoped advisory lock: two instances
 * starting together queue on the lock, and the second finds the work done. DDL is transactional, so a failed
 * migration leaves the previous schema. A database from a newer build is refused, never downgraded.
 */
export async function migratePg(client: pg.ClientBase, where: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ v: number }>(
      'SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_migrations',
    );
    const current = rows[0]?.v ?? 0;
    if (current > PG_MIGRATIONS.length)
      throw new StoreError(
        'newer-schema',
        `database ${where} was written by a newer mcp-discovery (schema ${current} > ${PG_MIGRATIONS.length}); ` +
          'upgrade mcp-discovery or point store.postgresUrl elsewhere',
      );
    for (const [i, sql] of PG_MIGRATIONS.entries()) {
      if (i < current) continue;
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [i + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
