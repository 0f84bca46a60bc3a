import { EntryKindSchema } from '../store/catalog.js';
import type { IndexData } from './build.js';
import { CategorySchema } from './category.js';
import { matchNames } from './names.js';
import { findPosting, type Postings, postingCount } from './postings.js';
import { type ParsedQuery, parseQuery } from './query.js';
import { TopK } from './topk.js';
import type { SearchQueryOptions } from './types.js';

/** One query term matching one candidate: its share of the lexical score and the fields it occurs in. */
export interface TermMatch {
  term: number;
  score: number;
  fieldMask: number;
}

export interface Candidate {
  doc: number;
  /** BM25F score of the entry for the query's weighted terms: the sum of `matches`. */
  lexical: number;
  /** What the entry's server adds: its fit to the whole task. */
  server: number;
  /** 2 when an identifier in the query spells the name, 1 for a phrase of its words, 0 otherwise. */
  exactTier: number;
  priorFactor: number;
  matches: TermMatch[];
}

export interface RankedHit {
  candidate: Candidate;
  score: number;
  /** What matching several distinct query words adds to the lexical score. */
  coordBonus: number;
  exactBonus: number;
}

/** Entries ranked by the full score; beyond this many only BM25 order matters, so re-ranking stops here. */
const MIN_POOL = 40;
/** A term in more than this share (and count) of entries is frequent: see `candidates`. */
const FREQUENT_SHARE = 0.05;
const FREQUENT_MIN = 100;
/** Expansions are dropped when frequent in this many entries or more (only large catalogs have such terms). */
const EXPANSION_MIN = 500;
/** A term in more than this share (and count) of servers does not tell servers apart, and is skipped there. */
const SERVER_MAX_SHARE = 0.2;
const SERVER_MAX_MIN = 10;
/** Steps of one binary search in a long posting list, against walking the list: picks the cheaper way. */
const BINARY_SEARCH_COST = 12;
/** Servers whose whole tool list joins the candidates even where an entry's own text does not match. */
const TOP_SERVERS = 3;

function isFrequent(p: Postings, term: string, min = FREQUENT_MIN): boolean {
  const id = p.terms.get(term);
  return id !== undefined && postingCount(p, id) > Math.max(min, p.docCount * FREQUENT_SHARE);
}

function accumulate(
  p: Postings,
  termId: number | undefined,
  weight: number,
  scores: Float64Array,
  onFirst?: (d: number) => void,
) {
  if (termId === undefined) return;
  const end = p.offsets[termId + 1] as number;
  for (let j = p.offsets[termId] as number; j < end; j++) {
    const d = p.docs[j] as number;
    if (onFirst && scores[d] === 0) onFirst(d);
    scores[d] = (scores[d] as number) + weight * (p.weights[j] as number);
  }
}

/** The query's filters as a predicate, or undefined when there are none (the common, fast case). */
function makeFilter(data: IndexData, opts: SearchQueryOptions): ((doc: number) => boolean) | undefined {
  if (opts.kind === undefined && opts.server === undefined && opts.category === undefined) return undefined;
  const kinds =
    opts.kind === undefined
      ? undefined
      : new Set(
          (Array.isArray(opts.kind) ? opts.kind : [opts.kind]).map((k) => EntryKindSchema.options.indexOf(k)),
        );
  const server = opts.server === undefined ? undefined : (data.serverIds.get(opts.server) ?? -1);
  const category = opts.category === undefined ? undefined : CategorySchema.options.indexOf(opts.category);
  return (doc) =>
    (kinds === undefined || kinds.has(data.kindCodes[doc] as number)) &&
    (server === undefined || data.serverOf[doc] === server) &&
    (category === undefined || data.categoryCodes[doc] === category);
}

function priorFactor(data: IndexData, doc: number): number {
  if (data.priorWeight === 0 || !data.priors) return 1;
  const p = data.priors(data.ids[doc] as string);
  if (p === undefined || !Number.isFinite(p)) return 1;
  return Math.max(0, 1 + data.priorWeight * Math.max(-1, Math.min(1, p)));
}

/** Ids of the `k` best-scoring servers with a score above 0, by a linear scan. */
function topServers(scores: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (let s = 0; s < scores.length; s++) {
    const v = scores[s] as number;
    if (v <= 0 || (best.length === k && v <= (scores[best[k - 1] as number] as number))) continue;
    if (best.length === k) best.pop();
    let at = best.length;
    while (at > 0 && (scores[best[at - 1] as number] as number) < v) at--;
    best.splice(at, 0, s);
  }
  return best;
}

/** Scores every matching entry by BM25F plus server evidence, and keeps the best `poolSize` as candidates. */
function candidates(
  data: IndexData,
  parsed: ParsedQuery,
  query: string,
  opts: SearchQueryOptions,
  poolSize: number,
): Candidate[] {
  const { entryScores, touched, serverScores, seen } = data.scratch;
  let nTouched = 0;
  const touch = (d: number) => {
    if (seen[d] === 0) {
      seen[d] = 1;
      touched[nTouched++] = d;
    }
  };
  const p = data.entryPostings;
  const frequent: Array<[number, number]> = [];
  const sp = data.serverPostings;
  for (const q of parsed.terms) {
    const sid = sp.terms.get(q.term);
    if (
      sid !== undefined &&
      postingCount(sp, sid) <= Math.max(SERVER_MAX_MIN, sp.docCount * SERVER_MAX_SHARE)
    )
      accumulate(sp, sid, q.weight, serverScores);
    const id = p.terms.get(q.term);
    if (id === undefined) continue;
    if (isFrequent(p, q.term)) frequent.push([id, q.weight]);
    else accumulate(p, id, q.weight, entryScores, touch);
  }
  // Once rarer terms have found enough entries, frequent terms only add to those: alone they could not lift
  // an entry into the top, and this keeps long queries from touching the whole catalog.
  const updateOnly = nTouched >= poolSize;
  for (const [id, weight] of frequent) {
    if (!updateOnly) accumulate(p, id, weight, entryScores, touch);
    else if (nTouched * BINARY_SEARCH_COST < postingCount(p, id)) {
      for (let i = 0; i < nTouched; i++) {
        const d = touched[i] as number;
        const j = findPosting(p, id, d);
        if (j >= 0) entryScores[d] = (entryScores[d] as number) + weight * (p.weights[j] as number);
      }
    } else {
      const end = p.offsets[id + 1] as number;
      for (let j = p.offsets[id] as number; j < end; j++) {
        const d = p.docs[j] as number;
        if (seen[d] === 1) entryScores[d] = (entryScores[d] as number) + weight * (p.weights[j] as number);
      }
    }
  }
  let maxLexical = 0;
  for (let i = 0; i < nTouched; i++)
    maxLexical = Math.max(maxLexical, entryScores[touched[i] as number] as number);
  let maxServer = 0;
  for (const v of serverScores) maxServer = Math.max(maxServer, v);
  const scale = maxServer > 0 ? (data.weights.server * (maxLexical || 1)) / maxServer : 0;
  for (const s of topServers(serverScores, TOP_SERVERS))
    for (const d of data.serverEntries[s] ?? []) touch(d);
  const names = matchNames(data.names, query, parsed.sequence);
  for (const d of names.identifier) touch(d);
  for (const d of names.phrase) touch(d);
  const tier = (d: number) => (names.identifier.has(d) ? 2 : names.phrase.has(d) ? 1 : 0);

  const keep = makeFilter(data, opts);
  const top = new TopK(poolSize);
  const exact = names.identifier.size + names.phrase.size > 0;
  for (let i = 0; i < nTouched; i++) {
    const d = touched[i] as number;
    if (keep && !keep(d)) continue;
    const base = (entryScores[d] as number) + scale * (serverScores[data.serverOf[d] as number] as number);
    top.offer(exact ? base + 1e9 * tier(d) : base, d);
  }
  const result = top.best().map((doc) => ({
    doc,
    lexical: entryScores[doc] as number,
    server: scale * (serverScores[data.serverOf[doc] as number] as number),
    exactTier: tier(doc),
    priorFactor: priorFactor(data, doc),
    matches: [] as TermMatch[],
  }));
  for (let i = 0; i < nTouched; i++) {
    entryScores[touched[i] as number] = 0;
    seen[touched[i] as number] = 0;
  }
  serverScores.fill(0);
  return result;
}

/** Per-term matches of each candidate: a second walk of the query's posting lists, reading candidates only. */
function collectMatches(data: IndexData, parsed: ParsedQuery, pool: Candidate[]): void {
  const { candidateOf } = data.scratch;
  pool.forEach((c, i) => {
    candidateOf[c.doc] = i;
  });
  const p = data.entryPostings;
  const add = (c: Candidate, t: number, j: number) =>
    c.matches.push({
      term: t,
      score: (parsed.terms[t]?.weight ?? 0) * (p.weights[j] as number),
      fieldMask: p.fieldMasks[j] as number,
    });
  parsed.terms.forEach((q, t) => {
    const id = p.terms.get(q.term);
    if (id === undefined) return;
    if (pool.length * BINARY_SEARCH_COST < postingCount(p, id)) {
      for (const c of pool) {
        const j = findPosting(p, id, c.doc);
        if (j >= 0) add(c, t, j);
      }
      return;
    }
    const end = p.offsets[id + 1] as number;
    for (let j = p.offsets[id] as number; j < end; j++) {
      const c = candidateOf[p.docs[j] as number] as number;
      if (c >= 0) add(pool[c] as Candidate, t, j);
    }
  });
  for (const c of pool) {
    candidateOf[c.doc] = -1;
    // Exact, now that every term is counted (entries added for their server missed the frequent terms).
    c.lexical = c.matches.reduce((sum, m) => sum + m.score, 0);
  }
}

/**
 * Final scores: the lexical score scaled by how many distinct query words the entry matches (`coord`, so one
 * lucky word does not carry an entry), plus server evidence, times the usage prior; a tool named in the
 * query goes above everything else.
 */
function finalScores(data: IndexData, parsed: ParsedQuery, pool: Candidate[], limit: number): RankedHit[] {
  const scored = pool.map((c) => {
    let direct = 0;
    for (const m of c.matches) if (!parsed.terms[m.term]?.expanded) direct++;
    const coordBonus = c.lexical * (Math.max(1, direct) ** data.weights.coord - 1);
    return {
      candidate: c,
      score: (c.lexical + coordBonus + c.server) * c.priorFactor,
      coordBonus,
      exactBonus: 0,
    };
  });
  // Each tier of name match lifts an entry above every entry of lower tiers, whatever their scores.
  const top = Math.max(0, ...scored.map((h) => h.score));
  for (const h of scored) {
    h.exactBonus = h.candidate.exactTier * (top + 1);
    h.score += h.exactBonus;
  }
  return scored.sort((a, b) => b.score - a.score || a.candidate.doc - b.candidate.doc).slice(0, limit);
}

export function rank(
  data: IndexData,
  query: string,
  opts: SearchQueryOptions,
): { parsed: ParsedQuery; hits: RankedHit[] } {
  const parsed = parseQuery(query, data);
  // An expansion is a guess; one that matches a large part of a large catalog adds little but costs a long
  // posting walk, so it is dropped.
  parsed.terms = parsed.terms.filter(
    (q) => !q.expanded || !isFrequent(data.entryPostings, q.term, EXPANSION_MIN),
  );
  const limit = Math.max(1, Math.floor(opts.limit ?? 10));
  if (query.trim() === '') return { parsed, hits: [] };
  const pool = candidates(data, parsed, query, opts, Math.max(MIN_POOL, limit * 2));
  collectMatches(data, parsed, pool);
  return { parsed, hits: finalScores(data, parsed, pool, limit) };
}
