import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli.js';
import { hookFixture, rows, runHook, tempDirs } from './helpers.js';

const dir = tempDirs();

const tools = [
  {
    server: 'github',
    name: 'list_issues',
    description: 'List the open or closed issues of a GitHub repository',
  },
  { server: 'github', name: 'add_labels', description: 'Add labels to an issue of a GitHub repository' },
  { server: 'github', name: 'create_issue', description: 'Create a new issue in a GitHub repository' },
  { server: 'weather', name: 'forecast', description: 'Weather forecast for a city' },
].map((t) => ({ ...t, inputSchema: { type: 'object' } }));

/** A data directory whose catalog holds the tools above, as `index import` loads them. */
async function catalogDir(): Promise<string> {
  const data = dir();
  const file = join(data, 'tools.jsonl');
  writeFileSync(file, tools.map((t) => JSON.stringify(t)).join('\n'));
  const r = await runCli(['--data-dir', data, 'index', 'import', file, '--json']);
  expect(r.code).toBe(0);
  return data;
}

const cli = (data: string, args: string[]) => runCli(['--data-dir', data, ...args], { HOME: data });

describe('context back to Claude', () => {
  it('is off by default: the hook prints nothing', async () => {
    const data = await catalogDir();
    const r = await runHook(data, hookFixture('user-prompt-submit'));
    expect([r.code, r.stdout]).toEqual([0, '']);
  });

  it('when switched on, answers a prompt with the best entries as additionalContext, and counts acceptance', async () => {
    const data = await catalogDir();
    writeFileSync(
      join(data, 'hooks.json'),
      JSON.stringify({ contextEnabled: true, minScore: 1, maxSuggestions: 2 }),
    );
    const r = await runHook(data, hookFixture('user-prompt-submit'));
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer.hookSpecificOutput.hookEventName).toBe('UserPromptSubmit');
    const context: string = answer.hookSpecificOutput.additionalContext;
    expect(context.split('\n')).toHaveLength(3);
    expect(context).toContain('- github/list_issues (tool mcp__github__list_issues)');
    expect(context).not.toContain('weather');

    // Claude then calls the suggested tool in the same session: the suggestion was accepted.
    await runHook(data, hookFixture('pre-tool-use'));
    await runHook(data, hookFixture('post-tool-use'));
    const report = JSON.parse((await cli(data, ['analytics', '--json'])).stdout);
    expect(report.workflows.suggestions).toEqual({ suggested: 2, accepted: 1, acceptanceRate: 0.5 });
  });

  it('suggests an MCP tool before a shell command that one could replace, and stays quiet under the threshold', async () => {
    const data = await catalogDir();
    const on = { MCP_DISCOVERY_HOOK_CONTEXT: '1' };
    writeFileSync(join(data, 'hooks.json'), JSON.stringify({ contextEnabled: false, minScore: 0.5 }));
    const r = await runHook(data, hookFixture('pre-tool-use-bash'), on);
    const answer = JSON.parse(r.stdout);
    expect(answer.hookSpecificOutput.hookEventName).toBe('PreToolUse');
    expect(answer.hookSpecificOutput).not.toHaveProperty('permissionDecision');
    expect(answer.hookSpecificOutput.additionalContext).toContain('github/list_issues');

    writeFileSync(join(data, 'hooks.json'), JSON.stringify({ contextEnabled: true, minScore: 1000 }));
    const quiet = await runHook(data, hookFixture('user-prompt-submit'));
    expect([quiet.code, quiet.stdout]).toEqual([0, '']);
    expect(rows(data).map((x) => x.event)).toEqual(['PreToolUse', 'UserPromptSubmit']);
  });
});

describe('analytics and patterns review', () => {
  /** Two sessions that list issues then label them, from the fixtures with a second session id. */
  async function twoSessions(data: string) {
    for (const session of ['a', 'b'])
      for (const name of [
        'user-prompt-submit',
        'pre-tool-use',
        'post-tool-use',
        'post-tool-use-is-error',
        'stop',
      ]) {
        const event = { ...JSON.parse(hookFixture(name)), session_id: session };
        expect((await runHook(data, JSON.stringify(event))).code).toBe(0);
      }
  }

  it('analytics --json has the four sections with the documented keys', async () => {
    const data = await catalogDir();
    await twoSessions(data);
    const r = await cli(data, ['analytics', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual([
      'generatedAt',
      'discovery',
      'performance',
      'workflows',
      'resources',
    ]);
    expect(report.discovery.catalog).toMatchObject({ tools: 4 });
    expect(report.performance.hook.events).toBe(10);
    expect(report.performance.hook.p50Ms).toBeGreaterThan(0);
    expect(report.workflows).toMatchObject({ sessions: 2, successfulSessions: 0, patterns: 1 });
    expect(report.workflows.top[0]).toEqual({
      sequence: ['github/list_issues', 'github/add_labels'],
      support: 2,
      confidence: 1,
      effectiveness: 0.25,
    });
    expect(report.workflows.tools).toContainEqual(
      expect.objectContaining({ ref: 'github/add_labels', calls: 2, failures: 2, successRate: 0.25 }),
    );
    expect(report.resources).toEqual({ reads: [], mentions: [], promptCommands: [] });
    const text = await cli(data, ['analytics']);
    expect(text.stdout).toMatch(/^discovery\n.*\nperformance\n/s);
  });

  it('patterns review lists patterns, failing tools and recommendations', async () => {
    const data = await catalogDir();
    await twoSessions(data);
    await runHook(
      data,
      JSON.stringify({ ...JSON.parse(hookFixture('post-tool-use-is-error')), session_id: 'c' }),
    );
    const review = JSON.parse((await cli(data, ['patterns', 'review', '--json'])).stdout);
    expect(review.topPatterns.map((p: { sequence: string[] }) => p.sequence)).toEqual([
      ['github/list_issues', 'github/add_labels'],
    ]);
    expect(review.topPatterns[0].prompts).toEqual([
      'list the open issues in the repository and label the stale ones',
    ]);
    expect(review.failingTools).toEqual([
      { ref: 'github/add_labels', calls: 3, failures: 3, successRate: expect.closeTo(1 / 5, 5) },
    ]);
    expect(review.recommendations[0]).toMatch(/^github\/add_labels failed 3 of 3 calls/);
    const text = await cli(data, ['patterns', 'review']);
    expect(text.stdout).toContain('github/list_issues → github/add_labels');
  });
});
