import { stem } from 'porter2';
import { STOP_WORDS } from './stopwords.js';

/** Queries are cut to this many distinct terms: a pasted 100 KB document costs no more than a long task. */
export const MAX_QUERY_TERMS = 256;

/** Runs of letters or digits; everything else (spaces, `_`, `-`, `.`, `/`, punctuation) separates words. */
const WORD = /[\p{L}\p{N}]+/gu;
/** Scripts written without spaces: indexed as overlapping character pairs, the usual CJK retrieval unit. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/u;
const UNSPACED_RUNS = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+)/u;

const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 50_000;

/** Porter2 stem of a lowercase word, memoised because catalog and query vocabularies are small and repetitive. */
export function stemWord(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = /^\p{N}+$/u.test(word) ? word : stem(word);
    if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Splits `getWeatherByCity`, `HTMLToText` and `npmVulnerabilities` into their words. */
function splitCamel(word: string): string[] {
  return word
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .split(' ');
}

/** Character bigrams of a run in an unspaced script; a lone character stands for itself. */
function bigrams(run: string, out: (term: string, surface: string) => boolean): boolean {
  const chars = Array.from(run);
  if (chars.length === 1) return out(run, run);
  for (let i = 0; i + 1 < chars.length; i++) {
    const pair = `${chars[i]}${chars[i + 1]}`;
    if (!out(pair, pair)) return false;
  }
  return true;
}

/**
 * Calls `out(term, surface)` for each index term of `text`: snake_case, camelCase and kebab-case split,
 * lowercased, stop words dropped, Porter2-stemmed; Han and kana runs become character bigrams.
 * `out` returns false to stop early, which is how queries cap their cost.
 */
export function eachTerm(text: string, out: (term: string, surface: string) => boolean): void {
  for (const match of text.matchAll(WORD)) {
    for (const part of splitCamel(match[0])) {
      const pieces = UNSPACED.test(part) ? part.split(UNSPACED_RUNS) : [part];
      for (const piece of pieces) {
        if (piece === '') continue;
        if (UNSPACED.test(piece)) {
          if (!bigrams(piece, out)) return;
          continue;
        }
        const lower = piece.toLowerCase();
        if (lower.length < 2 && !/\p{N}/u.test(lower)) continue;
        if (STOP_WORDS.has(lower)) continue;
        if (!out(stemWord(lower), lower)) return;
      }
    }
  }
}

/** All terms of a text, in order, with repeats: what the index counts. */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  eachTerm(text, (t) => {
    terms.push(t);
    return true;
  });
  return terms;
}

/** The first `limit` distinct terms of a query, each with the first surface word it came from. */
export function queryTerms(text: string, limit = MAX_QUERY_TERMS): Map<string, string> {
  const terms = new Map<string, string>();
  eachTerm(text, (t, surface) => {
    if (!terms.has(t)) terms.set(t, surface);
    return terms.size < limit;
  });
  return terms;
}
