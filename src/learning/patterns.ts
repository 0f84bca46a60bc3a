import type { Session } from './sessions.js';

/** A tool sequence that recurs across sessions. */
export interface Pattern {
  sequence: string[];
  /** Sessions in which the sequence occurs (consecutive steps). */
  support: number;
  occurrences: number;
  /** support(sequence) / support(sequence without its last step): how often the start leads on to the end. */
  confidence: number;
  /** (1 + successful sessions) / (2 + sessions with an outcome) among the sessions that contain it. */
  effectiveness: number;
  /** The prompts that started it: the last prompt before its first occurrence in each session, at most 3. */
  prompts: string[];
  lastSeenMs: number;
}

export interface MineOptions {
  minSupport: number;
  /** Longest sequence mined; pairs and triples by default. */
  maxLength?: number;
}

const key = (seq: readonly string[]) => JSON.stringify(seq);
const MAX_PROMPT = 160;

export function minePatterns(sessions: readonly Session[], options: MineOptions): Pattern[] {
  const maxLength = options.maxLength ?? 3;
  type Acc = { seq: string[]; sessions: Session[]; occurrences: number; prompts: string[] };
  const acc = new Map<string, Acc>();
  for (const s of sessions) {
    const seen = new Set<string>();
    const refs = s.steps.map((step) => step.ref);
    for (let n = 1; n <= maxLength; n++) {
      for (let i = 0; i + n <= refs.length; i++) {
        const seq = refs.slice(i, i + n);
        const k = key(seq);
        let a = acc.get(k);
        if (!a) {
          a = { seq, sessions: [], occurrences: 0, prompts: [] };
          acc.set(k, a);
        }
        a.occurrences++;
        if (seen.has(k)) continue;
        seen.add(k);
        a.sessions.push(s);
        const prompt = s.prompts
          .filter((p) => p.beforeStep <= i)
          .at(-1)
          ?.text.trim();
        if (prompt && a.prompts.length < 3) {
          const short = prompt.length > MAX_PROMPT ? `${prompt.slice(0, MAX_PROMPT - 1)}…` : prompt;
          if (!a.prompts.includes(short)) a.prompts.push(short);
        }
      }
    }
  }
  const patterns: Pattern[] = [];
  for (const a of acc.values()) {
    if (a.seq.length < 2 || a.sessions.length < options.minSupport) continue;
    const prefix = acc.get(key(a.seq.slice(0, -1)));
    const judged = a.sessions.filter((s) => s.outcome !== 'none');
    const good = judged.filter((s) => s.outcome === 'success').length;
    patterns.push({
      sequence: a.seq,
      support: a.sessions.length,
      occurrences: a.occurrences,
      confidence: prefix ? a.sessions.length / prefix.sessions.length : 1,
      effectiveness: (1 + good) / (2 + judged.length),
      prompts: a.prompts,
      lastSeenMs: a.sessions.reduce((m, s) => Math.max(m, s.lastMs), 0),
    });
  }
  return patterns.sort(
    (x, y) =>
      y.support - x.support ||
      y.confidence - x.confidence ||
      y.sequence.length - x.sequence.length ||
      key(x.sequence).localeCompare(key(y.sequence)),
  );
}
