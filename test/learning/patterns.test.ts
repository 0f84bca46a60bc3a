import { describe, expect, it } from 'vitest';
import { acceptance, type Suggestion } from '../../src/learning/acceptance.js';
import { minePatterns } from '../../src/learning/patterns.js';
import { sessionsOf } from '../../src/learning/sessions.js';
import { matchWorkflows } from '../../src/learning/workflows.js';
import { call, ev, NOW, prompt } from './helpers.js';

const events = [
  prompt('s1', 'find stale issues'),
  ...call('s1', 'mcp__github__list_issues'),
  ...call('s1', 'mcp__github__add_labels'),
  ...call('s1', 'Bash'),
  prompt('s2', 'label old issues'),
  ...call('s2', 'mcp__github__list_issues'),
  ...call('s2', 'mcp__github__list_issues'),
  ...call('s2', 'mcp__github__add_labels', 'failure'),
  ...call('s2', 'mcp__github__comment'),
  ...call('s3', 'Read'),
  ...call('s3', 'Edit'),
  ...call('s4', 'mcp__github__list_issues'),
  ...call('s4', 'mcp__github__comment', 'failure'),
  ev('SessionEnd', { sessionId: 's4' }),
];

describe('sessions and workflow patterns', () => {
  it('orders each session, merges a call repeated at once, and judges its outcome', () => {
    const sessions = new Map(sessionsOf(events).map((s) => [s.id, s]));
    expect(sessions.get('s2')?.steps.map((s) => s.ref)).toEqual([
      'github/list_issues',
      'github/add_labels',
      'github/comment',
    ]);
    // s2: 1 of 4 calls failed and the last succeeded; s4: its last call failed.
    expect([...sessions.values()].map((s) => [s.id, s.outcome, s.ended])).toEqual([
      ['s1', 'success', false],
      ['s2', 'success', false],
      ['s3', 'success', false],
      ['s4', 'failure', true],
    ]);
    expect(sessions.get('s1')?.prompts).toEqual([{ text: 'find stale issues', beforeStep: 0 }]);
  });

  it('mines sequences with support, confidence, effectiveness and the prompts that started them', () => {
    const patterns = minePatterns(sessionsOf(events), { minSupport: 2 });
    expect(patterns).toEqual([
      {
        sequence: ['github/list_issues', 'github/add_labels'],
        support: 2,
        occurrences: 2,
        // list_issues occurs in 3 sessions, followed by add_labels in 2.
        confidence: 2 / 3,
        // both sessions succeeded: (1 + 2) / (2 + 2)
        effectiveness: 0.75,
        prompts: ['find stale issues', 'label old issues'],
        lastSeenMs: NOW,
      },
    ]);
    expect(minePatterns(sessionsOf(events), { minSupport: 1 }).map((p) => p.sequence.join(' '))).toContain(
      'github/list_issues github/add_labels Bash',
    );
  });

  it('matches a task to patterns by the words of their prompts and tools', () => {
    const patterns = minePatterns(sessionsOf(events), { minSupport: 2 });
    expect(matchWorkflows('label the stale issues', patterns).map((m) => m.pattern.sequence)).toEqual([
      ['github/list_issues', 'github/add_labels'],
    ]);
    expect(matchWorkflows('bake a cake', patterns)).toEqual([]);
  });
});

describe('suggestion acceptance', () => {
  it('counts a suggestion accepted when the same session uses it afterwards', () => {
    const used = [
      ev('UserPromptSubmit', { sessionId: 'x', prompt: 'file an issue about the notes' }),
      ...call('x', 'mcp__d__call_tool', 'success', { via: 'github/create_issue' }),
      ev('UserPromptSubmit', { sessionId: 'x', prompt: 'now look at @fs:file:///notes.md' }),
      ...call('x', 'mcp__github__list_issues'),
      ...call('y', 'mcp__github__list_issues'),
      ev('UserPromptSubmit', { sessionId: 'y', prompt: 'list them' }),
    ];
    const at = (i: number) => (used[i] as { id: number }).id;
    const s = (eventId: number, sessionId: string, kind: Suggestion['kind'], ref: string): Suggestion => ({
      eventId,
      sessionId,
      atMs: NOW,
      kind,
      ref,
      score: 10,
    });
    const suggestions = [
      s(at(0), 'x', 'tool', 'github/create_issue'),
      s(at(0), 'x', 'resource', '@fs:file:///notes.md'),
      s(at(0), 'x', 'prompt', '/mcp__github__triage'),
      s(at(3), 'x', 'tool', 'github/create_issue'),
      // used in y only before it was suggested, and in x (another session)
      s(at(7), 'y', 'tool', 'github/list_issues'),
    ];
    expect(acceptance(suggestions, used)).toEqual({
      suggested: 4,
      accepted: 2,
      rate: 0.5,
      byKind: {
        tool: { suggested: 2, accepted: 1 },
        resource: { suggested: 1, accepted: 1 },
        prompt: { suggested: 1, accepted: 0 },
      },
    });
    expect(acceptance([], used).rate).toBeNull();
  });
});
