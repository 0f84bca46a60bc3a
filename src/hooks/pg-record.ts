import type pg from 'pg';
import type { Suggestion } from '../learning/acceptance.js';
import type { HookConfig } from './config.js';
import type { HookLog } from './log.js';
import type { EventRow, Recorded } from './record.js';
import { claimSpool, type SpoolClaim, spool } from './spool.js';

/**
 * The hook's PostgreSQL path (`store.backend: postgres`): every machine's hook writes into the one shared database.
 * One connection, one statement (the spool and this event, `ON CONFLICT (key) DO NOTHING`, and a notification
 * so running instances reload their priors), then the connection is closed. Whatever fails, the event goes to
 * the local spool, which the next hook that reaches the database moves into it. pg is loaded only here.
 */

/**
 * A hook must answer Claude Code quickly: an unreachable server is given up on well within the watchdog. The
 * server cancels a statement first (a lock wait, say), so its session does not linger; the client's timeout
 * covers a network that stops answering.
 */
const CONNECT_TIMEOUT_MS = 2_000;
const STATEMENT_TIMEOUT_MS = 2_500;
const QUERY_TIMEOUT_MS = 3_000;
/** The channel of src/store/postgres/sql.ts, spelled here so the fast path does not load the store. */
const NOTIFY_CHANNEL = 'mcp_discovery';
const NOTICE = JSON.stringify({ topic: 'learning', from: 'hook' });

// Rows in array order (ids follow it); detail is JSON text, cast here. The notification goes only when a row was
// added, and is delivered when the statement commits.
const INSERT_EVENTS = `
  WITH ins AS (
    INSERT INTO hook_events (key, at, at_ms, event, session_id, tool_use_id, tool_name, outcome, prompt, detail,
      cwd, handle_ms)
    SELECT x.key, x.at, x.at_ms, x.event, x.session_id, x.tool_use_id, x.tool_name, x.outcome, x.prompt,
      x.detail::json, x.cwd, x.handle_ms
    FROM json_array_elements($1::json) WITH ORDINALITY AS j(row, n),
      json_to_record(j.row) AS x(key text, at timestamptz, at_ms bigint, event text, session_id text,
        tool_use_id text, tool_name text, outcome text, prompt text, detail text, cwd text,
        handle_ms double precision)
    ORDER BY j.n
    ON CONFLICT (key) DO NOTHING
    RETURNING id, key)
  SELECT (SELECT id FROM ins WHERE key = $2)::float8 AS id, (SELECT count(*) FROM ins)::int AS added,
    (SELECT pg_notify($3, $4) FROM ins LIMIT 1)::text AS notified`;

const INSERT_SUGGESTIONS = `
  INSERT INTO hook_suggestions (event_id, session_id, at_ms, kind, ref, tool_name, score)
  SELECT x.event_id, x.session_id, x.at_ms, x.kind, x.ref, x.tool_name, x.score
  FROM json_array_elements($1::json) WITH ORDINALITY AS j(row, n),
    json_to_record(j.row) AS x(event_id bigint, session_id text, at_ms bigint, kind text, ref text,
      tool_name text, score double precision)
  ORDER BY j.n`;

/**
 * PostgreSQL text holds neither NUL nor half a surrogate pair (a prompt cut at 2,000 UTF-16 units can end in one):
 * either would make the whole batch, spool included, fail on every later hook.
 */
const clean = (v: unknown) =>
  typeof v === 'string'
    ? v
        .replace(/\0/g, '')
        .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    : v;
const payload = (rows: readonly object[]) =>
  JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, clean(v)]))));

/** Inserts events (each key once); the id of `key` (0 if it was already there) and how many rows were added. */
export async function insertPgEvents(
  client: pg.ClientBase,
  rows: readonly EventRow[],
  key = rows.at(-1)?.key ?? '',
): Promise<{ id: number; added: number }> {
  const { rows: out } = await client.query<{ id: number | null; added: number }>(INSERT_EVENTS, [
    payload(rows),
    key,
    NOTIFY_CHANNEL,
    NOTICE,
  ]);
  return { id: out[0]?.id ?? 0, added: out[0]?.added ?? 0 };
}

export async function insertPgSuggestions(client: pg.ClientBase, rows: readonly Suggestion[]): Promise<void> {
  const { toolNameOf } = await import('../learning/store.js');
  const data = rows.map((s) => ({
    event_id: s.eventId,
    session_id: s.sessionId,
    at_ms: s.atMs,
    kind: s.kind,
    ref: s.ref,
    tool_name: toolNameOf(s),
    score: s.score,
  }));
  await client.query(INSERT_SUGGESTIONS, [payload(data)]);
}

/** host:port/database, never the password: what hooks.log may say about the database. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return 'store.postgresUrl (not a URL)';
  }
}

/** The error in words, with the password cut out in case a message ever quotes the URL. */
function describe(error: unknown, url: string | undefined): string {
  const e = error as { code?: unknown; message?: unknown };
  const text = `${typeof e.code === 'string' ? `${e.code}: ` : ''}${String(e.message ?? error)}`;
  let password = '';
  try {
    password = url ? decodeURIComponent(new URL(url).password) : '';
  } catch {
    // not a URL: nothing to cut
  }
  return password ? text.split(password).join('***') : text;
}

async function connect(url: string): Promise<pg.Client> {
  new URL(url); // a malformed URL fails here, before pg can quote it
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    application_name: 'mcp-discovery-hook',
  });
  // A socket error after the work is done must not become an uncaught exception.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    void client.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Sends Terminate without waiting for the server to close the socket (some 15 ms on the hook's critical path, or
 * forever from a server that stopped answering): the work is committed or spooled by then.
 */
const end = (client: pg.Client) => {
  void client.end().catch(() => undefined);
};

/** The first hook to reach a database without the learning tables migrates it (pg's store code, loaded then). */
async function insertMigrating(client: pg.Client, rows: EventRow[], key: string, url: string) {
  try {
    return await insertPgEvents(client, rows, key);
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42P01') throw error;
    const { migratePg } = await import('../store/postgres/migrations.js');
    await migratePg(client, where(url));
    return insertPgEvents(client, rows, key);
  }
}

/** SQLSTATE classes 22 (data) and 23 (constraint): the rows are at fault, not the connection. */
const refusedRows = (error: unknown) => /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));

export async function recordPg(
  config: HookConfig,
  row: EventRow,
  log: HookLog,
): Promise<Recorded | undefined> {
  const url = config.postgresUrl;
  let client: pg.Client | undefined;
  let claim: SpoolClaim | undefined;
  try {
    if (!url)
      throw new Error(
        'store.backend is postgres but no store.postgresUrl: run `mcp-discovery hooks install` again, or set MCP_DISCOVERY_POSTGRES_URL',
      );
    client = await connect(url);
    row.handle_ms = Math.round(performance.now() * 100) / 100;
    claim = claimSpool(config.dataDir);
    let id: number;
    try {
      ({ id } = await insertMigrating(client, [...(claim?.rows ?? []), row], row.key, url));
    } catch (error) {
      // A spooled row the database refuses must not block every event after it: it stays spooled, this one goes.
      if (!claim || !refusedRows(error)) throw error;
      claim.putBack();
      claim = undefined;
      log('error', `spooled events refused by PostgreSQL, kept in the spool: ${describe(error, url)}`);
      ({ id } = await insertPgEvents(client, [row]));
    }
    if (claim) {
      claim.done();
      log('info', `moved ${claim.rows.length} spooled events into PostgreSQL`);
    }
    const open = client;
    return {
      id,
      saveSuggestions: (rows) => insertPgSuggestions(open, rows),
      close: async () => end(open),
    };
  } catch (error) {
    try {
      claim?.putBack();
    } catch {
      // the claimed file stays, and the next hook takes it over
    }
    if (client) end(client);
    const at = url ? ` at ${where(url)}` : '';
    try {
      spool(config.dataDir, row);
      log('warn', `PostgreSQL${at} unavailable, event spooled: ${describe(error, url)}`);
    } catch {
      log('error', `cannot record ${row.event} event: PostgreSQL${at}: ${describe(error, url)}`);
    }
    return undefined;
  }
}
