import type { Learned } from './model.js';
import type { Pattern } from './patterns.js';
import type { ToolStats } from './tool-stats.js';

/** `mcp-discovery patterns review --json`. */
export interface PatternReview {
  sessions: number;
  topPatterns: Pattern[];
  successfulPatterns: Pattern[];
  resourcePatterns: Pattern[];
  failingTools: Pick<ToolStats, 'ref' | 'calls' | 'failures' | 'successRate'>[];
  recommendations: string[];
}

/** A tool is failing with at least this many calls and a smoothed success rate under one half. */
const MIN_CALLS_TO_JUDGE = 3;
const pct = (x: number) => `${Math.round(x * 100)} %`;

export function reviewPatterns(learned: Learned, limit = 10): PatternReview {
  const failingTools = [...learned.stats.values()]
    .filter((s) => s.calls >= MIN_CALLS_TO_JUDGE && s.successRate < 0.5)
    .sort((a, b) => a.successRate - b.successRate || b.calls - a.calls)
    .map((s) => ({ ref: s.ref, calls: s.calls, failures: s.failures, successRate: s.successRate }));
  const successfulPatterns = [...learned.patterns]
    .sort((a, b) => b.effectiveness - a.effectiveness || b.support - a.support)
    .slice(0, limit);
  const resourcePatterns = learned.patterns
    .filter((p) => p.sequence.some((r) => r.startsWith('@')))
    .slice(0, limit);
  const recommendations: string[] = [];
  if (learned.events.length === 0)
    recommendations.push('no hook events yet: run `mcp-discovery hooks install`, then use Claude Code');
  for (const t of failingTools.slice(0, 5))
    recommendations.push(
      `${t.ref} failed ${t.failures} of ${t.calls} calls: check its server (\`mcp-discovery servers\`) and how it is called`,
    );
  for (const p of learned.patterns.filter((p) => p.confidence >= 0.6 && p.sequence.length === 2).slice(0, 3))
    recommendations.push(
      `${p.sequence[1]} follows ${p.sequence[0]} in ${pct(p.confidence)} of sessions (${p.support}): a candidate for a prompt or script doing both`,
    );
  const a = learned.acceptance;
  if (a.rate !== null && a.suggested >= 10 && a.rate < 0.2)
    recommendations.push(`only ${pct(a.rate)} of ${a.suggested} suggestions were used: raise hooks.minScore`);
  return {
    sessions: learned.sessions.length,
    topPatterns: learned.patterns.slice(0, limit),
    successfulPatterns,
    resourcePatterns,
    failingTools,
    recommendations,
  };
}
