import type { ResolvedSettings } from '../settings/index.js';
import { type Learned, learnFrom, type UsagePriors, usagePriorsOf } from './model.js';
import { withLearningSource } from './source.js';

/**
 * Usage priors for ranking from the hook events of the configured store (the data directory's SQLite database,
 * or the PostgreSQL database every machine's hook writes); none when `search.priorWeight` is 0.
 */
export async function loadUsagePriors(
  settings: ResolvedSettings,
  nowMs = Date.now(),
): Promise<UsagePriors | undefined> {
  if (settings.search.priorWeight === 0) return undefined;
  return withLearningSource(settings, (source) =>
    usagePriorsOf(source, { nowMs, halfLifeDays: settings.hooks.halfLifeDays }),
  );
}

/** Everything learned from the configured store's hook events, with the settings' half-life and support. */
export function loadLearned(settings: ResolvedSettings, nowMs = Date.now()): Promise<Learned> {
  return withLearningSource(settings, (source) =>
    learnFrom(source, {
      nowMs,
      halfLifeDays: settings.hooks.halfLifeDays,
      minPatternSupport: settings.hooks.minPatternSupport,
    }),
  );
}
