/**
 * The tables the `hook` command writes and `src/learning` reads: migration 2 of the store (see
 * src/store/migrations.ts). Kept free of imports so the hook's fast path can name the schema version without
 * loading the store module (and zod with it).
 */

/** `PRAGMA user_version` from which the learning tables exist. */
export const LEARNING_SCHEMA_VERSION = 2;

/** A hook_events row as the hook writes it; the learning reads the same columns back, with the row id. */
export interface HookEventRow {
  key: string;
  at: string;
  at_ms: number;
  event: string;
  session_id: string | null;
  tool_use_id: string | null;
  tool_name: string | null;
  outcome: 'success' | 'failure' | null;
  prompt: string | null;
  detail: string | null;
  cwd: string | null;
  handle_ms: number | null;
}

/**
 * hook_events: one row per hook event Claude Code sent. `key` is unique per event (a retried spool line is
 * ignored). Times: `at` ISO and `at_ms` epoch milliseconds of the hook process start; `handle_ms` is how long the
 * process took from its start to the row being written. Tool inputs and results are never stored: only the
 * outcome, a short error, and for proxied calls the tool called (`detail.via`). `prompt` is cut to 2,000 characters.
 *
 * hook_suggestions: what the hook returned to Claude as additionalContext, to measure acceptance.
 * `ref` is what was shown (`server/tool`, `@server:uri`, `/mcp__server__prompt`); `tool_name` is the name
 * Claude Code would give a call of it (`mcp__server__tool`), null for resources and prompts.
 */
export const LEARNING_MIGRATION = `
  CREATE TABLE hook_events (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    event TEXT NOT NULL,
    session_id TEXT,
    tool_use_id TEXT,
    tool_name TEXT,
    outcome TEXT CHECK (outcome IN ('success', 'failure')),
    prompt TEXT,
    detail TEXT,
    cwd TEXT,
    handle_ms REAL
  );
  CREATE INDEX hook_events_session ON hook_events (session_id, id);
  CREATE INDEX hook_events_at ON hook_events (at_ms);

  CREATE TABLE hook_suggestions (
    id INTEGER PRIMARY KEY,
    event_id INTEGER,
    session_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('tool', 'resource', 'resource_template', 'prompt')),
    ref TEXT NOT NULL,
    tool_name TEXT,
    score REAL NOT NULL
  );
  CREATE INDEX hook_suggestions_session ON hook_suggestions (session_id);
`;
