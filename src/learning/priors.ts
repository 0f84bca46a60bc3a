import type { ToolStats } from './tool-stats.js';

/** A tool's usage prior in [-1, 1]: 2 x smoothed success rate - 1; little evidence stays near 0. */
export const priorOf = (s: Pick<ToolStats, 'successRate'>) =>
  Math.max(-1, Math.min(1, 2 * s.successRate - 1));

/** The learning key of a catalog entry id: tools are the same (`server/tool`), resources are `@server:uri`. */
export function refOfEntryId(entryId: string): string {
  const m = /^([^/]+)\/(?:resource|template):(.*)$/s.exec(entryId);
  return m ? `@${m[1]}:${m[2]}` : entryId;
}

/**
 * The `priors` function of `buildSearchIndex`: defined only for entries with a usage record, so entries never
 * used are never moved, and a catalog with no usage ranks exactly as without priors.
 */
export function usagePriors(stats: ReadonlyMap<string, ToolStats>): (entryId: string) => number | undefined {
  return (entryId) => {
    const s = stats.get(refOfEntryId(entryId));
    return s ? priorOf(s) : undefined;
  };
}
