import type Database from 'better-sqlite3';
import { readHookConfig } from './config.js';
import { detailOf, type HookEvent, KNOWN_EVENTS, outcomeOf, parseHookEvent } from './event.js';
import { type HookLog, hookLog } from './log.js';
import { type EventRow, insertEvents, openHookDb, type Recorded, withRetry } from './record.js';
import { drainSpool, spool } from './spool.js';

/**
 * `mcp-discovery hook`: one Claude Code hook event on stdin, recorded in the store, exit 0 whatever happens.
 * This is the CLI's fast path (src/cli/main.ts loads it before commander): node built-ins and better-sqlite3 only
 * (or pg, loaded on demand, when the store is on PostgreSQL: src/hooks/pg-record.ts), no zod, pino, settings or
 * telemetry SDK. Its own timing is recorded with the event (`handle_ms`), so metrics come from the database later.
 * Problems go to `<data-dir>/hooks.log`; stdout carries only a JSON answer for Claude.
 */

/** Claude Code waits 60 s by default and `hooks install` sets 10 s; we give up well before either. */
const WATCHDOG_MS = 8_000;
/** Retrying a locked database stops here; the event then goes to the spool. */
const RECORD_DEADLINE_MS = 5_000;
/** A tool response can be large; past this the event is still recorded, from what was read. */
const MAX_STDIN_BYTES = 32 * 1024 * 1024;
const MAX_PROMPT_CHARS = 2_000;

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    process.stdin.on('data', (c: Buffer) => {
      if (size < MAX_STDIN_BYTES) chunks.push(c);
      size += c.length;
    });
    process.stdin.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.once('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function toRow(e: HookEvent): EventRow {
  const start = performance.timeOrigin;
  const detail = detailOf(e);
  return {
    // Unique per event without loading node:crypto (about 13 ms): start time, process id, random digits.
    key: `${Math.round(start).toString(36)}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 12)}`,
    at: new Date(start).toISOString(),
    at_ms: Math.round(start),
    event: e.name,
    session_id: e.sessionId ?? null,
    tool_use_id: e.toolUseId ?? null,
    tool_name: e.toolName ?? null,
    outcome: outcomeOf(e) ?? null,
    prompt: e.name === 'UserPromptSubmit' && e.prompt ? e.prompt.slice(0, MAX_PROMPT_CHARS) : null,
    detail: detail ? JSON.stringify(detail) : null,
    cwd: e.cwd ?? null,
    handle_ms: null,
  };
}

const describe = (error: unknown) => {
  const e = error as NodeJS.ErrnoException;
  return `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`;
};

/** Why an event could not be stored, in words that say what to fix. */
function cannotRecord(dataDir: string, error: unknown): string {
  const code = String((error as { code?: unknown }).code ?? '');
  if (/^(EACCES|EPERM|EROFS|SQLITE_READONLY|SQLITE_CANTOPEN|SQLITE_PERM)/.test(code))
    return `data directory ${dataDir} is not writable (${describe(error)}): fix its permissions or install the hook with another --data-dir`;
  if (/^(ENOSPC|SQLITE_FULL)/.test(code)) return `the disk holding ${dataDir} is full (${describe(error)})`;
  return describe(error);
}

async function record(dataDir: string, row: EventRow, log: HookLog): Promise<Recorded | undefined> {
  const deadline = performance.now() + RECORD_DEADLINE_MS;
  let db: Database.Database | undefined;
  try {
    db = await withRetry(deadline, () => openHookDb(dataDir));
    const open = db;
    row.handle_ms = Math.round(performance.now() * 100) / 100;
    const id = await withRetry(deadline, () => insertEvents(open, [row]));
    try {
      const moved = drainSpool(open, dataDir);
      if (moved > 0) log('info', `moved ${moved} spooled events into the database`);
    } catch (error) {
      log('warn', `spooled events stay spooled: ${describe(error)}`);
    }
    return {
      id,
      // The suggestions' module (and the store's, with zod) loads only on the context path.
      saveSuggestions: async (rows) => (await import('../learning/store.js')).insertSuggestions(open, rows),
      close: async () => void open.close(),
    };
  } catch (error) {
    db?.close();
    try {
      spool(dataDir, row);
      log('warn', `database unavailable, event spooled: ${cannotRecord(dataDir, error)}`);
    } catch {
      log('error', `cannot record ${row.event} event: ${cannotRecord(dataDir, error)}`);
    }
    return undefined;
  }
}

/** Context for Claude is opt-in; only prompts and shell commands that an MCP tool might do better get it. */
function wantsContext(e: HookEvent): boolean {
  if (e.name === 'UserPromptSubmit') return !!e.prompt?.trim();
  if (e.name !== 'PreToolUse' || e.toolName !== 'Bash') return false;
  const command = e.toolInput?.command;
  return (
    typeof command === 'string' &&
    /\b(psql|mysql|sqlite3|mongosh|redis-cli|curl|wget|gh|aws|gcloud|az|kubectl|docker|jq)\b/.test(command)
  );
}

async function main(): Promise<void> {
  const config = readHookConfig(process.argv, process.env);
  let where = '';
  const log = hookLog(config.dataDir, () => where);
  let unsaved: EventRow | undefined;
  setTimeout(() => {
    log('error', `gave up after ${WATCHDOG_MS} ms so as not to hold up Claude Code`);
    // A PostgreSQL that answers the connection and then stalls (its own timeouts add up past the watchdog when
    // the first hook migrates): spool the event rather than lose it; its key keeps it single if it did arrive.
    try {
      if (unsaved && config.backend === 'postgres') spool(config.dataDir, unsaved);
    } finally {
      process.exit(0);
    }
  }, WATCHDOG_MS).unref();

  const text = await readStdin();
  const parsed = parseHookEvent(text);
  if (!parsed.ok) return log('warn', `ignored input: ${parsed.problem}`);
  const event = parsed.event;
  where = `${event.name}${event.sessionId ? ` session=${event.sessionId}` : ''}`;
  const row = toRow(event);
  unsaved = row;
  const recorded =
    config.backend === 'postgres'
      ? await (await import('./pg-record.js')).recordPg(config, row, log)
      : await record(config.dataDir, row, log);
  unsaved = undefined;
  if (!KNOWN_EVENTS.has(event.name)) log('info', 'recorded an event the learning does not read');
  if (!recorded) return;
  try {
    if (config.contextEnabled && wantsContext(event)) {
      const { contextFor } = await import('./context.js');
      const answer = await contextFor(event, recorded, config);
      if (answer) process.stdout.write(`${JSON.stringify(answer)}\n`);
    }
  } catch (error) {
    log('warn', `no context returned: ${describe(error)}`);
  } finally {
    await recorded.close();
  }
}

export async function runHook(): Promise<void> {
  try {
    await main();
  } catch (error) {
    process.stderr.write(`mcp-discovery hook: ${describe(error)}\n`);
  }
  process.exitCode = 0;
}
