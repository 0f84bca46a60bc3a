import type Database from 'better-sqlite3';

/** Rows as SQLite returns them: JSON columns are text, absent values null. Decoded in rows.ts. */
export type ServerRow = {
  name: string;
  origin: 'probed' | 'imported';
  imported_from: string | null;
  title: string | null;
  description: string | null;
  transport: string | null;
  command: string | null;
  args: string | null;
  url: string | null;
  env_keys: string;
  header_keys: string;
  sources: string;
  health: string | null;
  reason: string | null;
  server_info: string | null;
  protocol_version: string | null;
  capabilities: string | null;
  instructions: string | null;
  first_seen: string;
  last_probed_at: string | null;
  last_ok_at: string | null;
};

export type EntryRow = {
  server: string;
  kind: string;
  key: string;
  name: string;
  title: string | null;
  description: string;
  uri: string | null;
  mime_type: string | null;
  input_schema: string | null;
  output_schema: string | null;
  annotations: string | null;
  arguments: string | null;
};

export type RunRow = {
  run_id: string;
  kind: 'discover' | 'import';
  origin: string | null;
  started_at: string;
  duration_ms: number;
  summary: string;
  added: number;
  removed: number;
  changed: number;
};

export type ChangeRow = {
  run_id: string;
  server: string;
  kind: string;
  name: string;
  uri: string | null;
  change: 'added' | 'removed' | 'changed';
  content_hash: string | null;
  at: string;
};

type Params = [Record<string, string | number | null>];

/** The part of a better-sqlite3 statement the store uses: its own type cannot be named in declaration files. */
type Stmt<P extends unknown[], R> = {
  run(...params: P): Database.RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
};

/** Every statement the store runs, prepared once when it opens. */
export function prepareStatements(db: Database.Database) {
  const prepare = <P extends unknown[] = [], R = unknown>(sql: string): Stmt<P, R> => db.prepare<P, R>(sql);
  const pluck = <P extends unknown[] = [], R = unknown>(sql: string): Stmt<P, R> =>
    db.prepare<P, R>(sql).pluck();
  return {
    version: pluck<[], string>(`SELECT value FROM meta WHERE key = 'catalog_version'`),
    bumpVersion: prepare(`UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'catalog_version'`),
    runExists: pluck<[string], number>('SELECT 1 FROM runs WHERE run_id = ?'),
    insertRun: prepare<Params>(
      `INSERT INTO runs (run_id, kind, origin, started_at, duration_ms, summary, document)
       VALUES (@run_id, @kind, @origin, @started_at, @duration_ms, @summary, @document)`,
    ),
    server: prepare<[string], ServerRow>('SELECT * FROM servers WHERE name = ?'),
    servers: prepare<[], ServerRow>('SELECT * FROM servers ORDER BY name'),
    // What a failed probe could not see (server info, capabilities...) keeps its last known value.
    saveProbedServer: prepare<Params>(
      `INSERT INTO servers (name, origin, transport, command, args, url, env_keys, header_keys, sources, health,
         reason, server_info, protocol_version, capabilities, instructions, first_seen, last_probed_at, last_ok_at)
       VALUES (@name, 'probed', @transport, @command, @args, @url, @env_keys, @header_keys, @sources, @health,
         @reason, @server_info, @protocol_version, @capabilities, @instructions, @at, @at,
         CASE WHEN @ok THEN @at END)
       ON CONFLICT (name) DO UPDATE SET origin = 'probed', transport = excluded.transport,
         command = excluded.command, args = excluded.args, url = excluded.url, env_keys = excluded.env_keys,
         header_keys = excluded.header_keys, sources = excluded.sources, health = excluded.health,
         reason = excluded.reason, last_probed_at = excluded.last_probed_at,
         server_info = CASE WHEN @ok THEN excluded.server_info ELSE servers.server_info END,
         protocol_version = CASE WHEN @ok THEN excluded.protocol_version ELSE servers.protocol_version END,
         capabilities = CASE WHEN @ok THEN excluded.capabilities ELSE servers.capabilities END,
         instructions = CASE WHEN @ok THEN excluded.instructions ELSE servers.instructions END,
         last_ok_at = CASE WHEN @ok THEN excluded.last_ok_at ELSE servers.last_ok_at END`,
    ),
    // A probed server stays probed; an import only adds the words it brings.
    saveImportedServer: prepare<Params>(
      `INSERT INTO servers (name, origin, imported_from, title, description, first_seen)
       VALUES (@name, 'imported', @imported_from, @title, @description, @at)
       ON CONFLICT (name) DO UPDATE SET imported_from = excluded.imported_from,
         title = COALESCE(excluded.title, servers.title),
         description = COALESCE(excluded.description, servers.description)`,
    ),
    entryState: prepare<[string, string, string], { content_hash: string; removed_at: string | null }>(
      'SELECT content_hash, removed_at FROM entries WHERE server = ? AND kind = ? AND key = ?',
    ),
    // A re-added entry keeps its first_seen: it is the same entry, back again.
    saveEntry: prepare<Params>(
      `INSERT INTO entries (server, kind, key, name, title, description, uri, mime_type, input_schema,
         output_schema, annotations, arguments, content_hash, first_seen, last_seen)
       VALUES (@server, @kind, @key, @name, @title, @description, @uri, @mime_type, @input_schema,
         @output_schema, @annotations, @arguments, @content_hash, @at, @at)
       ON CONFLICT (server, kind, key) DO UPDATE SET name = excluded.name, title = excluded.title,
         description = excluded.description, uri = excluded.uri, mime_type = excluded.mime_type,
         input_schema = excluded.input_schema, output_schema = excluded.output_schema,
         annotations = excluded.annotations, arguments = excluded.arguments,
         content_hash = excluded.content_hash, last_seen = excluded.last_seen, removed_at = NULL`,
    ),
    activeEntries: prepare<[string, string], { id: number; key: string; name: string; uri: string | null }>(
      'SELECT id, key, name, uri FROM entries WHERE server = ? AND kind = ? AND removed_at IS NULL',
    ),
    markRemoved: prepare<[string, number]>('UPDATE entries SET removed_at = ? WHERE id = ?'),
    catalogEntries: prepare<[], EntryRow>(
      'SELECT * FROM entries WHERE removed_at IS NULL ORDER BY server, kind, key',
    ),
    insertChange: prepare<Params>(
      `INSERT INTO changes (run_id, server, kind, name, uri, change, content_hash, at)
       VALUES (@run_id, @server, @kind, @name, @uri, @change, @content_hash, @at)`,
    ),
    // A partial run (one server refreshed) is not "the last run" a person asks `servers` about.
    lastRun: pluck<[], string>(
      `SELECT document FROM runs WHERE kind = 'discover' AND coalesce(json_extract(document, '$.partial'), 0) = 0
       ORDER BY seq DESC LIMIT 1`,
    ),
    runs: prepare<[number], RunRow>(
      `SELECT r.run_id, r.kind, r.origin, r.started_at, r.duration_ms, r.summary,
         COALESCE(SUM(c.change = 'added'), 0) AS added, COALESCE(SUM(c.change = 'removed'), 0) AS removed,
         COALESCE(SUM(c.change = 'changed'), 0) AS changed
       FROM runs r LEFT JOIN changes c ON c.run_id = r.run_id
       GROUP BY r.seq ORDER BY r.seq DESC LIMIT ?`,
    ),
    changesOfRun: prepare<[string], ChangeRow>('SELECT * FROM changes WHERE run_id = ? ORDER BY id'),
    allChanges: prepare<[], ChangeRow>('SELECT * FROM changes ORDER BY id'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
