import type { IndexData } from './build.js';
import { entryTerms, FIELDS, fieldB } from './fields.js';
import type { ParsedQuery } from './query.js';
import type { RankedHit, TermMatch } from './rank.js';
import type { SearchHit } from './types.js';

/** Fields in the order a reason names them: the first field a term occurs in is where it "matches". */
const REASON_ORDER = (
  [
    'name',
    'title',
    'description',
    'translated',
    'params',
    'param_docs',
    'annotations',
    'uri',
    'server',
  ] as const
).map((f) => FIELDS.indexOf(f));
const MAX_REASON_TERMS = 4;

function quoteList(words: string[]): string {
  return words.map((w) => `'${w}'`).join(', ');
}

/** The first field of REASON_ORDER in `mask`, or 3 when none. */
function reasonField(mask: number): number {
  for (let i = 0; i < REASON_ORDER.length; i++) {
    const f = REASON_ORDER[i] as number;
    if ((mask & (1 << f)) !== 0) return f;
  }
  return 3;
}

/** "matches 'weather', 'city' in name, 'rain' in description; server weather fits the task" */
function reason(data: IndexData, parsed: ParsedQuery, hit: RankedHit): string {
  const c = hit.candidate;
  const parts: string[] = [];
  if (c.exactTier === 2) parts.push('its name is written in the query');
  else if (c.exactTier === 1) parts.push("its name's words are in the query");
  // The MAX_REASON_TERMS best matches, best first, ties in match order (what a stable sort gives), without
  // copying and sorting every match.
  const top: TermMatch[] = [];
  for (const m of c.matches) {
    let at = top.length;
    while (at > 0 && (top[at - 1] as TermMatch).score < m.score) at--;
    if (at >= MAX_REASON_TERMS) continue;
    top.splice(at, 0, m);
    if (top.length > MAX_REASON_TERMS) top.pop();
  }
  // The user's words by field, fields in order of first appearance; related words once each.
  const fields: number[] = [];
  const words: string[][] = [];
  const related: string[] = [];
  for (const m of top) {
    const q = parsed.terms[m.term];
    if (!q) continue;
    if (q.expanded) {
      if (!related.includes(q.surface)) related.push(q.surface);
      continue;
    }
    const field = reasonField(m.fieldMask);
    const i = fields.indexOf(field);
    if (i < 0) {
      fields.push(field);
      words.push([q.surface]);
    } else (words[i] as string[]).push(q.surface);
  }
  if (hit.step !== undefined) parts.push(`fits a step the task implies ('${hit.step}')`);
  if (fields.length > 0) {
    let where = '';
    for (let i = 0; i < fields.length; i++)
      where += `${i > 0 ? ', ' : ''}${quoteList(words[i] as string[])} in ${FIELDS[fields[i] as number]}`;
    parts.push(`matches ${where}`);
  }
  if (related.length > 0) parts.push(`matches words related to ${quoteList(related)}`);
  const total = hit.score || 1;
  if (c.server / total >= 0.25)
    parts.push(`server ${data.serverNames[data.serverOf[c.doc] as number]} fits the task`);
  if (hit.score !== 0 && c.priorFactor > 1) parts.push('often used successfully');
  if (c.priorFactor < 1) parts.push('often fails');
  return parts.length > 0 ? parts.join('; ') : 'weak match';
}

/**
 * Each field's and signal's share of the score. Field shares split the lexical score of the user's own
 * words by how much each field contributed to each term's BM25F weight; the signals are the rest, so the
 * parts add up to `score`.
 */
function explain(data: IndexData, parsed: ParsedQuery, hit: RankedHit): NonNullable<SearchHit['explain']> {
  const c = hit.candidate;
  const entry = data.entries[c.doc];
  const fields: Record<string, number> = Object.fromEntries(FIELDS.map((f) => [f, 0]));
  let expansion = 0;
  if (entry) {
    const counts = entryTerms(entry, data.servers[data.serverOf[c.doc] as number], data.glossary);
    const p = data.entryPostings;
    for (const m of c.matches) {
      const q = parsed.terms[m.term];
      if (!q) continue;
      if (q.expanded) {
        expansion += m.score;
        continue;
      }
      const parts = FIELDS.map((f, i) => {
        const terms = counts[i] as string[];
        const tf = terms.filter((t) => t === q.term).length;
        const norm = 1 - fieldB(f) * (1 - terms.length / (p.avgLengths[i] as number));
        return tf === 0 ? 0 : ((data.weights.fields[f] ?? 0) * tf) / norm;
      });
      const sum = parts.reduce((a, b) => a + b, 0) || 1;
      FIELDS.forEach((f, i) => {
        fields[f] = (fields[f] as number) + (m.score * (parts[i] as number)) / sum;
      });
    }
  }
  const beforePrior = c.lexical + hit.coordBonus + c.server;
  const signals = {
    expansion,
    server_fit: c.server,
    coord: hit.coordBonus,
    implied_step: hit.stepBonus,
    exact_name: hit.exactBonus,
    prior: beforePrior * (c.priorFactor - 1),
  };
  return { fields, signals };
}

export function toHits(
  data: IndexData,
  parsed: ParsedQuery,
  ranked: RankedHit[],
  withExplain: boolean,
): SearchHit[] {
  return ranked.map((hit) => {
    const doc = hit.candidate.doc;
    const out: SearchHit = {
      id: data.ids[doc] as string,
      entry: data.entries[doc] as SearchHit['entry'],
      score: hit.score,
      category: data.categories[doc] as SearchHit['category'],
      reason: reason(data, parsed, hit),
    };
    if (withExplain) out.explain = explain(data, parsed, hit);
    return out;
  });
}
