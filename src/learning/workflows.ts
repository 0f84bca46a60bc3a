import { tokenize } from '../search/index.js';
import type { Pattern } from './patterns.js';

export interface WorkflowMatch {
  pattern: Pattern;
  score: number;
}

/** Words of a tool reference: `github/create_issue` -> github, create, issue. */
const refWords = (ref: string) => tokenize(ref.replace(/^@/, '').replace(/[/_:]/g, ' '));

/**
 * Patterns for a task: the task's words against the prompts that started each pattern (full weight) and the
 * names in its sequence (half), scaled by how effective and how common the pattern is. No shared word, no match.
 */
export function matchWorkflows(task: string, patterns: readonly Pattern[], limit = 5): WorkflowMatch[] {
  const words = new Set(tokenize(task));
  if (words.size === 0) return [];
  const matches: WorkflowMatch[] = [];
  for (const pattern of patterns) {
    const fromPrompts = new Set(pattern.prompts.flatMap((p) => tokenize(p)));
    const fromTools = new Set(pattern.sequence.flatMap(refWords));
    let overlap = 0;
    for (const w of words) overlap += fromPrompts.has(w) ? 1 : fromTools.has(w) ? 0.5 : 0;
    if (overlap === 0) continue;
    const score = (overlap / words.size) * (0.5 + pattern.effectiveness) * Math.log2(1 + pattern.support);
    matches.push({ pattern, score });
  }
  return matches.sort((a, b) => b.score - a.score).slice(0, limit);
}
