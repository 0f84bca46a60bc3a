import { describe, expect, it } from 'vitest';
import { decay, parseMcpToolName, usedRef } from '../../src/learning/events.js';
import { priorOf, refOfEntryId, usagePriors } from '../../src/learning/priors.js';
import { toolStats } from '../../src/learning/tool-stats.js';
import { call, DAY, NOW } from './helpers.js';

describe('tool statistics', () => {
  it('names what a call used: MCP tools as server/tool, proxied calls by their target, built-ins as they are', () => {
    expect(parseMcpToolName('mcp__github__create_issue')).toEqual({ server: 'github', tool: 'create_issue' });
    expect(parseMcpToolName('mcp__my-server__a__b')).toEqual({ server: 'my-server', tool: 'a__b' });
    expect(usedRef({ toolName: 'mcp__github__create_issue', detail: {} })).toBe('github/create_issue');
    expect(usedRef({ toolName: 'mcp__d__call_tool', detail: { via: 'github/list_issues' } })).toBe(
      'github/list_issues',
    );
    expect(usedRef({ toolName: 'Bash', detail: {} })).toBe('Bash');
  });

  it('decays by half each half-life', () => {
    expect(decay(NOW, NOW, 10)).toBe(1);
    expect(decay(NOW - 10 * DAY, NOW, 10)).toBe(0.5);
    expect(decay(NOW - 20 * DAY, NOW, 10)).toBe(0.25);
    expect(decay(NOW + DAY, NOW, 10)).toBe(1);
  });

  it('counts calls, outcomes and durations, with a Beta(1,1)-smoothed, decayed success rate', () => {
    const events = [
      ...call('s', 'mcp__github__list_issues', 'success', { atMs: NOW, ms: 120 }),
      ...call('s', 'mcp__github__list_issues', 'success', { atMs: NOW - 10 * DAY, ms: 80 }),
      ...call('s', 'mcp__github__list_issues', 'failure', { atMs: NOW - 20 * DAY }),
    ];
    const s = toolStats(events, { nowMs: NOW, halfLifeDays: 10 }).get('github/list_issues');
    // (1 + 1 + 0.5) / (2 + 1 + 0.5 + 0.25) = 2.5 / 3.75
    expect(s).toEqual({
      ref: 'github/list_issues',
      calls: 3,
      successes: 2,
      failures: 1,
      durationMs: { count: 3, mean: (120 + 80 + 0) / 3, p50: 80, max: 120 },
      lastUsedMs: NOW,
      successRate: 2.5 / 3.75,
      evidence: 1.75,
    });
    expect(priorOf(s as NonNullable<typeof s>)).toBeCloseTo(1 / 3, 10);
  });

  it('gives a prior only to entries with a record: never-used ones are left alone', () => {
    const events = [
      ...call('s', 'mcp__fs__read_file'),
      ...call('s', 'ReadMcpResourceTool', 'failure', { via: '@fs:file:///notes.md' }),
    ];
    const priors = usagePriors(toolStats(events, { nowMs: NOW, halfLifeDays: 30 }));
    expect(priors('fs/read_file')).toBeCloseTo(2 * (2 / 3) - 1, 10);
    expect(refOfEntryId('fs/resource:file:///notes.md')).toBe('@fs:file:///notes.md');
    expect(priors('fs/resource:file:///notes.md')).toBeCloseTo(2 * (1 / 3) - 1, 10);
    expect(priors('fs/write_file')).toBeUndefined();
  });
});
