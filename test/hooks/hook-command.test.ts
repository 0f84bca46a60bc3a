import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { HOOK_FIXTURES, hookFixture, logLines, rows, runCliAs, runHook, tempDirs } from './helpers.js';

const dir = tempDirs();
const fixtures = readdirSync(HOOK_FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

describe('mcp-discovery hook', () => {
  it('records every event type of a session, in order, and prints nothing for Claude', async () => {
    const data = dir();
    const order = [
      'session-start',
      'user-prompt-submit',
      'pre-tool-use',
      'post-tool-use',
      'post-tool-use-is-error',
      'post-tool-use-failure',
      'post-tool-use-call-tool',
      'notification',
      'stop',
      'session-end',
    ];
    expect(new Set(order)).toEqual(new Set(fixtures.filter((f) => f !== 'pre-tool-use-bash')));
    for (const name of order) {
      const r = await runHook(data, hookFixture(name));
      expect({ name, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
        name,
        code: 0,
        stdout: '',
        stderr: '',
      });
    }
    const recorded = rows(data).map((r) => [r.event, r.tool_name, r.outcome]);
    expect(recorded).toEqual([
      ['SessionStart', null, null],
      ['UserPromptSubmit', null, null],
      ['PreToolUse', 'mcp__github__list_issues', null],
      ['PostToolUse', 'mcp__github__list_issues', 'success'],
      ['PostToolUse', 'mcp__github__add_labels', 'failure'],
      ['PostToolUseFailure', 'Bash', 'failure'],
      ['PostToolUse', 'mcp__mcp-discovery__call_tool', 'success'],
      ['Notification', null, null],
      ['Stop', null, null],
      ['SessionEnd', null, null],
    ]);
    const all = rows(data);
    expect(new Set(all.map((r) => r.session_id))).toEqual(new Set(['8c35adc1-5d2e-4b8a-9a61-0f4c2d7e1b10']));
    expect(all[1]?.prompt).toBe('list the open issues in the repository and label the stale ones');
    expect(all[3]?.tool_use_id).toBe('toolu_01ABCDEF0123456789abcdef');
    expect(JSON.parse(all[5]?.detail ?? '{}')).toEqual({
      error: 'Command exited with non-zero status code 1',
    });
    expect(JSON.parse(all[6]?.detail ?? '{}')).toEqual({ via: 'github/create_issue' });
    expect(JSON.parse(all[9]?.detail ?? '{}')).toEqual({ reason: 'prompt_input_exit' });
    // Tool inputs and results are not kept.
    expect(JSON.stringify(all)).not.toContain('Crash on start');
    expect(all.every((r) => typeof r.handle_ms === 'number' && r.handle_ms > 0)).toBe(true);
    // Only the event the learning does not read leaves a log line.
    expect(logLines(data)).toEqual([
      expect.stringMatching(/info Notification session=\S+ recorded an event/),
    ]);
  });

  it.each([
    ['malformed', 'this is not json', /ignored input: stdin is not valid JSON \(16 characters read/],
    [
      'truncated',
      hookFixture('post-tool-use').slice(0, 120),
      /ignored input: stdin is not valid JSON .*cut short/,
    ],
    ['empty', '', /ignored input: stdin was empty/],
    ['an array', '[1, 2]', /ignored input: stdin: expected a JSON object/],
    [
      'without an event name',
      '{"session_id": "s"}',
      /ignored input: hook_event_name: expected a non-empty string/,
    ],
  ])('exits 0 on %s input, records nothing and logs why', async (_what, input, line) => {
    const data = dir();
    mkdirSync(data, { recursive: true });
    const r = await runHook(data, input);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(rows(data)).toEqual([]);
    expect(logLines(data)).toEqual([expect.stringMatching(line)]);
    // The log never quotes the input: it may be a private prompt.
    expect(logLines(data).join('\n')).not.toContain('this is not json');
  });

  it('records an event it does not know, with a log line', async () => {
    const data = dir();
    const r = await runHook(data, JSON.stringify({ session_id: 's1', hook_event_name: 'FutureEvent', x: 1 }));
    expect(r.code).toBe(0);
    expect(rows(data).map((x) => x.event)).toEqual(['FutureEvent']);
    expect(logLines(data)).toEqual([expect.stringMatching(/info FutureEvent session=s1 recorded an event/)]);
  });

  it('loses no event when 50 hooks fire at once', async () => {
    const data = dir();
    await runHook(data, hookFixture('session-start'));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        runHook(
          data,
          JSON.stringify({
            session_id: 'parallel',
            hook_event_name: 'PostToolUse',
            tool_name: `mcp__srv__tool_${i}`,
            tool_use_id: `toolu_${i}`,
            tool_input: {},
            tool_response: { content: [] },
          }),
        ),
      ),
    );
    expect(results.map((r) => r.code)).toEqual(Array(50).fill(0));
    const parallel = rows(data).filter((r) => r.session_id === 'parallel');
    expect(parallel).toHaveLength(50);
    expect(new Set(parallel.map((r) => r.tool_use_id)).size).toBe(50);
    expect(existsSync(join(data, 'hooks.spool.jsonl'))).toBe(false);
  });

  it('exits 0 with a clear line when the data directory is read-only', async () => {
    const data = dir();
    await runHook(data, hookFixture('session-start'));
    chmodSync(data, 0o555);
    try {
      const args = ['hook', '--data-dir', data];
      const input = hookFixture('post-tool-use');
      // Root writes anywhere: run the hook as nobody, for whom the directory really is read-only.
      const r = process.getuid?.() === 0 ? await runCliAs(65534, args, input) : await runHook(data, input);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /mcp-discovery hook: .* error PostToolUse session=\S+ cannot record PostToolUse event: data directory .* is not writable .*fix its permissions/,
      );
    } finally {
      chmodSync(data, 0o700);
    }
    expect(rows(data).map((r) => r.event)).toEqual(['SessionStart']);
  });

  it('spools an event the locked database cannot take in time, and the next hook moves it in', async () => {
    const data = dir();
    await runHook(data, hookFixture('session-start'));
    const holder = new Database(join(data, 'mcp-discovery.db'));
    holder.exec('BEGIN IMMEDIATE');
    try {
      const r = await runHook(data, hookFixture('pre-tool-use'));
      expect([r.code, r.stdout]).toEqual([0, '']);
      expect(readFileSync(join(data, 'hooks.spool.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
      expect(logLines(data).at(-1)).toMatch(
        /warn PreToolUse session=\S+ database unavailable, event spooled: .*locked/,
      );
    } finally {
      holder.exec('COMMIT');
      holder.close();
    }
    await runHook(data, hookFixture('post-tool-use'));
    expect(rows(data).map((r) => r.event)).toEqual(['SessionStart', 'PostToolUse', 'PreToolUse']);
    expect(existsSync(join(data, 'hooks.spool.jsonl'))).toBe(false);
  });

  it('creates its data directory and database on first use', async () => {
    const data = join(dir(), 'new', 'data');
    const r = await runHook(data, hookFixture('user-prompt-submit'));
    expect(r.code).toBe(0);
    expect(rows(data).map((x) => x.event)).toEqual(['UserPromptSubmit']);
  });
});
