import {
  type Catalog,
  type CatalogEntry,
  type CatalogServer,
  EntryKindSchema,
  entryId,
} from '../store/catalog.js';
import { type Category, CategorySchema, categorize } from './category.js';
import { entryTerms, FIELDS, fieldB } from './fields.js';
import { type Glossary, translatedTerms } from './glossary.js';
import { buildNameMatcher, type NameMatcher } from './names.js';
import { type FieldSpec, type Postings, PostingsBuilder, postingCount } from './postings.js';
import type { RelatedTerms } from './related.js';
import { tokenize } from './tokenize.js';
import type { TopK } from './topk.js';
import type { RankWeights, SearchOptions } from './types.js';

/**
 * The defaults. Field boosts are the usual "name beats description beats schema" order, not fitted values.
 * Five were tuned on LiveMCPBench and the held-out set together (bench/retrieval.ts), each chosen inside a
 * range of values that score alike on both sets rather than at a peak: `action` (from 1), `coord` (from 0),
 * `related` (from 0.5), `k1` (from 1.2) and the description boost (from 1: long descriptions repeat words the
 * name already says); the rest are the first values tried.
 */
export const DEFAULT_WEIGHTS: RankWeights = {
  k1: 1.6,
  fields: {
    name: 3,
    server: 1.5,
    title: 2,
    description: 0.6,
    params: 0.7,
    param_docs: 0.4,
    annotations: 0.5,
    uri: 1,
    translated: 0.7,
  },
  server: 0.5,
  action: 0.3,
  lexicon: 0.5,
  related: 0.3,
  implied: 0.3,
  translation: 0.7,
  coord: 0.6,
  stepRank: 5,
};

/** A server's own words (name, title, description) against the text of all its tools. */
const SERVER_FIELDS: FieldSpec[] = [
  { weight: 3, b: 0.5 },
  { weight: 1, b: 0.75 },
  { weight: 1, b: 0.75 },
  { weight: 0.5, b: 0.75 },
];

/** Everything search needs, precomputed once per catalog version. */
export interface IndexData {
  entries: CatalogEntry[];
  ids: string[];
  categories: Category[];
  categoryCodes: Uint8Array;
  kindCodes: Uint8Array;
  serverOf: Uint32Array;
  servers: CatalogServer[];
  serverNames: string[];
  serverIds: Map<string, number>;
  serverEntries: Uint32Array[];
  entryPostings: Postings;
  serverPostings: Postings;
  names: NameMatcher;
  weights: RankWeights;
  /** Whether a term occurs in any entry or server. */
  known: (term: string) => boolean;
  /** Whether a term may join a query as an expansion (see `expandableTerm`). */
  expandable: (term: string) => boolean;
  related: RelatedTerms | undefined;
  glossary: Glossary | undefined;
  /** Memo of each query word's expansions that this index can match, with their weights (see query.ts). */
  expansions: Map<string, Array<readonly [string, number]>>;
  /**
   * Memo of each implied step's best entry (-1 for none) for queries without filters: it then depends on the
   * index alone (usage priors included: they are fixed when the index is built), and there are a handful of
   * step texts.
   */
  stepBest: Map<string, number>;
  priors: ((id: string) => number | undefined) | undefined;
  priorWeight: number;
  /**
   * Scratch reused by every search (search is synchronous): no per-query allocation sized by the catalog.
   * `touched` and `touchedServers` have one slot to spare, which `accumulateTouching` writes.
   */
  scratch: {
    entryScores: Float64Array;
    touched: Uint32Array;
    seen: Uint8Array;
    serverScores: Float64Array;
    touchedServers: Uint32Array;
    serverSeen: Uint8Array;
    candidateOf: Int32Array;
    /** Per query term: its term id, and the positions of the frequent terms (grown on demand). */
    termIds: { ids: Int32Array; frequent: Int32Array };
    /** The pool's documents, to visit them in document order. */
    poolDocs: Uint32Array;
    /** Top-k heaps by k, reused across searches. */
    topK: Map<number, TopK>;
  };
}

function resolveWeights(partial: Partial<RankWeights> | undefined): RankWeights {
  return { ...DEFAULT_WEIGHTS, ...partial, fields: { ...DEFAULT_WEIGHTS.fields, ...partial?.fields } };
}

/**
 * Made outside `buildIndexData`: a closure there would share its scope, and keep every build-time array
 * (each entry's terms) alive for as long as the index.
 */
function knownTerm(vocabulary: Map<string, number>): (term: string) => boolean {
  return (t) => vocabulary.has(t);
}

/** Expansions in more entries than this, and than this share of them, are dropped (only large catalogs have such). */
const EXPANSION_MAX = 500;
const EXPANSION_MAX_SHARE = 0.05;

/**
 * An expansion is a guess: one the index does not hold matches nothing, and one that matches a large part of a
 * large catalog adds little but costs a long posting walk. Outside `buildIndexData` for the reason `knownTerm` is.
 */
function expandableTerm(vocabulary: Map<string, number>, entries: Postings): (term: string) => boolean {
  const max = Math.max(EXPANSION_MAX, entries.docCount * EXPANSION_MAX_SHARE);
  return (t) => {
    const id = vocabulary.get(t);
    return id !== undefined && postingCount(entries, id) <= max;
  };
}

export function buildIndexData(catalog: Catalog, options: SearchOptions = {}): IndexData {
  const weights = resolveWeights(options.weights);
  const serverIds = new Map<string, number>();
  const servers: CatalogServer[] = [];
  const serverOfName = (name: string, server?: CatalogServer): number => {
    let id = serverIds.get(name);
    if (id === undefined) {
      id = servers.length;
      serverIds.set(name, id);
      servers.push(server ?? { name, origin: 'probed' });
    }
    return id;
  };
  for (const s of catalog.servers) serverOfName(s.name, s);

  const entries = catalog.entries;
  const serverOf = new Uint32Array(entries.length);
  // Entries and servers share term ids: a query term is looked up once for both.
  const vocabulary = new Map<string, number>();
  const entryTermIds = new PostingsBuilder(
    FIELDS.map((f) => ({ weight: weights.fields[f] ?? 0, b: fieldB(f) })),
    vocabulary,
  );
  const categories: Category[] = [];
  /** Per server: its tools' names, and their titles and descriptions. */
  const toolText: Array<{ names: string[]; docs: string[] }> = [];
  entries.forEach((entry, i) => {
    const sid = serverOfName(entry.server);
    serverOf[i] = sid;
    const server = servers[sid];
    entryTermIds.add(entryTerms(entry, server, options.glossary));
    categories.push(categorize(entry, server));
    const text = toolText[sid] ?? { names: [], docs: [] };
    toolText[sid] = text;
    text.names.push(entry.name);
    text.docs.push(entry.title ?? '', entry.description);
  });

  const serverTermIds = new PostingsBuilder(SERVER_FIELDS, vocabulary);
  servers.forEach((s, sid) => {
    const names = toolText[sid]?.names.join(' ') ?? '';
    const docs = toolText[sid]?.docs.join(' ') ?? '';
    const about = `${s.title ?? ''} ${s.description ?? ''}`;
    serverTermIds.add([
      tokenize(`${s.name} ${s.title ?? ''}`),
      [...tokenize(s.description ?? ''), ...translatedTerms(about, options.glossary)],
      tokenize(names),
      [...tokenize(docs), ...translatedTerms(docs, options.glossary)],
    ]);
  });
  const serverEntries = servers.map(() => [] as number[]);
  serverOf.forEach((sid, i) => {
    serverEntries[sid]?.push(i);
  });

  const entryPostings = entryTermIds.build(weights.k1);
  const serverPostings = serverTermIds.build(weights.k1);
  return {
    entries,
    ids: entries.map(entryId),
    categories,
    categoryCodes: Uint8Array.from(categories, (c) => CategorySchema.options.indexOf(c)),
    kindCodes: Uint8Array.from(entries, (e) => EntryKindSchema.options.indexOf(e.kind)),
    serverOf,
    servers,
    serverNames: servers.map((s) => s.name),
    serverIds,
    serverEntries: serverEntries.map((list) => Uint32Array.from(list)),
    entryPostings,
    serverPostings,
    known: knownTerm(vocabulary),
    expandable: expandableTerm(vocabulary, entryPostings),
    names: buildNameMatcher(entries.map((e) => e.name)),
    weights,
    related: options.related,
    glossary: options.glossary,
    expansions: new Map(),
    stepBest: new Map(),
    priors: options.priors,
    priorWeight: options.priorWeight ?? 0,
    scratch: {
      entryScores: new Float64Array(entries.length),
      touched: new Uint32Array(entries.length + 1),
      seen: new Uint8Array(entries.length),
      serverScores: new Float64Array(servers.length),
      touchedServers: new Uint32Array(servers.length + 1),
      serverSeen: new Uint8Array(servers.length),
      candidateOf: new Int32Array(entries.length).fill(-1),
      termIds: { ids: new Int32Array(256), frequent: new Int32Array(256) },
      poolDocs: new Uint32Array(64),
      topK: new Map(),
    },
  };
}
