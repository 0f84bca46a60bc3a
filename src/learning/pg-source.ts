import pg from 'pg';
import { StoreError } from '../store/errors.js';
import { describeUrl, pgStoreError } from '../store/postgres/errors.js';
import { migratePg } from '../store/postgres/migrations.js';
import type { LearningSource } from './source.js';
import { type EventRow, type SuggestionRow, toEvent, toSuggestion } from './store.js';

/**
 * The learning's source on PostgreSQL: hook events every machine's hook wrote into the shared database. Columns
 * are cast to what SQLite hands back (bigint ids and times as numbers, JSON as its text), so the rows go through
 * the same decoding as SQLite's and everything learned is identical for the same events.
 */
const CONNECT_TIMEOUT_MS = 5_000;

const EVENTS = `
  SELECT id::float8 AS id, key, at_ms::float8 AS at_ms, event, session_id, tool_use_id, tool_name, outcome,
    prompt, detail::text AS detail, cwd, handle_ms
  FROM hook_events WHERE at_ms >= $1 ORDER BY id`;
const SUGGESTIONS = `
  SELECT event_id::float8 AS event_id, session_id, at_ms::float8 AS at_ms, kind, ref, score
  FROM hook_suggestions ORDER BY id`;
const STAMP = 'SELECT count(*)::float8 AS count, COALESCE(max(id), 0)::float8 AS "lastId" FROM hook_events';
// Ties in bytewise order, as SQLite sorts them, whatever the database's collation.
const BY_EVENT =
  'SELECT event, count(*)::int AS n FROM hook_events GROUP BY event ORDER BY event COLLATE "C"';
const BY_TOOL = `SELECT tool_name AS tool, count(*)::int AS n FROM hook_events
  WHERE event = 'PostToolUse' AND tool_name IS NOT NULL GROUP BY tool_name ORDER BY n DESC, tool_name COLLATE "C"`;
const LAST_AT = 'SELECT at FROM hook_events ORDER BY id DESC LIMIT 1';

/**
 * One connection for one reading (a reload, a metrics collection, a report); the schema is brought up to date
 * first, as the store does, so a database no hook has written to yet reads as empty rather than failing.
 */
export async function openPgLearningSource(url: string | undefined): Promise<LearningSource> {
  if (url === undefined)
    throw new StoreError(
      'cannot-open',
      'store.backend "postgres" needs store.postgresUrl (or MCP_DISCOVERY_POSTGRES_URL)',
    );
  const fail = (error: unknown) => pgStoreError(error, url, 0);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'mcp-discovery-learning',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await migratePg(client, describeUrl(url));
  } catch (error) {
    await client.end().catch(() => undefined);
    throw fail(error);
  }
  const rows = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    try {
      return (await client.query<R>(text, values)).rows;
    } catch (error) {
      throw fail(error);
    }
  };
  return {
    events: async (sinceMs = 0) => (await rows<EventRow>(EVENTS, [sinceMs])).map(toEvent),
    suggestions: async () => (await rows<SuggestionRow>(SUGGESTIONS)).map(toSuggestion),
    stamp: async () => (await rows<{ count: number; lastId: number }>(STAMP))[0] ?? { count: 0, lastId: 0 },
    counts: async () => ({
      byEvent: await rows<{ event: string; n: number }>(BY_EVENT),
      byTool: await rows<{ tool: string; n: number }>(BY_TOOL),
    }),
    lastAt: async () => (await rows<{ at: Date }>(LAST_AT))[0]?.at.toISOString(),
    async deleteSession(sessionId) {
      await rows('DELETE FROM hook_suggestions WHERE session_id = $1', [sessionId]);
      const r = await client
        .query('DELETE FROM hook_events WHERE session_id = $1', [sessionId])
        .catch((e) => {
          throw fail(e);
        });
      return r.rowCount ?? 0;
    },
    close: () => client.end().catch(() => undefined),
  };
}
