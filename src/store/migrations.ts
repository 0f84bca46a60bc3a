import type Database from 'better-sqlite3';
import { LEARNING_MIGRATION } from '../learning/schema.js';
import { StoreError } from './errors.js';

/**
 * Schema versions, applied in order; `PRAGMA user_version` holds how many have run. Append a new migration,
 * never edit a released one: databases in the field have already run it.
 * Times are ISO-8601 text and JSON columns are text, so the same layout maps onto PostgreSQL.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  INSERT INTO meta (key, value) VALUES ('catalog_version', '0');

  CREATE TABLE servers (
    name TEXT PRIMARY KEY,
    origin TEXT NOT NULL CHECK (origin IN ('probed', 'imported')),
    imported_from TEXT,
    title TEXT,
    description TEXT,
    transport TEXT,
    command TEXT,
    args TEXT,
    url TEXT,
    env_keys TEXT NOT NULL DEFAULT '[]',
    header_keys TEXT NOT NULL DEFAULT '[]',
    sources TEXT NOT NULL DEFAULT '[]',
    health TEXT,
    reason TEXT,
    server_info TEXT,
    protocol_version TEXT,
    capabilities TEXT,
    instructions TEXT,
    first_seen TEXT NOT NULL,
    last_probed_at TEXT,
    last_ok_at TEXT
  );

  -- key: the name of a tool or prompt, the URI of a resource, the URI template of a template.
  CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    server TEXT NOT NULL REFERENCES servers (name) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('tool', 'resource', 'resource_template', 'prompt')),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT,
    description TEXT NOT NULL DEFAULT '',
    uri TEXT,
    mime_type TEXT,
    input_schema TEXT,
    output_schema TEXT,
    annotations TEXT,
    arguments TEXT,
    content_hash TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    removed_at TEXT,
    UNIQUE (server, kind, key)
  );
  CREATE INDEX entries_active ON entries (server, kind) WHERE removed_at IS NULL;

  -- kind discover keeps the run's whole document; kind import keeps where it came from.
  CREATE TABLE runs (
    seq INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('discover', 'import')),
    origin TEXT,
    started_at TEXT NOT NULL,
    duration_ms REAL NOT NULL,
    summary TEXT NOT NULL,
    document TEXT
  );

  CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    server TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    uri TEXT,
    change TEXT NOT NULL CHECK (change IN ('added', 'removed', 'changed')),
    content_hash TEXT,
    at TEXT NOT NULL
  );
  CREATE INDEX changes_run ON changes (run_id);
  `,
  // 2: Claude Code hook events and the suggestions returned to Claude (src/learning/schema.ts).
  LEARNING_MIGRATION,
  // 3: where `maintain db` moves old hook events and suggestions and long-removed entries (src/maintenance/db.ts).
  // The original columns, plus when; `archive_id` is the key because an original id can be reused after a move.
  `
  CREATE TABLE archived_hook_events (
    archive_id INTEGER PRIMARY KEY,
    archived_at TEXT NOT NULL,
    id INTEGER NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    event TEXT NOT NULL,
    session_id TEXT,
    tool_use_id TEXT,
    tool_name TEXT,
    outcome TEXT,
    prompt TEXT,
    detail TEXT,
    cwd TEXT,
    handle_ms REAL
  );
  -- event_key: the key of the event the suggestion answered, so a restore can find that event's new id.
  CREATE TABLE archived_hook_suggestions (
    archive_id INTEGER PRIMARY KEY,
    archived_at TEXT NOT NULL,
    id INTEGER NOT NULL,
    event_id INTEGER,
    event_key TEXT,
    session_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    tool_name TEXT,
    score REAL NOT NULL
  );
  CREATE TABLE archived_entries (
    archive_id INTEGER PRIMARY KEY,
    archived_at TEXT NOT NULL,
    id INTEGER NOT NULL,
    server TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT,
    description TEXT NOT NULL,
    uri TEXT,
    mime_type TEXT,
    input_schema TEXT,
    output_schema TEXT,
    annotations TEXT,
    arguments TEXT,
    content_hash TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    removed_at TEXT NOT NULL
  );
  `,
];

/**
 * Brings the schema up to date. Runs as an IMMEDIATE transaction even with nothing to apply, so two processes
 * never migrate at once and a database locked by another writer is reported when it is opened.
 */
export function migrate(db: Database.Database, file: string): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length)
      throw new StoreError(
        'newer-schema',
        `database ${file} was written by a newer mcp-discovery (schema ${current} > ${MIGRATIONS.length}); ` +
          'upgrade mcp-discovery or point --data-dir elsewhere',
      );
    for (const sql of MIGRATIONS.slice(current)) db.exec(sql);
    if (current < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
