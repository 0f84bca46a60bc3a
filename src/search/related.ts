import { readFileSync } from 'node:fs';
import { tsvTable } from './tsv.js';

/**
 * Related terms for query expansion: stem -> related stems with a similarity in (0, 1]. Made offline by
 * `scripts/build-search-data.ts` from word vectors and WordNet. Rows stay as text until asked for, so the
 * loaded table costs little memory.
 */
export interface RelatedTerms {
  readonly size: number;
  get(term: string): ReadonlyArray<readonly [string, number]> | undefined;
  terms(): Iterable<string>;
}

function parseRow(row: string): Array<readonly [string, number]> {
  const list: Array<readonly [string, number]> = [];
  for (const item of row.split(' ')) {
    const colon = item.lastIndexOf(':');
    const sim = Number(item.slice(colon + 1)) / 100;
    if (colon > 0 && sim > 0 && sim <= 1) list.push([item.slice(0, colon), sim]);
  }
  return list;
}

/** Parses the TSV form: `stem<TAB>other:87 another:64`, similarities in hundredths. */
export function parseRelatedTerms(text: string): RelatedTerms {
  const rows = tsvTable(text);
  return {
    size: rows.size,
    get: (term) => {
      const row = rows.get(term);
      return row === undefined ? undefined : parseRow(row);
    },
    terms: () => rows.keys(),
  };
}

export function loadRelatedTerms(file: string): RelatedTerms {
  return parseRelatedTerms(readFileSync(file, 'utf8'));
}
