import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EventRow, insertEvents, openHookDb } from '../../src/hooks/record.js';
import { loadLearned } from '../../src/learning/load.js';
import { insertSuggestions } from '../../src/learning/store.js';
import { archiveDb, DbMaintenanceError, parseAge, restoreArchive } from '../../src/maintenance/db.js';
import type { ResolvedSettings } from '../../src/settings/index.js';
import { dbFile, openSqliteStore } from '../../src/store/index.js';
import { testSettings } from '../helpers/settings.js';
import { installTestTelemetry } from '../helpers/telemetry.js';
import { report, run, tool } from '../store/helpers.js';

const DAY = 86_400_000;
const NOW = new Date('2026-07-01T00:00:00.000Z');
const OLD = Date.parse('2026-01-01T12:00:00.000Z');
const RECENT = Date.parse('2026-06-30T12:00:00.000Z');

let dir: string;
let settings: ResolvedSettings;
const db = () => new Database(dbFile(dir), { readonly: true });
const count = (sql: string) => {
  const d = db();
  try {
    return d.prepare<[], number>(sql).pluck().get();
  } finally {
    d.close();
  }
};

let n = 0;
const event = (atMs: number, session: string | null, over: Partial<EventRow> = {}): EventRow => ({
  key: `k${++n}`,
  at: new Date(atMs).toISOString(),
  at_ms: atMs,
  event: 'PostToolUse',
  session_id: session,
  tool_use_id: `toolu_${n}`,
  tool_name: 'mcp__srv__a',
  outcome: 'success',
  prompt: null,
  detail: null,
  cwd: null,
  handle_ms: 3,
  ...over,
});

/** Runs in January add tools a, b, c and remove c; one at the end of June removes b. */
async function seedCatalog(): Promise<void> {
  const store = await openSqliteStore(dbFile(dir));
  const tools = (...names: string[]) => [report('srv', { tools: names.map((x) => tool(x)) })];
  await store.recordRun(run(tools('a', 'b', 'c')));
  await store.recordRun(run(tools('a', 'b')));
  await store.recordRun({ ...run(tools('a')), startedAt: new Date(RECENT).toISOString() });
  await store.close();
}

/** An old session (with a suggestion and big prompts), a session spanning the cutoff, a sessionless event, a new one. */
async function seedEvents(): Promise<void> {
  const hook = await openHookDb(dir);
  const prompt = 'p'.repeat(2000);
  const old = Array.from({ length: 300 }, () => event(OLD, 'old', { event: 'UserPromptSubmit', prompt }));
  const last = insertEvents(hook, old);
  insertSuggestions(hook, [
    { eventId: last, sessionId: 'old', atMs: OLD, kind: 'tool', ref: 'srv/a', score: 9 },
  ]);
  insertEvents(hook, [
    event(OLD, 'old'),
    event(OLD, 'straddle'),
    event(RECENT, 'straddle'),
    event(OLD, null),
  ]);
  insertEvents(hook, [event(RECENT, 'new')]);
  hook.close();
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-discovery-db-'));
  settings = testSettings({ cwd: dir, flags: { dataDir: dir } });
  await seedCatalog();
  await seedEvents();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('maintain db', () => {
  it('reads ages as <n>d or <n>h and says what it expects otherwise', () => {
    expect(parseAge('180d')).toEqual({ ok: true, ms: 180 * DAY });
    expect(parseAge('12h')).toEqual({ ok: true, ms: 12 * 3_600_000 });
    for (const bad of ['6m', '12w', '0d', '1.5d', 'd', ''])
      expect(parseAge(bad)).toEqual({
        ok: false,
        message: `--older-than ${bad}: expected <n>d or <n>h, e.g. 180d or 12h`,
      });
  });

  it('archives whole old sessions, their suggestions and long-removed entries, then compacts', async () => {
    // Space freed by a deletion (as `hooks test` cleans up its sample session) is what VACUUM gives back.
    const hook = await openHookDb(dir);
    insertEvents(
      hook,
      Array.from({ length: 300 }, () => event(RECENT, 'filler', { prompt: 'f'.repeat(2000) })),
    );
    hook.prepare("DELETE FROM hook_events WHERE session_id = 'filler'").run();
    hook.close();
    const liveBefore = (await loadLearned(settings, NOW.getTime())).events.length;
    const r = await archiveDb({ settings, olderThanMs: 90 * DAY, now: NOW });
    expect(r).toMatchObject({
      action: 'archive',
      cutoff: new Date(NOW.getTime() - 90 * DAY).toISOString(),
      // 301 events of session "old" and the sessionless one; "straddle" has a recent event, so it stays whole.
      moved: { hook_events: 302, hook_suggestions: 1, entries: 1 },
      inArchive: { hook_events: 302, hook_suggestions: 1, entries: 1 },
    });
    // The archive is in the same file, so only the freed pages go: a third of the data here.
    expect(r.sizeAfter).toBeLessThan(r.sizeBefore * 0.75);
    expect(r.sizeAfter).toBe(statSync(dbFile(dir)).size);
    expect(count('PRAGMA freelist_count')).toBe(0);
    // The learning reads only the live table: the archived events no longer count.
    const learned = await loadLearned(settings, NOW.getTime());
    expect(learned.events.length).toBe(liveBefore - 302);
    expect(new Set(learned.events.map((e) => e.sessionId))).toEqual(new Set(['straddle', 'new']));
    expect(learned.acceptance.suggested).toBe(0);
    // Archived rows stay queryable; b was removed after the cutoff and stays live.
    expect(count("SELECT count(*) FROM archived_hook_events WHERE session_id = 'old'")).toBe(301);
    expect(count("SELECT group_concat(key) FROM archived_entries WHERE kind = 'tool'")).toBe('c');
    expect(count('SELECT group_concat(key) FROM entries WHERE removed_at IS NOT NULL')).toBe('b');
  });

  it('--restore-archive puts rows back; suggestions follow their event, a re-listed entry stays archived', async () => {
    await archiveDb({ settings, olderThanMs: DAY, now: new Date(RECENT + 2 * DAY) });
    expect(count('SELECT count(*) FROM hook_events')).toBe(0);
    // Ids restart in an empty table: the restored events cannot keep theirs, and c is listed again meanwhile.
    const hook = await openHookDb(dir);
    insertEvents(hook, [event(RECENT + 3 * DAY, 'later')]);
    hook.close();
    const store = await openSqliteStore(dbFile(dir));
    await store.recordRun({
      ...run([report('srv', { tools: [tool('a'), tool('c')] })]),
      startedAt: new Date(RECENT + DAY).toISOString(),
    });
    await store.close();

    const r = await restoreArchive({ settings });
    expect(r).toMatchObject({
      action: 'restore',
      moved: { hook_events: 305, hook_suggestions: 1, entries: 1 },
      inArchive: { hook_events: 0, hook_suggestions: 0, entries: 1 },
    });
    expect(count('SELECT count(*) FROM hook_events')).toBe(306);
    // The suggestion points at its event's new id, so acceptance can still be measured.
    expect(
      count(
        "SELECT e.session_id FROM hook_suggestions s JOIN hook_events e ON e.id = s.event_id WHERE s.ref = 'srv/a'",
      ),
    ).toBe('old');
    expect(count('SELECT group_concat(key) FROM archived_entries')).toBe('c');
    expect(count("SELECT count(*) FROM entries WHERE key = 'b' AND removed_at IS NOT NULL")).toBe(1);
  });

  it('moves in one transaction: a failure part way leaves every row where it was', async () => {
    const w = new Database(dbFile(dir));
    w.exec('DROP TABLE archived_entries');
    w.close();
    await expect(archiveDb({ settings, olderThanMs: 90 * DAY, now: NOW })).rejects.toThrow(
      /archived_entries/,
    );
    expect(count('SELECT count(*) FROM hook_events')).toBe(305);
    expect(count('SELECT count(*) FROM archived_hook_events')).toBe(0);
    expect(count('SELECT count(*) FROM hook_suggestions')).toBe(1);
  });

  it('refuses a data directory without a database, and creates none', async () => {
    const empty = testSettings({ cwd: dir, flags: { dataDir: join(dir, 'none') } });
    await expect(archiveDb({ settings: empty, olderThanMs: DAY })).rejects.toBeInstanceOf(DbMaintenanceError);
    expect(existsSync(dbFile(join(dir, 'none')))).toBe(false);
  });

  it('traces the task as mcp_discovery.maintenance db', async () => {
    const otel = installTestTelemetry();
    try {
      await archiveDb({ settings, olderThanMs: 90 * DAY, now: NOW });
      expect(otel.spans().map((s) => [s.name, s.attributes['mcp_discovery.maintenance.task']])).toEqual([
        ['mcp_discovery.maintenance db', 'db'],
      ]);
    } finally {
      await otel.shutdown();
    }
  });
});
