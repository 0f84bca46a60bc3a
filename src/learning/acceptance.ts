import { isToolEvent, type LearningEvent, usedRef } from './events.js';
import { eventsBySession } from './sessions.js';

/** A suggestion the hook returned to Claude (a `hook_suggestions` row). */
export interface Suggestion {
  eventId: number;
  sessionId: string;
  atMs: number;
  kind: 'tool' | 'resource' | 'resource_template' | 'prompt';
  /** As shown: `server/tool`, `@server:uri`, `/mcp__server__prompt`. */
  ref: string;
  score: number;
}

export interface AcceptanceReport {
  /** Distinct (session, suggestion) pairs. */
  suggested: number;
  accepted: number;
  /** accepted / suggested; null with nothing suggested (no traffic is not a rate of 0). */
  rate: number | null;
  byKind: Record<string, { suggested: number; accepted: number }>;
}

/**
 * Whether a later event of the same session used the suggestion: a call of the tool (directly or through
 * `call_tool`), a read of the resource or an @-mention of it in a prompt, or the prompt's slash command.
 */
function uses(s: Suggestion, e: LearningEvent): boolean {
  if (s.kind === 'tool') return isToolEvent(e) && usedRef(e) === s.ref;
  if (e.event === 'UserPromptSubmit') return !!e.prompt?.includes(s.ref);
  return s.kind !== 'prompt' && isToolEvent(e) && usedRef(e) === s.ref;
}

export function acceptance(
  suggestions: readonly Suggestion[],
  events: readonly LearningEvent[],
): AcceptanceReport {
  const bySession = eventsBySession(events);
  // The first time each ref was suggested in a session counts; later repeats of it are the same suggestion.
  const first = new Map<string, Suggestion>();
  for (const s of [...suggestions].sort((x, y) => x.eventId - y.eventId)) {
    const k = `${s.sessionId}\u0000${s.ref}`;
    if (!first.has(k)) first.set(k, s);
  }
  const byKind: AcceptanceReport['byKind'] = {};
  let accepted = 0;
  for (const s of first.values()) {
    const later = (bySession.get(s.sessionId) ?? []).filter((e) => e.id > s.eventId);
    const ok = later.some((e) => uses(s, e));
    const k = byKind[s.kind] ?? { suggested: 0, accepted: 0 };
    byKind[s.kind] = k;
    k.suggested++;
    if (ok) {
      k.accepted++;
      accepted++;
    }
  }
  return { suggested: first.size, accepted, rate: first.size > 0 ? accepted / first.size : null, byKind };
}
