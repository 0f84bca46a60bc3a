import type { Suggestion } from '../../src/learning/acceptance.js';
import type { HookEventRow } from '../../src/learning/schema.js';

/**
 * Fixture sessions as the hook records them (hook_events rows and hook_suggestions), to record the very same
 * usage into both backends: a team that lists issues then labels them, proxies a call through call_tool, reads a
 * resource, fails with the weather tool, and takes some of the suggestions it was given.
 */
export const T0 = Date.UTC(2025, 0, 6, 9);
export const NOW_MS = T0 + 3 * 86_400_000;

export interface Recorded {
  events: HookEventRow[];
  /** `eventId` is the 1-based position of the prompt event in `events`: its id in a fresh database. */
  suggestions: Suggestion[];
}

export function recordedSessions(): Recorded {
  const events: HookEventRow[] = [];
  const suggestions: Suggestion[] = [];
  const add = (session: string, event: string, over: Partial<HookEventRow> = {}) => {
    const atMs = T0 + events.length * 61_000 + (events.length % 5) * 7;
    events.push({
      key: `fixture-${events.length}`,
      at: new Date(atMs).toISOString(),
      at_ms: atMs,
      event,
      session_id: session,
      tool_use_id: null,
      tool_name: null,
      outcome: null,
      prompt: null,
      detail: null,
      cwd: '/home/user/app',
      handle_ms: 11 + (events.length % 9) * 1.25,
      ...over,
    });
    return events.length;
  };
  const call = (session: string, tool: string, outcome: 'success' | 'failure', via?: string) => {
    const id = `toolu_${events.length}`;
    const detail = via ? JSON.stringify({ via }) : null;
    add(session, 'PreToolUse', { tool_use_id: id, tool_name: tool, detail });
    add(session, outcome === 'failure' ? 'PostToolUseFailure' : 'PostToolUse', {
      tool_use_id: id,
      tool_name: tool,
      outcome,
      detail: outcome === 'failure' ? JSON.stringify({ error: 'timed out', ...(via && { via }) }) : detail,
    });
  };
  for (let s = 0; s < 4; s++) {
    const session = `session-${s}`;
    add(session, 'SessionStart', { detail: JSON.stringify({ source: 'startup' }) });
    const prompt = add(session, 'UserPromptSubmit', { prompt: `list the open issues and label them (${s})` });
    suggestions.push(
      { eventId: prompt, sessionId: session, atMs: T0, kind: 'tool', ref: 'github/list_issues', score: 2.5 },
      { eventId: prompt, sessionId: session, atMs: T0, kind: 'tool', ref: 'weather/forecast', score: 1.1 },
    );
    call(session, 'mcp__github__list_issues', 'success');
    call(session, 'mcp__github__add_labels', s === 3 ? 'failure' : 'success');
    if (s % 2 === 0) call(session, 'mcp__discovery__call_tool', 'success', 'github/create_issue');
    call(session, 'ReadMcpResourceTool', 'success', '@docs:file:///guide.md');
    if (s < 3) call(session, 'mcp__weather__forecast', 'failure');
    add(session, 'Notification');
    add(session, 'SessionEnd', { detail: JSON.stringify({ reason: 'exit' }) });
  }
  add('session-9', 'UserPromptSubmit', { prompt: 'use @docs:file:///guide.md and /mcp__docs__summarize' });
  add('', 'Stop', { session_id: null });
  return { events, suggestions };
}
