import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { storeErrorFrom } from '../store/errors.js';
import { migrate } from '../store/migrations.js';
import type { Suggestion } from './acceptance.js';
import type { LearningEvent } from './events.js';
import type { HookEventRow } from './schema.js';

/**
 * The learning's side of the store: reads `hook_events` and `hook_suggestions` (migration 2) from the same
 * SQLite file as the catalog, on a connection of its own (WAL lets it read while hooks write).
 */
export class LearningStore {
  private constructor(
    readonly db: Database.Database,
    readonly file: string,
  ) {}

  static open(file: string, options: { busyTimeoutMs?: number } = {}): LearningStore {
    const busy = options.busyTimeoutMs ?? 5_000;
    let db: Database.Database | undefined;
    try {
      mkdirSync(dirname(file), { recursive: true });
      closeSync(openSync(file, 'a', 0o600));
      db = new Database(file, { timeout: busy });
      db.pragma('journal_mode = WAL');
      migrate(db, file);
      return new LearningStore(db, file);
    } catch (error) {
      db?.close();
      throw storeErrorFrom(error, file, busy);
    }
  }

  /** Every event, oldest first; `sinceMs` keeps only the newer ones. */
  events(sinceMs = 0): LearningEvent[] {
    const rows = this.db
      .prepare<[number], EventRow>('SELECT * FROM hook_events WHERE at_ms >= ? ORDER BY id')
      .all(sinceMs);
    return rows.map(toEvent);
  }

  suggestions(): Suggestion[] {
    return this.db
      .prepare<[], SuggestionRow>('SELECT * FROM hook_suggestions ORDER BY id')
      .all()
      .map(toSuggestion);
  }

  recordSuggestions(rows: readonly Suggestion[]): void {
    insertSuggestions(this.db, rows);
  }

  /** How many events there are and the newest id: a stamp that changes whenever usage does. */
  stamp(): { count: number; lastId: number } {
    const r = this.db
      .prepare<[], { n: number; last: number | null }>(
        'SELECT COUNT(*) AS n, MAX(id) AS last FROM hook_events',
      )
      .get();
    return { count: r?.n ?? 0, lastId: r?.last ?? 0 };
  }

  /** Removes one session's events and suggestions (`hooks test` cleans up after its sample event). */
  deleteSession(sessionId: string): number {
    this.db.prepare('DELETE FROM hook_suggestions WHERE session_id = ?').run(sessionId);
    return this.db.prepare('DELETE FROM hook_events WHERE session_id = ?').run(sessionId).changes;
  }

  close(): void {
    this.db.close();
  }
}

/** Keeps what the hook returned to Claude, to measure acceptance later. */
export function insertSuggestions(db: Database.Database, rows: readonly Suggestion[]): void {
  const stmt = db.prepare(
    `INSERT INTO hook_suggestions (event_id, session_id, at_ms, kind, ref, tool_name, score)
     VALUES (@eventId, @sessionId, @atMs, @kind, @ref, @toolName, @score)`,
  );
  db.transaction(() => {
    for (const s of rows) stmt.run({ ...s, toolName: toolNameOf(s) });
  })();
}

/** The name Claude Code gives a call of a suggested tool, `mcp__server__tool`; null for resources and prompts. */
export function toolNameOf(s: Pick<Suggestion, 'kind' | 'ref'>): string | null {
  if (s.kind !== 'tool') return null;
  const slash = s.ref.indexOf('/');
  return slash > 0 ? `mcp__${s.ref.slice(0, slash)}__${s.ref.slice(slash + 1)}` : null;
}

/** Rows as both backends read them back (src/learning/pg-source.ts casts PostgreSQL's to these types). */
export type EventRow = HookEventRow & { id: number };

export type SuggestionRow = {
  event_id: number | null;
  session_id: string;
  at_ms: number;
  kind: Suggestion['kind'];
  ref: string;
  score: number;
};

function parseDetail(text: string | null): LearningEvent['detail'] {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const out: LearningEvent['detail'] = {};
    for (const k of ['via', 'error', 'reason', 'source'] as const)
      if (typeof v[k] === 'string') out[k] = v[k];
    return out;
  } catch {
    return {};
  }
}

export const toSuggestion = (r: SuggestionRow): Suggestion => ({
  eventId: r.event_id ?? 0,
  sessionId: r.session_id,
  atMs: r.at_ms,
  kind: r.kind,
  ref: r.ref,
  score: r.score,
});

export function toEvent(r: EventRow): LearningEvent {
  return {
    id: r.id,
    atMs: r.at_ms,
    event: r.event,
    ...(r.session_id !== null && { sessionId: r.session_id }),
    ...(r.tool_use_id !== null && { toolUseId: r.tool_use_id }),
    ...(r.tool_name !== null && { toolName: r.tool_name }),
    ...(r.outcome !== null && { outcome: r.outcome }),
    ...(r.prompt !== null && { prompt: r.prompt }),
    detail: parseDetail(r.detail),
    ...(r.handle_ms !== null && { handleMs: r.handle_ms }),
  };
}
