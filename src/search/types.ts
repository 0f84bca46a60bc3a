import type { CatalogEntry, EntryKind } from '../store/catalog.js';
import type { Category } from './category.js';
import type { Glossary } from './glossary.js';
import type { RelatedTerms } from './related.js';

/** Global ranking weights; DEFAULT_WEIGHTS says which were tuned. */
export interface RankWeights {
  /** BM25 saturation for entries and for servers. */
  k1: number;
  /** Field boosts of entries (BM25F). */
  fields: Record<string, number>;
  /** Share of the best entry score that a fully fitting server adds to each of its entries. */
  server: number;
  /** Weight of a query word that names an action (find, create, ...): actions say less than objects. */
  action: number;
  /** Weight of a word from the action lexicon relative to a query word. */
  lexicon: number;
  /** Multiplier on related-term similarities (word vectors, WordNet). */
  related: number;
  /** Words implied by URLs, paths and file extensions in the query. */
  implied: number;
  /** Weight of English glosses of a query's Chinese words. */
  translation: number;
  /** Exponent of the number of distinct query words an entry matches, multiplied into its lexical score. */
  coord: number;
  /**
   * Rank the best entry for each step the task implies ("write file" for "save it to /x/a.md") is lifted to:
   * below the task's own best matches, inside the first page; such a step is a small part of the task's words
   * and would otherwise sink. 0 turns steps off.
   */
  stepRank: number;
}

export interface SearchOptions {
  /** Learned usage signal per entry id in [-1, 1] (bad..good); undefined means no data and changes nothing. */
  priors?: (entryId: string) => number | undefined;
  /** How strongly priors move scores: the score is multiplied by `1 + priorWeight * prior`. Default 0. */
  priorWeight?: number;
  /** Related terms for query expansion (see `loadRelatedTerms`); without them only the lexicon expands. */
  related?: RelatedTerms;
  /** Chinese -> English glosses (see `loadGlossary`): Chinese text and English text then match each other. */
  glossary?: Glossary;
  /** Overrides of the ranking weights, for benchmarks and ablations. */
  weights?: Partial<RankWeights>;
}

export interface SearchQueryOptions {
  limit?: number;
  server?: string;
  category?: Category;
  kind?: EntryKind | EntryKind[];
  explain?: boolean;
}

export interface SearchHit {
  id: string;
  entry: CatalogEntry;
  score: number;
  category: Category;
  /** A short sentence saying why the entry ranks here. */
  reason: string;
  /** Each field's and signal's share of `score`; they add up to it. */
  explain?: { fields: Record<string, number>; signals: Record<string, number> };
}

export interface SearchIndex {
  /** Entries and servers indexed. */
  readonly size: { entries: number; servers: number; terms: number };
  search(query: string, opts?: SearchQueryOptions): SearchHit[];
}
