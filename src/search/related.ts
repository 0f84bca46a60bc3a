import { readFileSync } from 'node:fs';

/**
 * Related terms for query expansion: stem -> [related stem, similarity in (0, 1]]. Made offline by
 * `scripts/build-search-data.ts` from word vectors and WordNet; search only looks them up, so expanding a
 * query costs a map lookup per term.
 */
export type RelatedTerms = ReadonlyMap<string, ReadonlyArray<readonly [string, number]>>;

/** Parses the TSV form: `stem<TAB>other:87 another:64`, similarities in hundredths. */
export function parseRelatedTerms(text: string): RelatedTerms {
  const map = new Map<string, Array<readonly [string, number]>>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const list: Array<readonly [string, number]> = [];
    for (const item of line.slice(tab + 1).split(' ')) {
      const colon = item.lastIndexOf(':');
      const sim = Number(item.slice(colon + 1)) / 100;
      if (colon > 0 && sim > 0 && sim <= 1) list.push([item.slice(0, colon), sim]);
    }
    if (list.length > 0) map.set(line.slice(0, tab), list);
  }
  return map;
}

export function loadRelatedTerms(file: string): RelatedTerms {
  return parseRelatedTerms(readFileSync(file, 'utf8'));
}
