import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Glossary, loadGlossary } from './glossary.js';
import { loadRelatedTerms, type RelatedTerms } from './related.js';

/** The shipped expansion tables; the same relative path holds from src/search (tsx) and dist/search (built). */
const DIR = join(import.meta.dirname, '../../data/search');
export const RELATED_TERMS_FILE = join(DIR, 'related-terms.tsv');
export const GLOSSARY_FILE = join(DIR, 'zh-en.tsv');

let loaded: { related?: RelatedTerms; glossary?: Glossary } | undefined;

/**
 * The related-term and Chinese-English tables, read once per process. A build without them (a trimmed install)
 * still searches, with plain terms only.
 */
export function defaultTables(): { related?: RelatedTerms; glossary?: Glossary } {
  loaded ??= {
    ...(existsSync(RELATED_TERMS_FILE) && { related: loadRelatedTerms(RELATED_TERMS_FILE) }),
    ...(existsSync(GLOSSARY_FILE) && { glossary: loadGlossary(GLOSSARY_FILE) }),
  };
  return loaded;
}
