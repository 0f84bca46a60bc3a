import type { Catalog } from '../store/catalog.js';
import { buildIndexData } from './build.js';
import { toHits } from './hits.js';
import { rank } from './rank.js';
import type { SearchHit, SearchIndex, SearchOptions, SearchQueryOptions } from './types.js';

/**
 * Builds an in-memory index of a catalog's tools, resources, resource templates and prompts.
 *
 * `search(query)` ranks entries by BM25F over their fields (name, server, title, description, parameter
 * names and docs, annotations, URI), plus how well the entry's server fits the whole task, expansions from an
 * action lexicon and optional related terms, a bonus for matching several of the task's words, the best
 * tool for each step the task implies (lifted into the first page), a tool name written in the query (ranked
 * first), and an optional usage prior.
 * An empty or blank query returns []. Only the first MAX_QUERY_TERMS (64) distinct terms of a query are
 * used, so a huge query costs about as much as a long one.
 */
export function buildSearchIndex(catalog: Catalog, options: SearchOptions = {}): SearchIndex {
  const data = buildIndexData(catalog, options);
  return {
    size: {
      entries: data.entries.length,
      servers: data.serverNames.length,
      terms: data.entryPostings.terms.size,
    },
    search(query: string, opts: SearchQueryOptions = {}): SearchHit[] {
      if (query.trim() === '') return [];
      const { parsed, hits } = rank(data, query, opts);
      return toHits(data, parsed, hits, opts.explain === true);
    },
  };
}
