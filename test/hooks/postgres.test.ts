/**
 * The hook on `store.backend: postgres`: many machines (one data directory each) write into one shared database
 * at once and every event lands exactly once; context for Claude comes from the catalog there; `hooks install`
 * points the hook at it. When the database fails the hook: postgres-spool.test.ts.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli.js';
import { createDatabase, pgEnv } from '../helpers/postgres.js';
import { usePostgres } from '../store/helpers.js';
import { hookFixture, logLines, rows, runHook, tempDirs } from './helpers.js';
import { inSession, pgEvents, pooled, query, spoolLines } from './pg-helpers.js';

const cluster = usePostgres();
const dir = tempDirs('mcp-discovery-hooks-pg-');
let url: string;
beforeEach(async () => {
  url = await createDatabase(cluster());
});

const SESSION = ['session-start', 'user-prompt-submit', 'pre-tool-use', 'post-tool-use', 'stop'];

describe('hook on PostgreSQL', () => {
  it('takes 4 machines × 25 events, 8 hooks at a time, into one fresh database: exactly 100 rows, each once', async () => {
    const machines = Array.from({ length: 4 }, () => dir());
    const tasks = machines.flatMap((data, m) =>
      Array.from({ length: 25 }, (_, i) => () => {
        const input = inSession(SESSION[i % SESSION.length] as string, `machine-${m}-session-${i % 3}`);
        return runHook(data, input, pgEnv(url));
      }),
    );
    // Interleaved, so the machines really write at the same time (and race to create the tables).
    const order = tasks
      .map((t, i) => ({ t, k: (i % 25) * 4 + Math.floor(i / 25) }))
      .sort((a, b) => a.k - b.k);
    const results = await pooled(
      8,
      order.map((o) => o.t),
    );
    expect(results.map((r) => [r.code, r.stdout, r.stderr]).filter(([c, o, e]) => c !== 0 || o || e)).toEqual(
      [],
    );
    const events = await pgEvents(url);
    expect(events).toHaveLength(100);
    expect(new Set(events.map((e) => e.key)).size).toBe(100);
    for (const [m, data] of machines.entries()) {
      expect(events.filter((e) => e.session_id?.startsWith(`machine-${m}-`))).toHaveLength(25);
      // Nothing stayed behind on the machine: no spool, no SQLite database, no complaint.
      expect([spoolLines(data), existsSync(join(data, 'mcp-discovery.db'))]).toEqual([[], false]);
      expect(logLines(data).filter((l) => / (warn|error) /.test(l))).toEqual([]);
    }
  });

  it('answers Claude with context from the catalog in PostgreSQL, and records the suggestions there', async () => {
    const data = dir();
    const tools = [
      {
        server: 'github',
        name: 'list_issues',
        description: 'List the open or closed issues of a GitHub repository',
      },
      { server: 'github', name: 'add_labels', description: 'Add labels to an issue of a GitHub repository' },
      { server: 'weather', name: 'forecast', description: 'Weather forecast for a city' },
    ];
    writeFileSync(join(data, 'tools.jsonl'), tools.map((t) => JSON.stringify(t)).join('\n'));
    const imported = await runCli(
      ['--data-dir', data, 'index', 'import', join(data, 'tools.jsonl')],
      pgEnv(url),
    );
    expect(imported.code).toBe(0);
    writeFileSync(
      join(data, 'hooks.json'),
      JSON.stringify({ contextEnabled: true, minScore: 1, maxSuggestions: 2 }),
    );

    const r = await runHook(data, hookFixture('user-prompt-submit'), pgEnv(url));
    expect([r.code, r.stderr]).toEqual([0, '']);
    const context: string = JSON.parse(r.stdout).hookSpecificOutput.additionalContext;
    expect(context).toContain('- github/list_issues (tool mcp__github__list_issues)');
    const suggested = await query<{ ref: string; prompt: string }>(
      url,
      `SELECT s.ref, e.event AS prompt FROM hook_suggestions s JOIN hook_events e ON e.id = s.event_id ORDER BY s.ref`,
    );
    // Both tools, each once, tied to the prompt's event (their order is the ranking's business, not this test's).
    expect(suggested).toEqual([
      { ref: 'github/add_labels', prompt: 'UserPromptSubmit' },
      { ref: 'github/list_issues', prompt: 'UserPromptSubmit' },
    ]);
    expect(rows(data)).toEqual([]);

    // Claude then calls the suggested tool: `analytics` (on PostgreSQL too) counts the suggestion accepted.
    await runHook(data, hookFixture('pre-tool-use'), pgEnv(url));
    await runHook(data, hookFixture('post-tool-use'), pgEnv(url));
    const report = JSON.parse((await runCli(['--data-dir', data, 'analytics', '--json'], pgEnv(url))).stdout);
    expect(report.workflows.suggestions).toEqual({ suggested: 2, accepted: 1, acceptanceRate: 0.5 });
    expect(report.performance.hook.events).toBe(3);
  });

  it('`maintain db` archives old sessions in PostgreSQL, keeps them queryable, and puts them back', async () => {
    const data = dir();
    const env = { HOME: data, ...pgEnv(url) };
    const old = Date.now() - 200 * 24 * 3600 * 1000;
    // A hook first: on a fresh database it creates the tables, as on any machine.
    await runHook(data, hookFixture('session-start'), pgEnv(url));
    const live = (await query<{ n: string }>(url, 'SELECT count(*) AS n FROM hook_events'))[0]?.n;
    for (let i = 0; i < 3; i++)
      await query(
        url,
        `INSERT INTO hook_events (key, at, at_ms, event, session_id, tool_name, outcome)
         VALUES ($1, to_timestamp($2 / 1000.0), $2, 'PostToolUse', 'old-session', 'mcp__github__list_issues', 'success')`,
        [`old-${i}`, old + i],
      );
    const archived = await runCli(['--data-dir', data, 'maintain', 'db', '--json'], env);
    expect(archived.code, archived.stderr).toBe(0);
    expect(JSON.parse(archived.stdout)).toMatchObject({
      action: 'archive',
      moved: { hook_events: 3 },
      inArchive: { hook_events: 3 },
    });
    expect((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM hook_events'))[0]?.n).toBe(live);
    expect(
      await query(url, "SELECT key FROM archived_hook_events WHERE session_id = 'old-session' ORDER BY key"),
    ).toEqual([{ key: 'old-0' }, { key: 'old-1' }, { key: 'old-2' }]);
    const restored = await runCli(['--data-dir', data, 'maintain', 'db', '--restore-archive', '--json'], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ action: 'restore', inArchive: { hook_events: 0 } });
    expect(
      (
        await query<{ n: string }>(
          url,
          "SELECT count(*) AS n FROM hook_events WHERE session_id = 'old-session'",
        )
      )[0]?.n,
    ).toBe('3');
    expect(existsSync(join(data, 'mcp-discovery.db'))).toBe(false);
  });

  it('`hooks install` writes the store into hooks.json (owner-only); the hook and `hooks status` follow it', async () => {
    const home = dir();
    const data = join(home, 'data');
    const env = { HOME: home, ...pgEnv(url) };
    const installed = await runCli(['--data-dir', data, 'hooks', 'install'], env);
    expect(installed.code).toBe(0);
    const { password } = cluster();
    expect(installed.stdout).toContain(`events go to: ${new URL(url).protocol}//postgres@`);
    expect(installed.stdout).not.toContain(password);
    const file = join(data, 'hooks.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ backend: 'postgres', postgresUrl: url });

    // Claude Code runs the hook without our environment: hooks.json alone sends it to PostgreSQL.
    expect((await runHook(data, hookFixture('session-start'), { HOME: home })).code).toBe(0);
    expect((await pgEvents(url)).map((e) => e.event)).toEqual(['SessionStart']);
    expect(rows(data)).toEqual([]);
    const status = JSON.parse(
      (await runCli(['--data-dir', data, 'hooks', 'status', '--json'], { HOME: home })).stdout,
    );
    expect(status.store).not.toContain(password);
    expect(status.events).toMatchObject({ recorded: 1, last: expect.any(String) });
    // `hooks test` sends its sample event through PostgreSQL too, and takes it out again.
    const tested = await runCli(['hooks', 'test', '--json'], { HOME: home });
    expect([tested.code, JSON.parse(tested.stdout).recorded]).toEqual([0, true]);
    expect((await pgEvents(url)).map((e) => e.event)).toEqual(['SessionStart']);
  });
});
