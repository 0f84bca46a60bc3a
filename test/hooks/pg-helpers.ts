import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../helpers/servers.js';
import { hookFixture } from './helpers.js';

export async function query<R extends pg.QueryResultRow>(
  url: string,
  text: string,
  values?: unknown[],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Hook events recorded in PostgreSQL, oldest first. */
export const pgEvents = (url: string) =>
  query<{ key: string; event: string; session_id: string | null; tool_name: string | null }>(
    url,
    'SELECT key, event, session_id, tool_name FROM hook_events ORDER BY id',
  );

/** The lines waiting in a data directory's spool. */
export const spoolLines = (data: string) => {
  const file = join(data, 'hooks.spool.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
};

/** A fixture event in another session: each machine's Claude Code has its own sessions. */
export function inSession(fixture: string, sessionId: string): string {
  return JSON.stringify({ ...JSON.parse(hookFixture(fixture)), session_id: sessionId });
}

/** A port nothing listens on: a PostgreSQL that is down. */
export const closedPort = freePort;

/** The same URL pointing elsewhere: another port, or another password. */
export function withUrl(url: string, change: { port?: number; password?: string }): string {
  const u = new URL(url);
  if (change.port !== undefined) u.port = String(change.port);
  if (change.password !== undefined) u.password = change.password;
  return u.toString();
}

/** Runs `tasks` with at most `limit` at a time. */
export async function pooled<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await (tasks[i] as () => Promise<T>)();
      }
    }),
  );
  return out;
}
