import { stem } from 'porter2';
import { STOP_WORDS } from './stopwords.js';

/** Queries are cut to this many distinct terms: a pasted 100 KB document costs no more than a long task. */
/** A task in words rarely has 20 distinct terms (90 % of the benchmark tasks); past 64 it is pasted text. */
export const MAX_QUERY_TERMS = 64;

/** Letters, digits and combining marks (and surrogate halves, whose pair is nearly always a letter). */
const WORD_CHAR = /[\p{L}\p{N}\p{M}\uD800-\uDFFF]/u;

/**
 * Words are runs of letters or digits; everything else (spaces, `_`, `-`, `.`, `/`, punctuation) separates
 * them. ASCII is decided by char code, since this runs for every character of every query.
 */
function isWordChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  return WORD_CHAR.test(text[i] as string);
}
/** Scripts written without spaces: indexed as overlapping character pairs, the usual CJK retrieval unit. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/u;
const UNSPACED_RUNS = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+)/u;

/** Terms kept by `emitWord`'s memo before it starts over: vocabularies are small, a flood of new words is not. */
const STEM_CACHE_MAX = 50_000;

/** Porter2 stem of a lowercase word; numbers stay as they are. */
export function stemWord(word: string): string {
  return /^\p{N}+$/u.test(word) ? word : stem(word);
}

const isUpper = (c: number) => c >= 65 && c <= 90;
const isLowerOrDigit = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/**
 * Splits `getWeatherByCity`, `HTMLToText` and `npmVulnerabilities` into their words. ASCII words take a
 * char-code scan (this runs for every capitalised query word); others take the Unicode-aware regexes.
 */
function splitCamel(word: string): string[] {
  let ascii = true;
  for (let i = 0; i < word.length && ascii; i++) ascii = word.charCodeAt(i) < 128;
  if (!ascii) {
    return word
      .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
      .split(' ');
  }
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i < word.length; i++) {
    const prev = word.charCodeAt(i - 1);
    const cur = word.charCodeAt(i);
    const next = i + 1 < word.length ? word.charCodeAt(i + 1) : 0;
    if (isUpper(cur) && (isLowerOrDigit(prev) || (isUpper(prev) && next >= 97 && next <= 122))) {
      parts.push(word.slice(start, i));
      start = i;
    }
  }
  parts.push(word.slice(start));
  return parts;
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

/** True when the text has a character from U+2E80 on, where the unspaced scripts start: a cheap pre-check. */
export function mayHaveCjk(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x2e80) return true;
  return false;
}

/** Lowercase word -> its index term, or '' for a word that is dropped (too short, or a stop word). */
const termCache = new Map<string, string>();

function emitWord(lower: string, out: (term: string, surface: string) => boolean): boolean {
  let term = termCache.get(lower);
  if (term === undefined) {
    term = (lower.length < 2 && !/\p{N}/u.test(lower)) || STOP_WORDS.has(lower) ? '' : stemWord(lower);
    if (termCache.size >= STEM_CACHE_MAX) termCache.clear();
    termCache.set(lower, term);
  }
  return term === '' || out(term, lower);
}

/**
 * Calls `out(term, surface)` for each index term of `text`: snake_case, camelCase and kebab-case split,
 * lowercased, stop words dropped, Porter2-stemmed; Han and kana runs become character bigrams.
 * `out` returns false to stop early, which is how queries cap their cost.
 */
export function eachTerm(text: string, out: (term: string, surface: string) => boolean): void {
  for (let i = 0; i < text.length; ) {
    if (!isWordChar(text, i)) {
      i++;
      continue;
    }
    const start = i;
    // ASCII is scanned here by char code; a word of lowercase ASCII letters and digits (most words) is done.
    let plain = true;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) continue;
      if (c >= 65 && c <= 90) plain = false;
      else if (c < 128) break;
      else if (WORD_CHAR.test(text[i] as string)) plain = false;
      else break;
    }
    const word = text.slice(start, i);
    if (plain) {
      if (!emitWord(word, out)) return;
      continue;
    }
    const lower = word.toLowerCase();
    const parts = word === lower ? [word] : splitCamel(word);
    for (const part of parts) {
      if (!mayHaveCjk(part)) {
        if (!emitWord(part === word ? lower : part.toLowerCase(), out)) return;
        continue;
      }
      for (const piece of part.split(UNSPACED_RUNS)) {
        if (piece === '') continue;
        if (!(UNSPACED.test(piece) ? bigrams(piece, out) : emitWord(piece.toLowerCase(), out))) return;
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
