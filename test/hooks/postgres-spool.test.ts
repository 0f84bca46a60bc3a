/**
 * The hook on `store.backend: postgres` when the database fails it: unreachable, refusing the credentials, refusing a
 * row, stalling. The event is spooled (exit 0, within the watchdog, the password never logged) and the next hook
 * that reaches the database moves the spool in, each event once; a spool a killed hook had claimed is not lost.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, pgEnv } from '../helpers/postgres.js';
import { usePostgres } from '../store/helpers.js';
import { hookFixture, logLines, runHook, tempDirs } from './helpers.js';
import { closedPort, pgEvents, query, spoolLines, withUrl } from './pg-helpers.js';

const cluster = usePostgres();
const dir = tempDirs('mcp-discovery-hooks-pg-');
let url: string;
beforeEach(async () => {
  url = await createDatabase(cluster());
});

/** src/store/postgres/migrations.ts's lock: held, it stalls a first hook's migration. */
const MIGRATION_LOCK = 0x6d63_7064_6d69_67n.toString();

describe('hook on PostgreSQL, when the database fails it', () => {
  it('spools events while PostgreSQL is down (exit 0, quickly), then the next hook moves them in, once', async () => {
    const data = dir();
    const down = withUrl(url, { port: await closedPort() });
    for (const name of ['session-start', 'user-prompt-submit', 'pre-tool-use']) {
      const t = performance.now();
      const r = await runHook(data, hookFixture(name), pgEnv(down));
      expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
      expect(performance.now() - t).toBeLessThan(5_000);
    }
    expect(spoolLines(data)).toHaveLength(3);
    expect(logLines(data).at(-1)).toMatch(
      / warn .*PostgreSQL at 127\.0\.0\.1:\d+\/\w+ unavailable, event spooled: ECONNREFUSED/,
    );
    expect(await query(url, "SELECT to_regclass('hook_events') AS t")).toEqual([{ t: null }]);

    const r = await runHook(data, hookFixture('post-tool-use'), pgEnv(url));
    expect(r.code).toBe(0);
    expect((await pgEvents(url)).map((e) => e.event)).toEqual([
      'SessionStart',
      'UserPromptSubmit',
      'PreToolUse',
      'PostToolUse',
    ]);
    expect(spoolLines(data)).toEqual([]);
    expect(logLines(data).at(-1)).toContain('moved 3 spooled events into PostgreSQL');

    // A spool line for an event that is already stored (a hook killed after its insert): not stored twice.
    const [stored] = await query<{ key: string }>(url, 'SELECT key FROM hook_events ORDER BY id LIMIT 1');
    const again = {
      key: stored?.key,
      at: new Date().toISOString(),
      at_ms: Date.now(),
      event: 'SessionStart',
    };
    const empty = { session_id: null, tool_use_id: null, tool_name: null, outcome: null, prompt: null };
    const row = { ...again, ...empty, detail: null, cwd: null, handle_ms: null };
    appendFileSync(join(data, 'hooks.spool.jsonl'), `${JSON.stringify(row)}\n`);
    await runHook(data, hookFixture('stop'), pgEnv(url));
    const events = await pgEvents(url);
    expect(events.map((e) => e.event)).toEqual([
      'SessionStart',
      'UserPromptSubmit',
      'PreToolUse',
      'PostToolUse',
      'Stop',
    ]);
    expect(new Set(events.map((e) => e.key)).size).toBe(5);
  });

  it('spools on refused credentials and never writes the password to hooks.log', async () => {
    const data = dir();
    const password = 'not-the-password-4f1d';
    const r = await runHook(data, hookFixture('session-start'), pgEnv(withUrl(url, { password })));
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(spoolLines(data)).toHaveLength(1);
    const log = readFileSync(join(data, 'hooks.log'), 'utf8');
    expect(log).toContain('password authentication failed');
    expect(log).not.toContain(password);
    expect(log).not.toContain(cluster().password);
    await runHook(data, hookFixture('stop'), pgEnv(url));
    expect((await pgEvents(url)).map((e) => e.event)).toEqual(['SessionStart', 'Stop']);
  });

  it('moves a spool a killed hook had claimed, and stores a prompt PostgreSQL text could not hold as is', async () => {
    const data = dir();
    await runHook(data, hookFixture('session-start'), pgEnv(withUrl(url, { port: await closedPort() })));
    // Claimed by a process that no longer exists (pid 2^22 + 1 is above Linux's pid_max default).
    const orphan = join(data, `hooks.spool.jsonl.${2 ** 22 + 1}.draining`);
    writeFileSync(orphan, readFileSync(join(data, 'hooks.spool.jsonl')));
    writeFileSync(join(data, 'hooks.spool.jsonl'), '');
    // A NUL, and a prompt cut (at 2,000 UTF-16 units) in the middle of an emoji's surrogate pair.
    const prompt = `nul\u0000here ${'x'.repeat(1990)}😀 and more`;
    const input = JSON.stringify({ ...JSON.parse(hookFixture('user-prompt-submit')), prompt });
    expect((await runHook(data, input, pgEnv(url))).code).toBe(0);
    const events = await query<{ event: string; prompt: string | null }>(
      url,
      'SELECT event, prompt FROM hook_events ORDER BY id',
    );
    expect(events.map((e) => e.event)).toEqual(['SessionStart', 'UserPromptSubmit']);
    expect(events[1]?.prompt).toBe(`nulhere ${'x'.repeat(1990)}\uFFFD`);
    expect(existsSync(orphan)).toBe(false);
  });

  it('keeps a spooled row PostgreSQL refuses in the spool, and still stores the events after it', async () => {
    const data = dir();
    await runHook(data, hookFixture('session-start'), pgEnv(withUrl(url, { port: await closedPort() })));
    const [line] = spoolLines(data);
    writeFileSync(
      join(data, 'hooks.spool.jsonl'),
      `${JSON.stringify({ ...JSON.parse(line ?? ''), outcome: 'bogus' })}\n`,
    );
    for (const name of ['stop', 'session-end'])
      expect((await runHook(data, hookFixture(name), pgEnv(url))).code).toBe(0);
    expect((await pgEvents(url)).map((e) => e.event)).toEqual(['Stop', 'SessionEnd']);
    expect(spoolLines(data)).toHaveLength(1);
    expect(logLines(data).at(-1)).toMatch(
      / error .*spooled events refused by PostgreSQL, kept in the spool: 23514/,
    );
  });

  it('keeps the event when the database stalls it (the migration lock held by another instance)', async () => {
    const data = dir();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const t = performance.now();
      const r = await runHook(data, hookFixture('session-start'), pgEnv(url));
      const ms = performance.now() - t;
      expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
      // Within Claude Code's 10 s (and our 8 s watchdog), the event spooled and the reason logged.
      expect(ms).toBeLessThan(8_000);
      expect(spoolLines(data)).toHaveLength(1);
      expect(logLines(data).at(-1)).toMatch(/ warn .*unavailable, event spooled: /);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    await runHook(data, hookFixture('stop'), pgEnv(url));
    expect((await pgEvents(url)).map((e) => e.event)).toEqual(['SessionStart', 'Stop']);
  });
});
