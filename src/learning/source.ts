import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { dbFile } from '../store/index.js';
import type { Suggestion } from './acceptance.js';
import type { LearningEvent } from './events.js';
import { LearningStore } from './store.js';

/**
 * Where the learning reads hook events from: the store's backend. SQLite: the data directory's database, which
 * that machine's hook writes; PostgreSQL: the shared database every machine's hook writes. Both answer the same
 * questions with the same shapes, so everything learned is the same whichever recorded the events.
 */
export interface LearningSource {
  /** Every event, oldest first; `sinceMs` keeps only the newer ones. */
  events(sinceMs?: number): Promise<LearningEvent[]>;
  suggestions(): Promise<Suggestion[]>;
  /** How many events there are and the newest id: a stamp that changes whenever usage does. */
  stamp(): Promise<{ count: number; lastId: number }>;
  /** Events per event name, and PostToolUse per tool name, most used first (ties by name, bytewise). */
  counts(): Promise<{ byEvent: { event: string; n: number }[]; byTool: { tool: string; n: number }[] }>;
  /** When the newest event happened (ISO-8601). */
  lastAt(): Promise<string | undefined>;
  /** Removes one session's events and suggestions; how many events went. */
  deleteSession(sessionId: string): Promise<number>;
  close(): Promise<void>;
}

/** What choosing a source needs: the settings' data directory and store, or a hook's view of them. */
export interface SourceSettings {
  dataDir: string;
  store: { backend: 'sqlite' | 'postgres'; postgresUrl?: string | undefined };
}

const BY_EVENT = 'SELECT event, count(*) AS n FROM hook_events GROUP BY event ORDER BY event';
const BY_TOOL = `SELECT tool_name AS tool, count(*) AS n FROM hook_events
  WHERE event = 'PostToolUse' AND tool_name IS NOT NULL GROUP BY tool_name ORDER BY n DESC, tool_name`;

function sqliteSource(store: LearningStore): LearningSource {
  const { db } = store;
  return {
    events: async (sinceMs) => store.events(sinceMs),
    suggestions: async () => store.suggestions(),
    stamp: async () => store.stamp(),
    counts: async () => ({
      byEvent: db.prepare<[], { event: string; n: number }>(BY_EVENT).all(),
      byTool: db.prepare<[], { tool: string; n: number }>(BY_TOOL).all(),
    }),
    lastAt: async () =>
      db.prepare<[], string>('SELECT at FROM hook_events ORDER BY id DESC LIMIT 1').pluck().get(),
    deleteSession: async (sessionId) => store.deleteSession(sessionId),
    close: async () => store.close(),
  };
}

/** Opens the learning's side of the configured store (pg is loaded only for PostgreSQL). */
export async function openLearningSource(settings: SourceSettings): Promise<LearningSource> {
  if (settings.store.backend === 'postgres') {
    const { openPgLearningSource } = await import('./pg-source.js');
    return openPgLearningSource(settings.store.postgresUrl);
  }
  return sqliteSource(LearningStore.open(dbFile(settings.dataDir)));
}

/** Runs `fn` on the configured source, closing it afterwards. */
export async function withLearningSource<T>(
  settings: SourceSettings,
  fn: (source: LearningSource) => Promise<T>,
): Promise<T> {
  const source = await openLearningSource(settings);
  try {
    return await fn(source);
  } finally {
    await source.close();
  }
}

/** Where a PostgreSQL URL points, without its user and password; the whole text when it is not a URL. */
function postgresWhere(url: string | undefined): string {
  try {
    const u = new URL(url ?? '');
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return url ?? '';
  }
}

/**
 * Names the database the learning reads, for a metric label: every instance that reads one database reads the same
 * totals, and dashboards count them once per database (`backend-` and a hash of the machine and file for SQLite, of
 * the host, port and database for PostgreSQL, so no address, path or secret reaches the metrics).
 */
export function learningSourceId(settings: SourceSettings): string {
  const where =
    settings.store.backend === 'postgres'
      ? postgresWhere(settings.store.postgresUrl)
      : `${hostname()}:${resolve(dbFile(settings.dataDir))}`;
  return `${settings.store.backend}-${createHash('sha256').update(where).digest('hex').slice(0, 12)}`;
}
