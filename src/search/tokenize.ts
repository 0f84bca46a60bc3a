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
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLowerOrDigit = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/** Splits a camelCase word with letters beyond ASCII into its words (ASCII words take `emitAsciiCamel`). */
function splitCamel(word: string): string[] {
  return word
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .split(' ');
}

/**
 * Emits the words of an ASCII camelCase word (`getWeatherByCity`, `HTMLToText`), each lowercased, by a
 * char-code scan: this runs for every capitalised query word. False when `out` stopped.
 */
function emitAsciiCamel(word: string, out: (term: string, surface: string) => boolean): boolean {
  const lower = word.toLowerCase();
  let start = 0;
  for (let i = 1; i < word.length; i++) {
    const cur = word.charCodeAt(i);
    if (!isUpper(cur)) continue;
    const prev = word.charCodeAt(i - 1);
    const next = i + 1 < word.length ? word.charCodeAt(i + 1) : 0;
    if (isLowerOrDigit(prev) || (isUpper(prev) && next >= 97 && next <= 122)) {
      // A one-letter part is dropped by emitWord anyway: skip cutting and looking it up.
      if (!(i - start === 1 && !isDigit(lower.charCodeAt(start))) && !emitWord(lower.slice(start, i), out))
        return false;
      start = i;
    }
  }
  return emitWord(start === 0 ? lower : lower.slice(start), out);
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
  // A long text (a query cut to its head is a sliced string, slow to read by char code) takes the regex scan.
  if (text.length > 64) return FROM_2E80.test(text);
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x2e80) return true;
  return false;
}
const FROM_2E80 = /[\u2e80-\uffff]/;

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
    let ascii = true;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) continue;
      if (c >= 65 && c <= 90) plain = false;
      else if (c < 128) break;
      else if (WORD_CHAR.test(text[i] as string)) plain = ascii = false;
      else break;
    }
    const word = text.slice(start, i);
    if (plain) {
      if (!emitWord(word, out)) return;
      continue;
    }
    if (ascii) {
      // ASCII with capitals: split as splitCamel does, and cut each part from the word lowercased once
      // (ASCII lowercasing keeps positions), so no array of parts and no lowercasing per part.
      if (!emitAsciiCamel(word, out)) return;
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
