import { type Glossary, translate } from './glossary.js';
import { ACTION_LEXICON, impliedWords } from './lexicon.js';
import type { RelatedTerms } from './related.js';
import { impliedSteps } from './steps.js';
import { eachTerm, MAX_QUERY_TERMS, tokenize } from './tokenize.js';
import type { RankWeights } from './types.js';

/** A weighted query term: the user's own word (weight 1) or one the query implies or is related to. */
export interface QueryTerm {
  term: string;
  weight: number;
  /** The user's word this term stands for, or came from. */
  surface: string;
  expanded: boolean;
}

/** A step the task implies (see `impliedSteps`): a short query and its index terms. */
export interface Step {
  text: string;
  terms: string[];
}

export interface ParsedQuery {
  terms: QueryTerm[];
  /** The query's terms in order with repeats, for finding tool names written as phrases. */
  sequence: string[];
  steps: Step[];
}

/** Terms kept in order for phrase matching; a phrase is a few words, so the head of a long query is enough. */
const MAX_SEQUENCE = 512;

/**
 * Turns a query into weighted terms: its first MAX_QUERY_TERMS distinct terms, then their expansions from the
 * action lexicon and related terms, then words implied by URLs, paths and file names. An expansion keeps the
 * highest weight offered for it and never displaces a word the user wrote. `known` says whether the index
 * holds a term; `expandable` whether it may come in as an expansion: expansions that could match nothing, or
 * too much, are dropped at once.
 */
export interface QueryContext {
  weights: RankWeights;
  related: RelatedTerms | undefined;
  glossary: Glossary | undefined;
  known: (term: string) => boolean;
  expandable: (term: string) => boolean;
  expansions: Map<string, Array<readonly [string, number]>>;
}

/** Memo entries kept before the memo starts over: query vocabularies are small, a flood of new words is not. */
const MAX_MEMO = 20_000;

/** A query word's lexicon and related-term expansions that the index can match, weighted; memoised. */
function expansionsOf(ctx: QueryContext, term: string): ReadonlyArray<readonly [string, number]> {
  let list = ctx.expansions.get(term);
  if (list) return list;
  const best = new Map<string, number>();
  const offer = (t: string, w: number) => {
    if (w > 0 && ctx.expandable(t) && w > (best.get(t) ?? 0)) best.set(t, w);
  };
  for (const other of ACTION_LEXICON.get(term) ?? []) offer(other, ctx.weights.lexicon);
  for (const [other, sim] of ctx.related?.get(term) ?? []) offer(other, sim * ctx.weights.related);
  list = [...best];
  if (ctx.expansions.size >= MAX_MEMO) ctx.expansions.clear();
  ctx.expansions.set(term, list);
  return list;
}

export function parseQuery(query: string, ctx: QueryContext): ParsedQuery {
  const { weights, known, expandable } = ctx;
  const terms = new Map<string, QueryTerm>();
  const direct: QueryTerm[] = [];
  const sequence: string[] = [];
  eachTerm(query, (term, surface) => {
    if (sequence.length < MAX_SEQUENCE) sequence.push(term);
    if (direct.length < MAX_QUERY_TERMS && !terms.has(term)) {
      const q = { term, weight: ACTION_LEXICON.has(term) ? weights.action : 1, surface, expanded: false };
      terms.set(term, q);
      direct.push(q);
    }
    return direct.length < MAX_QUERY_TERMS || sequence.length < MAX_SEQUENCE;
  });

  /** Adds an expandable term with a weight above 0. */
  const add = (term: string, weight: number, surface: string) => {
    const cur = terms.get(term);
    if (!cur) terms.set(term, { term, weight, surface, expanded: true });
    else if (cur.expanded && cur.weight < weight) cur.weight = weight;
  };
  const offer = (term: string, weight: number, surface: string) => {
    if (weight > 0 && expandable(term)) add(term, weight, surface);
  };
  for (const q of direct) {
    const list = expansionsOf(ctx, q.term);
    for (let i = 0; i < list.length; i++) {
      const e = list[i] as readonly [string, number];
      add(e[0], e[1], q.surface);
    }
  }
  translate(query.slice(0, 10_000), ctx.glossary, (term, word) => {
    offer(term, weights.translation, word);
    return terms.size < 2 * MAX_QUERY_TERMS;
  });
  eachTerm(impliedWords(query.slice(0, 100_000)), (term, surface) => {
    offer(term, weights.implied, surface);
    return true;
  });
  const steps = impliedSteps(query.slice(0, 100_000))
    .map((text) => ({ text, terms: tokenize(text).filter(known) }))
    .filter((step) => step.terms.length > 0);
  return { terms: [...terms.values()], sequence, steps };
}
