export { DEFAULT_WEIGHTS } from './build.js';
export { type Category, CategorySchema, categorize } from './category.js';
export { type Glossary, loadGlossary, parseGlossary } from './glossary.js';
export { reference } from './reference.js';
export { loadRelatedTerms, parseRelatedTerms, type RelatedTerms } from './related.js';
export { buildSearchIndex } from './search-index.js';
export { defaultTables } from './tables.js';
export { MAX_QUERY_TERMS, tokenize } from './tokenize.js';
export type { RankWeights, SearchHit, SearchIndex, SearchOptions, SearchQueryOptions } from './types.js';
