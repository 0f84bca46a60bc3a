import type { ResolvedSettings } from '../settings/index.js';
import { dbFile } from '../store/index.js';
import { type Learned, learnFrom, type UsagePriors, usagePriorsOf } from './model.js';
import { LearningStore } from './store.js';

/** Usage priors for ranking from the data directory's hook events; none when `search.priorWeight` is 0. */
export function loadUsagePriors(settings: ResolvedSettings, nowMs = Date.now()): UsagePriors | undefined {
  if (settings.search.priorWeight === 0) return undefined;
  const store = LearningStore.open(dbFile(settings.dataDir));
  try {
    return usagePriorsOf(store, { nowMs, halfLifeDays: settings.hooks.halfLifeDays });
  } finally {
    store.close();
  }
}

/** Everything learned from the data directory's hook events, with the settings' half-life and support. */
export function loadLearned(settings: ResolvedSettings, nowMs = Date.now()): Learned {
  const store = LearningStore.open(dbFile(settings.dataDir));
  try {
    return learnFrom(store, {
      nowMs,
      halfLifeDays: settings.hooks.halfLifeDays,
      minPatternSupport: settings.hooks.minPatternSupport,
    });
  } finally {
    store.close();
  }
}
