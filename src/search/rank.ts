import { EntryKindSchema } from '../store/catalog.js';
import type { IndexData } from './build.js';
import { CategorySchema } from './category.js';
import { matchNames } from './names.js';
import { findPosting, type Postings, postingCount } from './postings.js';
import { type ParsedQuery, parseQuery, type QueryTerm } from './query.js';
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
  /** What lifts the best entry for a step the task implies to rank `weights.stepRank`; `step` names the step. */
  stepBonus: number;
  step?: string;
  exactBonus: number;
}

/**
 * Entries ranked by the full score (at least twice the limit); beyond this many only BM25 order matters, so
 * re-ranking stops here. 30 ranks both benchmark sets exactly as 40 did (25 does not), and is 4 % faster.
 */
const MIN_POOL = 30;
/** A term in more than this share (and count) of entries is frequent: see `candidates`. */
const FREQUENT_SHARE = 0.05;
const FREQUENT_MIN = 100;
/** A term in more than this share (and count) of servers does not tell servers apart, and is skipped there. */
const SERVER_MAX_SHARE = 0.2;
const SERVER_MAX_MIN = 10;
/** Steps of one binary search in a long posting list, against walking the list: picks the cheaper way. */
const BINARY_SEARCH_COST = 12;
/** Servers whose whole tool list joins the candidates even where an entry's own text does not match. */
const TOP_SERVERS = 3;
/** Entries ranked for an implied step before its best is chosen. */
const STEP_POOL = 5;

/**
 * Adds `weight` times each posting's weight of `termId` to `scores`, recording in `touched` each document that
 * `seen` does not mark yet (`touched` has room for one more than every document). Returns the new count of
 * touched documents. Branch-free: whether a document is new is a coin toss the CPU cannot predict, and a
 * mispredicted branch per posting cost more than the rest of the walk.
 */
function accumulateTouching(
  p: Postings,
  termId: number,
  weight: number,
  scores: Float64Array,
  seen: Uint8Array,
  touched: Uint32Array,
  nTouched: number,
): number {
  const { docs, weights } = p;
  const end = p.offsets[termId + 1] as number;
  let n = nTouched;
  for (let j = p.offsets[termId] as number; j < end; j++) {
    const d = docs[j] as number;
    touched[n] = d;
    n += 1 - (seen[d] as number);
    seen[d] = 1;
    scores[d] = (scores[d] as number) + weight * (weights[j] as number);
  }
  return n;
}

/** First position in `docs[lo, hi)` holding a document >= `doc`: a gallop from `lo`, then a binary search. */
function seek(docs: Uint32Array, lo: number, hi: number, doc: number): number {
  if (lo >= hi || (docs[lo] as number) >= doc) return lo;
  let step = 1;
  let prev = lo;
  let at = lo + 1;
  while (at < hi && (docs[at] as number) < doc) {
    prev = at;
    step <<= 1;
    at = lo + step;
  }
  let a = prev + 1;
  let b = Math.min(at, hi);
  while (a < b) {
    const mid = (a + b) >>> 1;
    if ((docs[mid] as number) < doc) a = mid + 1;
    else b = mid;
  }
  return a;
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

/**
 * Ids of the `k` best-scoring servers with a score above 0 among `ids[0, n)`, by a linear scan; equal scores
 * rank by id, so the order the ids come in does not matter.
 */
function topServers(scores: Float64Array, ids: Uint32Array, n: number, k: number): number[] {
  const best: number[] = [];
  const above = (s: number, v: number, other: number) => {
    const w = scores[other] as number;
    return v > w || (v === w && s < other);
  };
  for (let i = 0; i < n; i++) {
    const s = ids[i] as number;
    const v = scores[s] as number;
    if (v <= 0 || (best.length === k && !above(s, v, best[k - 1] as number))) continue;
    if (best.length === k) best.pop();
    let at = best.length;
    while (at > 0 && above(s, v, best[at - 1] as number)) at--;
    best.splice(at, 0, s);
  }
  return best;
}

/** Scores every matching entry by BM25F plus server evidence, and keeps the best `poolSize` as candidates. */
function candidates(
  data: IndexData,
  parsed: ParsedQuery,
  termIds: QueryTermIds,
  query: string,
  opts: SearchQueryOptions,
  poolSize: number,
): Candidate[] {
  const { entryScores, touched, serverScores, seen, touchedServers, serverSeen } = data.scratch;
  let nTouched = 0;
  // Servers are tracked like entries: a catalog has thousands, a query's words reach a few dozen.
  let nServers = 0;
  const p = data.entryPostings;
  const sp = data.serverPostings;
  const serverMax = Math.max(SERVER_MAX_MIN, sp.docCount * SERVER_MAX_SHARE);
  const frequentMin = Math.max(FREQUENT_MIN, p.docCount * FREQUENT_SHARE);
  const terms = parsed.terms;
  let nFrequent = 0;
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t] as QueryTerm;
    const weight = term.weight;
    const id = termIds.ids[t] as number;
    if (id < 0) continue;
    // A server's fit is judged by the user's own words: its text is all its tools' text, long enough to hold
    // an expansion's guessed word by chance (both benchmark sets rank better so, and it is a third of the walk).
    if (!term.expanded && postingCount(sp, id) <= serverMax)
      nServers = accumulateTouching(sp, id, weight, serverScores, serverSeen, touchedServers, nServers);
    // Frequent terms wait (in query order) until the rarer ones have been counted.
    if (postingCount(p, id) > frequentMin) termIds.frequent[nFrequent++] = t;
    else nTouched = accumulateTouching(p, id, weight, entryScores, seen, touched, nTouched);
  }
  // Once rarer terms have found enough entries, frequent terms only add to those: alone they could not lift
  // an entry into the top, and this keeps long queries from touching the whole catalog.
  const updateOnly = nTouched >= poolSize;
  for (let f = 0; f < nFrequent; f++) {
    const t = termIds.frequent[f] as number;
    const id = termIds.ids[t] as number;
    const weight = (terms[t] as QueryTerm).weight;
    if (!updateOnly) nTouched = accumulateTouching(p, id, weight, entryScores, seen, touched, nTouched);
    else if (nTouched * BINARY_SEARCH_COST < postingCount(p, id)) {
      for (let i = 0; i < nTouched; i++) {
        const d = touched[i] as number;
        const j = findPosting(p, id, d);
        if (j >= 0) entryScores[d] = (entryScores[d] as number) + weight * (p.weights[j] as number);
      }
    } else {
      // Branch-free too: an entry not seen adds 0.
      const { docs, weights } = p;
      const end = p.offsets[id + 1] as number;
      for (let j = p.offsets[id] as number; j < end; j++) {
        const d = docs[j] as number;
        entryScores[d] = (entryScores[d] as number) + (seen[d] as number) * weight * (weights[j] as number);
      }
    }
  }
  let maxLexical = 0;
  for (let i = 0; i < nTouched; i++)
    maxLexical = Math.max(maxLexical, entryScores[touched[i] as number] as number);
  let maxServer = 0;
  for (let i = 0; i < nServers; i++)
    maxServer = Math.max(maxServer, serverScores[touchedServers[i] as number] as number);
  const scale = maxServer > 0 ? (data.weights.server * (maxLexical || 1)) / maxServer : 0;
  const touch = (d: number) => {
    if (seen[d] === 0) {
      seen[d] = 1;
      touched[nTouched++] = d;
    }
  };
  for (const s of topServers(serverScores, touchedServers, nServers, TOP_SERVERS)) {
    const list = data.serverEntries[s];
    if (list) for (let i = 0; i < list.length; i++) touch(list[i] as number);
  }
  const names = matchNames(data.names, query, parsed.sequence);
  for (const d of names.identifier) touch(d);
  for (const d of names.phrase) touch(d);
  const tier = (d: number) => (names.identifier.has(d) ? 2 : names.phrase.has(d) ? 1 : 0);

  const keep = makeFilter(data, opts);
  const top = topK(data, poolSize);
  const exact = names.identifier.size + names.phrase.size > 0;
  const serverOf = data.serverOf;
  // One pass offers each entry and clears its scratch: `collectMatches` recounts the pool's lexical scores.
  for (let i = 0; i < nTouched; i++) {
    const d = touched[i] as number;
    const lexical = entryScores[d] as number;
    entryScores[d] = 0;
    seen[d] = 0;
    if (keep && !keep(d)) continue;
    const base = lexical + scale * (serverScores[serverOf[d] as number] as number);
    top.offer(exact ? base + 1e9 * tier(d) : base, d);
  }
  const result = top.best().map((doc) => ({
    doc,
    lexical: 0,
    server: scale * (serverScores[serverOf[doc] as number] as number),
    exactTier: exact ? tier(doc) : 0,
    priorFactor: priorFactor(data, doc),
    matches: [] as TermMatch[],
  }));
  for (let i = 0; i < nServers; i++) {
    const sid = touchedServers[i] as number;
    serverScores[sid] = 0;
    serverSeen[sid] = 0;
  }
  return result;
}

/** The reused top-k heap of this index for `k` (search is synchronous, so one per size is enough). */
function topK(data: IndexData, k: number): TopK {
  let top = data.scratch.topK.get(k);
  if (!top) {
    top = new TopK(k);
    if (data.scratch.topK.size < 16) data.scratch.topK.set(k, top);
  }
  top.clear();
  return top;
}

/**
 * Posting lists at most this many times the pool's size are walked; longer ones are searched by galloping. A
 * walk's step is a lookup the CPU predicts, a gallop's a branch it does not: 16 to 32 measured alike, and 4
 * about 4 % slower overall.
 */
const WALK_FACTOR = 16;

/**
 * Per-term matches of each candidate: a second pass over the query's posting lists, reading candidates only.
 * Short lists are walked; in long ones the candidates, in document order, are found by galloping forward.
 */
function collectMatches(
  data: IndexData,
  parsed: ParsedQuery,
  termIds: QueryTermIds,
  pool: Candidate[],
): void {
  const { candidateOf } = data.scratch;
  if (data.scratch.poolDocs.length < pool.length) data.scratch.poolDocs = new Uint32Array(2 * pool.length);
  // The pool's documents (distinct) in ascending order, sorted in place.
  const byDoc = data.scratch.poolDocs;
  for (let i = 0; i < pool.length; i++) {
    const doc = (pool[i] as Candidate).doc;
    candidateOf[doc] = i;
    byDoc[i] = doc;
  }
  byDoc.subarray(0, pool.length).sort();
  const p = data.entryPostings;
  const { docs, weights, fieldMasks } = p;
  const terms = parsed.terms;
  for (let t = 0; t < terms.length; t++) {
    const id = termIds.ids[t] as number;
    if (id < 0) continue;
    const weight = (terms[t] as QueryTerm).weight;
    const start = p.offsets[id] as number;
    const end = p.offsets[id + 1] as number;
    if (end - start <= pool.length * WALK_FACTOR) {
      for (let j = start; j < end; j++) {
        const c = candidateOf[docs[j] as number] as number;
        if (c >= 0)
          (pool[c] as Candidate).matches.push({
            term: t,
            score: weight * (weights[j] as number),
            fieldMask: fieldMasks[j] as number,
          });
      }
      continue;
    }
    let j = start;
    for (let i = 0; i < pool.length && j < end; i++) {
      const c = pool[candidateOf[byDoc[i] as number] as number] as Candidate;
      j = seek(docs, j, end, c.doc);
      if (j < end && docs[j] === c.doc)
        c.matches.push({
          term: t,
          score: weight * (weights[j] as number),
          fieldMask: fieldMasks[j] as number,
        });
    }
  }
  for (const c of pool) {
    candidateOf[c.doc] = -1;
    // Counted here, not carried from `candidates`: there entries added for their server missed frequent terms.
    let lexical = 0;
    for (const m of c.matches) lexical += m.score;
    c.lexical = lexical;
  }
}

/** Each query term's id, shared by the entry and server postings (-1 when absent), resolved once per query. */
interface QueryTermIds {
  ids: Int32Array;
  /** Scratch: positions of the frequent terms. */
  frequent: Int32Array;
}

/**
 * The ids live in scratch reused by every call (search is synchronous): a query's ids are good until the next
 * call, so `rank` resolves the implied steps' ids before the query's own.
 */
function resolveTermIds(data: IndexData, parsed: ParsedQuery): QueryTermIds {
  const n = parsed.terms.length;
  let ids = data.scratch.termIds;
  if (ids.ids.length < n) {
    const size = Math.max(n, 2 * ids.ids.length);
    ids = { ids: new Int32Array(size), frequent: new Int32Array(size) };
    data.scratch.termIds = ids;
  }
  const vocabulary = data.entryPostings.terms;
  for (let t = 0; t < n; t++) ids.ids[t] = vocabulary.get((parsed.terms[t] as QueryTerm).term) ?? -1;
  return ids;
}

/**
 * Final scores: the lexical score scaled by how many distinct query words the entry matches (`coord`, so one
 * lucky word does not carry an entry), plus server evidence, times the usage prior; a tool named in the
 * query goes above everything else.
 */
function finalScores(
  data: IndexData,
  parsed: ParsedQuery,
  pool: Candidate[],
  limit: number,
  steps: ReadonlyMap<number, string> = new Map(),
): RankedHit[] {
  const scored: RankedHit[] = pool.map((c) => {
    let direct = 0;
    for (const m of c.matches) if (!parsed.terms[m.term]?.expanded) direct++;
    const coordBonus = c.lexical * (Math.max(1, direct) ** data.weights.coord - 1);
    return {
      candidate: c,
      score: (c.lexical + coordBonus + c.server) * c.priorFactor,
      coordBonus,
      stepBonus: 0,
      exactBonus: 0,
    };
  });
  if (steps.size > 0) liftSteps(scored, steps, data.weights.stepRank);
  // Each tier of name match lifts an entry above every entry of lower tiers, whatever their scores.
  let top = 0;
  for (const h of scored) top = Math.max(top, h.score);
  for (const h of scored) {
    h.exactBonus = h.candidate.exactTier * (top + 1);
    h.score += h.exactBonus;
  }
  return scored.sort((a, b) => b.score - a.score || a.candidate.doc - b.candidate.doc).slice(0, limit);
}

/** Lifts each implied step's best entry to rank `at` when it ranks lower. */
function liftSteps(scored: RankedHit[], steps: ReadonlyMap<number, string>, at: number): void {
  const others = scored.filter((h) => !steps.has(h.candidate.doc)).sort((a, b) => b.score - a.score);
  const bar = others[Math.min(at, others.length) - 1]?.score ?? 0;
  for (const h of scored) {
    const step = steps.get(h.candidate.doc);
    if (step === undefined) continue;
    h.step = step;
    h.stepBonus = Math.max(0, bar - h.score);
    h.score += h.stepBonus;
  }
}

/** The best entry (passing the filters) for each implied step of the query, ranked by the step's words alone. */
function stepBests(data: IndexData, parsed: ParsedQuery, opts: SearchQueryOptions): Map<number, string> {
  const best = new Map<number, string>();
  const memo = opts.kind === undefined && opts.server === undefined && opts.category === undefined;
  for (const step of parsed.steps) {
    let doc = memo ? data.stepBest.get(step.text) : undefined;
    if (doc === undefined) {
      const sub: ParsedQuery = {
        terms: step.terms.map((term) => ({ term, weight: 1, surface: term, expanded: false })),
        sequence: step.terms,
        steps: [],
      };
      const ids = resolveTermIds(data, sub);
      const pool = candidates(data, sub, ids, step.text, opts, STEP_POOL);
      collectMatches(data, sub, ids, pool);
      const top = finalScores(data, sub, pool, 1)[0];
      doc = top && top.score > 0 ? top.candidate.doc : -1;
      if (memo) {
        if (data.stepBest.size >= 64) data.stepBest.clear();
        data.stepBest.set(step.text, doc);
      }
    }
    if (doc >= 0 && !best.has(doc)) best.set(doc, step.text);
  }
  return best;
}

function emptyCandidate(data: IndexData, doc: number): Candidate {
  return { doc, lexical: 0, server: 0, exactTier: 0, priorFactor: priorFactor(data, doc), matches: [] };
}

export function rank(
  data: IndexData,
  query: string,
  opts: SearchQueryOptions,
): { parsed: ParsedQuery; hits: RankedHit[] } {
  const parsed = parseQuery(query, data);
  const limit = Math.max(1, Math.floor(opts.limit ?? 10));
  if (query.trim() === '') return { parsed, hits: [] };
  const steps =
    parsed.steps.length > 0 && data.weights.stepRank > 0 ? stepBests(data, parsed, opts) : undefined;
  const termIds = resolveTermIds(data, parsed);
  const pool = candidates(data, parsed, termIds, query, opts, Math.max(MIN_POOL, limit * 2));
  for (const doc of steps?.keys() ?? [])
    if (!pool.some((c) => c.doc === doc)) pool.push(emptyCandidate(data, doc));
  collectMatches(data, parsed, termIds, pool);
  return { parsed, hits: finalScores(data, parsed, pool, limit, steps) };
}
