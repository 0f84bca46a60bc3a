import { readFileSync } from 'node:fs';
import { mayHaveCjk } from './tokenize.js';
import { tsvTable } from './tsv.js';

/**
 * Chinese -> English glosses (stemmed index terms), made offline by `scripts/build-search-data.ts` from
 * CC-CEDICT. With it a Chinese description matches an English query and a Chinese query matches English tools.
 */
export interface Glossary {
  readonly size: number;
  has(word: string): boolean;
  get(word: string): readonly string[] | undefined;
  words(): Iterable<string>;
}

/** Longest dictionary word tried when segmenting; CC-CEDICT's common words are two to four characters. */
const MAX_WORD = 4;
const HAN_RUN = /\p{Script=Han}+/gu;

/** Parses the TSV form: `中文<TAB>term term`. Rows stay as text until asked for, to keep the table small. */
export function parseGlossary(text: string): Glossary {
  const rows = tsvTable(text);
  return {
    size: rows.size,
    has: (w) => rows.has(w),
    get: (w) => rows.get(w)?.split(' ').filter(Boolean),
    words: () => rows.keys(),
  };
}

export function loadGlossary(file: string): Glossary {
  return parseGlossary(readFileSync(file, 'utf8'));
}

/** English terms of the Chinese in `text`: each Han run segmented by longest dictionary match, then glossed. */
export function translate(
  text: string,
  glossary: Glossary | undefined,
  out: (term: string, word: string) => boolean,
): void {
  if (!glossary || !mayHaveCjk(text)) return;
  for (const match of text.matchAll(HAN_RUN)) {
    const chars = Array.from(match[0]);
    let i = 0;
    while (i < chars.length) {
      let len = Math.min(MAX_WORD, chars.length - i);
      while (len > 1 && !glossary.has(chars.slice(i, i + len).join(''))) len--;
      const word = chars.slice(i, i + len).join('');
      for (const term of glossary.get(word) ?? []) if (!out(term, word)) return;
      i += len;
    }
  }
}

/** All gloss terms of a text, with repeats, as the index counts them. */
export function translatedTerms(text: string, glossary: Glossary | undefined): string[] {
  const terms: string[] = [];
  translate(text, glossary, (t) => {
    terms.push(t);
    return true;
  });
  return terms;
}
