import { isCompletion, type LearningEvent, usedRef } from './events.js';

export interface Step {
  ref: string;
  outcome: 'success' | 'failure';
  atMs: number;
}

/** One Claude Code session as the learning sees it: its tool calls in order and the prompts between them. */
export interface Session {
  id: string;
  /** Completed tool calls in order; a call repeated at once (Read, Read, Read) is one step, with the last outcome. */
  steps: Step[];
  /** Each prompt with the number of steps taken before it. */
  prompts: { text: string; beforeStep: number }[];
  /** success: its last call succeeded and at most half of its calls failed; failure: otherwise; none: no calls. */
  outcome: 'success' | 'failure' | 'none';
  ended: boolean;
  lastMs: number;
}

/** Each session's events, in the order given; events without a session are left out. */
export function eventsBySession(events: readonly LearningEvent[]): Map<string, LearningEvent[]> {
  const byId = new Map<string, LearningEvent[]>();
  for (const e of events) {
    if (!e.sessionId) continue;
    const list = byId.get(e.sessionId) ?? [];
    list.push(e);
    byId.set(e.sessionId, list);
  }
  return byId;
}

export function sessionsOf(events: readonly LearningEvent[]): Session[] {
  const byId = eventsBySession(events);
  const sessions: Session[] = [];
  for (const [id, list] of byId) {
    list.sort((x, y) => x.id - y.id);
    const steps: Step[] = [];
    const prompts: Session['prompts'] = [];
    let calls = 0;
    let failures = 0;
    for (const e of list) {
      if (e.event === 'UserPromptSubmit' && e.prompt)
        prompts.push({ text: e.prompt, beforeStep: steps.length });
      if (!isCompletion(e)) continue;
      const ref = usedRef(e);
      if (!ref) continue;
      const outcome = e.outcome === 'failure' ? 'failure' : 'success';
      calls++;
      if (outcome === 'failure') failures++;
      const last = steps.at(-1);
      if (last?.ref === ref) {
        last.outcome = outcome;
        last.atMs = e.atMs;
      } else steps.push({ ref, outcome, atMs: e.atMs });
    }
    const lastStep = steps.at(-1);
    sessions.push({
      id,
      steps,
      prompts,
      outcome: !lastStep
        ? 'none'
        : lastStep.outcome === 'success' && failures * 2 <= calls
          ? 'success'
          : 'failure',
      ended: list.some((e) => e.event === 'SessionEnd'),
      lastMs: list.reduce((m, e) => Math.max(m, e.atMs), 0),
    });
  }
  return sessions;
}
