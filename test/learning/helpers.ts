import type { LearningEvent } from '../../src/learning/events.js';

export const DAY = 86_400_000;
export const NOW = 100 * DAY;

let nextId = 1;

/** A recorded hook event; ids grow in the order events are made, as rows do. */
export function ev(
  event: string,
  over: Partial<Omit<LearningEvent, 'id' | 'event' | 'detail'>> & { via?: string } = {},
): LearningEvent {
  const { via, ...rest } = over;
  return { id: nextId++, atMs: NOW, event, detail: via ? { via } : {}, ...rest };
}

/** A completed call: PreToolUse then PostToolUse (or PostToolUseFailure) `ms` later. */
export function call(
  session: string,
  toolName: string,
  outcome: 'success' | 'failure' = 'success',
  over: { atMs?: number; ms?: number; via?: string } = {},
): LearningEvent[] {
  const at = over.atMs ?? NOW;
  const toolUseId = `toolu_${nextId}`;
  const base = { sessionId: session, toolName, toolUseId, ...(over.via && { via: over.via }) };
  return [
    ev('PreToolUse', { ...base, atMs: at - (over.ms ?? 0) }),
    ev(outcome === 'failure' ? 'PostToolUseFailure' : 'PostToolUse', { ...base, atMs: at, outcome }),
  ];
}

export const prompt = (session: string, text: string) =>
  ev('UserPromptSubmit', { sessionId: session, prompt: text });
