import { type AcceptanceReport, acceptance, type Suggestion } from './acceptance.js';
import type { LearningEvent } from './events.js';
import { minePatterns, type Pattern } from './patterns.js';
import { usagePriors } from './priors.js';
import { type Session, sessionsOf } from './sessions.js';
import type { LearningSource } from './source.js';
import { type ToolStats, toolStats } from './tool-stats.js';

export interface LearnOptions {
  nowMs: number;
  halfLifeDays: number;
  minPatternSupport: number;
}

/** Everything learned from the recorded events: the input of analytics, pattern review, workflows and ranking. */
export interface Learned {
  events: LearningEvent[];
  stats: Map<string, ToolStats>;
  sessions: Session[];
  patterns: Pattern[];
  acceptance: AcceptanceReport;
}

export function learn(
  events: LearningEvent[],
  suggestions: readonly Suggestion[],
  options: LearnOptions,
): Learned {
  const sessions = sessionsOf(events);
  return {
    events,
    stats: toolStats(events, options),
    sessions,
    patterns: minePatterns(sessions, { minSupport: options.minPatternSupport }),
    acceptance: acceptance(suggestions, events),
  };
}

export async function learnFrom(
  source: Pick<LearningSource, 'events' | 'suggestions'>,
  options: LearnOptions,
): Promise<Learned> {
  return learn(await source.events(), await source.suggestions(), options);
}

/** Ranking priors and a stamp that changes with them (search caches key on it); none without usage data. */
export interface UsagePriors {
  priors: (entryId: string) => number | undefined;
  stamp: string;
}

export async function usagePriorsOf(
  source: Pick<LearningSource, 'stamp' | 'events'>,
  options: Omit<LearnOptions, 'minPatternSupport'>,
): Promise<UsagePriors> {
  const { count, lastId } = await source.stamp();
  const stats = count > 0 ? toolStats(await source.events(), options) : new Map<string, ToolStats>();
  return { priors: usagePriors(stats), stamp: `${count}:${lastId}` };
}
