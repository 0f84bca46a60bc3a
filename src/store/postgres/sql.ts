/** The LISTEN/NOTIFY channel on which instances announce changes (src/cluster listens). */
export const NOTIFY_CHANNEL = 'mcp_discovery';

/**
 * The statements the PostgreSQL store runs. Writes take many rows in one statement from a JSON array
 * (`json_to_recordset`), so a run costs the same dozen round trips whether it lists ten tools or ten thousand.
 * Row parameters are those rows.ts builds for SQLite: JSON columns arrive as text and are cast here.
 */

/** Taken first by every writer: instances record one at a time, each seeing what the previous one committed. */
export const LOCK_VERSION = `SELECT value FROM meta WHERE key = 'catalog_version' FOR UPDATE`;
export const VERSION = `SELECT value FROM meta WHERE key = 'catalog_version'`;
export const BUMP_VERSION = `UPDATE meta SET value = value + 1 WHERE key = 'catalog_version'`;
export const RUN_EXISTS = 'SELECT 1 FROM runs WHERE run_id = $1';

export const SERVERS_NAMED = 'SELECT * FROM servers WHERE name = ANY($1::text[])';
export const SERVERS = 'SELECT * FROM servers ORDER BY name';

// A server that answered sets last_ok_at; what a failed probe could not see keeps its last known value.
export const SAVE_PROBED_SERVERS = `
  INSERT INTO servers AS s (name, origin, transport, command, args, url, env_keys, header_keys, sources, health,
    reason, server_info, protocol_version, capabilities, instructions, first_seen, last_probed_at, last_ok_at)
  SELECT x.name, 'probed', x.transport, x.command, x.args::json, x.url, x.env_keys::json, x.header_keys::json,
    x.sources::json, x.health, x.reason, x.server_info::json, x.protocol_version, x.capabilities::json,
    x.instructions, x.at, x.at, CASE WHEN x.ok = 1 THEN x.at END
  FROM json_to_recordset($1::json) AS x(name text, transport text, command text, args text, url text,
    env_keys text, header_keys text, sources text, health text, reason text, server_info text,
    protocol_version text, capabilities text, instructions text, at timestamptz, ok int)
  ON CONFLICT (name) DO UPDATE SET origin = 'probed', transport = excluded.transport,
    command = excluded.command, args = excluded.args, url = excluded.url, env_keys = excluded.env_keys,
    header_keys = excluded.header_keys, sources = excluded.sources, health = excluded.health,
    reason = excluded.reason, last_probed_at = excluded.last_probed_at,
    server_info = CASE WHEN excluded.last_ok_at IS NOT NULL THEN excluded.server_info ELSE s.server_info END,
    protocol_version = CASE WHEN excluded.last_ok_at IS NOT NULL
      THEN excluded.protocol_version ELSE s.protocol_version END,
    capabilities = CASE WHEN excluded.last_ok_at IS NOT NULL THEN excluded.capabilities ELSE s.capabilities END,
    instructions = CASE WHEN excluded.last_ok_at IS NOT NULL THEN excluded.instructions ELSE s.instructions END,
    last_ok_at = COALESCE(excluded.last_ok_at, s.last_ok_at)
  RETURNING *`;

// A probed server stays probed; an import only adds the words it brings.
export const SAVE_IMPORTED_SERVERS = `
  INSERT INTO servers AS s (name, origin, imported_from, title, description, first_seen)
  SELECT x.name, 'imported', x.imported_from, x.title, x.description, x.at
  FROM json_to_recordset($1::json) AS x(name text, imported_from text, title text, description text,
    at timestamptz)
  ON CONFLICT (name) DO UPDATE SET imported_from = excluded.imported_from,
    title = COALESCE(excluded.title, s.title), description = COALESCE(excluded.description, s.description)
  RETURNING *`;

/** What the store holds of these servers' entries, removed ones too, oldest first (the order SQLite removes in). */
export const ENTRY_STATES = `
  SELECT id, server, kind, key, name, uri, content_hash, removed_at FROM entries
  WHERE server = ANY($1::text[]) ORDER BY id`;

// A re-added entry keeps its first_seen: it is the same entry, back again.
export const SAVE_ENTRIES = `
  INSERT INTO entries AS e (server, kind, key, name, title, description, uri, mime_type, input_schema,
    output_schema, annotations, arguments, content_hash, first_seen, last_seen)
  SELECT x.server, x.kind, x.key, x.name, x.title, x.description, x.uri, x.mime_type, x.input_schema::json,
    x.output_schema::json, x.annotations::json, x.arguments::json, x.content_hash, x.at, x.at
  FROM json_to_recordset($1::json) AS x(server text, kind text, key text, name text, title text,
    description text, uri text, mime_type text, input_schema text, output_schema text, annotations text,
    arguments text, content_hash text, at timestamptz)
  ON CONFLICT (server, kind, key) DO UPDATE SET name = excluded.name, title = excluded.title,
    description = excluded.description, uri = excluded.uri, mime_type = excluded.mime_type,
    input_schema = excluded.input_schema, output_schema = excluded.output_schema,
    annotations = excluded.annotations, arguments = excluded.arguments,
    content_hash = excluded.content_hash, last_seen = excluded.last_seen, removed_at = NULL`;

export const MARK_REMOVED = 'UPDATE entries SET removed_at = $1 WHERE id = ANY($2::bigint[])';

export const INSERT_RUN = `
  INSERT INTO runs (run_id, kind, origin, started_at, duration_ms, summary, document)
  VALUES ($1, $2, $3, $4, $5, $6::json, $7::json)`;

// Ids follow the log's order, so `changes()` reads it back as it was written.
export const INSERT_CHANGES = `
  INSERT INTO changes (run_id, server, kind, name, uri, change, content_hash, at)
  SELECT x.run_id, x.server, x.kind, x.name, x.uri, x.change, x.content_hash, x.at
  FROM json_array_elements($1::json) WITH ORDINALITY AS j(row, n),
    json_to_record(j.row) AS x(run_id text, server text, kind text, name text, uri text, change text,
      content_hash text, at timestamptz)
  ORDER BY j.n`;

export const CATALOG_ENTRIES = `
  SELECT server, kind, key, name, title, description, uri, mime_type, input_schema, output_schema, annotations,
    arguments
  FROM entries WHERE removed_at IS NULL ORDER BY server, kind, key`;

// A partial run (one server refreshed) is not "the last run" a person asks `servers` about.
export const LAST_RUN = `
  SELECT document FROM runs
  WHERE kind = 'discover' AND NOT COALESCE((document->>'partial')::boolean, false)
  ORDER BY seq DESC LIMIT 1`;

export const RUNS = `
  SELECT r.run_id, r.kind, r.origin, r.started_at, r.duration_ms, r.summary,
    count(*) FILTER (WHERE c.change = 'added')::int AS added,
    count(*) FILTER (WHERE c.change = 'removed')::int AS removed,
    count(*) FILTER (WHERE c.change = 'changed')::int AS changed
  FROM runs r LEFT JOIN changes c ON c.run_id = r.run_id
  GROUP BY r.seq ORDER BY r.seq DESC LIMIT $1`;

const CHANGE_COLUMNS = 'run_id, server, kind, name, uri, change, content_hash, at';
export const CHANGES_OF_RUN = `SELECT ${CHANGE_COLUMNS} FROM changes WHERE run_id = $1 ORDER BY id`;
export const ALL_CHANGES = `SELECT ${CHANGE_COLUMNS} FROM changes ORDER BY id`;
