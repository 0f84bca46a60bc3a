import { tokenize } from './tokenize.js';

/**
 * Finds tool names written in a query. Two strengths:
 * - identifier: a query token spelled like the name (`get_weather`, `getWeather`, `get-weather`), or a query
 *   that is nothing but the name; such a tool is ranked first.
 * - phrase: the name's words, stemmed and without stop words, appear in a row in the query ("beat tracking"
 *   for `beat_track`); only for names of two or more such words, since one word is ordinary vocabulary.
 */
export interface NameMatcher {
  identifiers: KeyedDocs;
  phrases: KeyedDocs;
  /**
   * First terms of the phrases, each with the most terms of a phrase it starts: most query positions start
   * none and are skipped at once, and the rest are extended no further than a phrase could reach.
   */
  phraseStarts: Map<string, number>;
  /** Bit set of `shape` of every identifier key: most query tokens are ruled out without compacting them. */
  keyShapes: Uint8Array;
}

/** Bits in `keyShapes`; a shape is a hash of a key's length and first and last characters. */
const SHAPE_BITS = 1 << 17;
const shape = (length: number, first: number, last: number) =>
  ((length * 31 + first) * 31 + last) & (SHAPE_BITS - 1);
/** Anything but an ASCII letter or digit. */
const NOT_ASCII_ALNUM = /[^A-Za-z0-9]/;
const asciiLower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/**
 * The shape `compact(token)` would have, for a token of ASCII letters and digits only (compacting just
 * lowercases it), read off without building it; -1 for other tokens. A regex test, since query tokens are
 * slices of the query, slow to read by char code.
 */
function tokenShape(token: string): number {
  if (token.length === 0 || NOT_ASCII_ALNUM.test(token)) return -1;
  return shape(token.length, asciiLower(token.charCodeAt(0)), asciiLower(token.charCodeAt(token.length - 1)));
}

function keyShapes(keys: string[]): Uint8Array {
  const bits = new Uint8Array(SHAPE_BITS >> 3);
  for (const key of keys) {
    if (key === '') continue;
    const s = shape(key.length, key.charCodeAt(0), key.charCodeAt(key.length - 1));
    bits[s >> 3] = (bits[s >> 3] as number) | (1 << (s & 7));
  }
  return bits;
}

/** Query tokens scanned for identifiers: enough for any real request, bounded for pasted documents. */
const MAX_QUERY_TOKENS = 4_096;
/** A run of letters, digits and `_ - .`, starting and ending with a letter or digit. */
const IDENTIFIER = /[\p{L}\p{N}](?:[\p{L}\p{N}_\-.]*[\p{L}\p{N}])?/gu;

/** Split and joined, not replaced: `join` makes one flat string, `replace` a chain of pieces a key keeps. */
function compact(name: string): string {
  return name
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .join('');
}

/**
 * Documents by key with no array per key (a catalog's names are nearly all distinct): a key maps to its first
 * document, and `next` links each document to the following one with the same key (-1 ends).
 */
interface KeyedDocs {
  first: Map<string, number>;
  next: Int32Array;
}

/** Keyed documents from keys per document ('' for none). */
function keyedDocs(keys: string[]): KeyedDocs {
  const k: KeyedDocs = { first: new Map(), next: new Int32Array(keys.length) };
  // Backwards, so that each key's list comes out in document order.
  for (let doc = keys.length - 1; doc >= 0; doc--) {
    const key = keys[doc] as string;
    if (key === '') continue;
    k.next[doc] = k.first.get(key) ?? -1;
    k.first.set(key, doc);
  }
  return k;
}

function addDocs(k: KeyedDocs, key: string, out: Set<number>): void {
  for (let doc = k.first.get(key) ?? -1; doc >= 0; doc = k.next[doc] as number) out.add(doc);
}

export function buildNameMatcher(names: string[]): NameMatcher {
  const phraseStarts = new Map<string, number>();
  const phrases = names.map((name) => {
    const terms = tokenize(name);
    if (terms.length < 2) return '';
    const start = terms[0] as string;
    phraseStarts.set(start, Math.max(phraseStarts.get(start) ?? 0, terms.length));
    return terms.join(' ');
  });
  const keys = names.map(compact);
  return {
    identifiers: keyedDocs(keys),
    keyShapes: keyShapes(keys),
    phrases: keyedDocs(phrases),
    phraseStarts,
  };
}

/** Looks like an identifier, not a plain word: has `_`, `-` or `.` inside, or a lower-to-upper case change. */
function identifierLike(token: string): boolean {
  let ascii = true;
  for (let i = 1; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 95 || c === 45 || c === 46) return true;
    const prev = token.charCodeAt(i - 1);
    if (c >= 65 && c <= 90 && prev >= 97 && prev <= 122) return true;
    if (c >= 128) ascii = false;
  }
  return !ascii && /\p{Ll}\p{Lu}/u.test(token);
}

export interface NameMatches {
  identifier: Set<number>;
  phrase: Set<number>;
}

/** `terms` are the query's stemmed terms in order (repeats kept), as the tokenizer produced them. */
export function matchNames(m: NameMatcher, query: string, terms: string[]): NameMatches {
  const identifier = new Set<number>();
  const tokens: string[] = [];
  for (const match of query.matchAll(IDENTIFIER)) {
    tokens.push(match[0]);
    if (tokens.length >= MAX_QUERY_TOKENS) break;
  }
  for (const token of tokens) {
    if (tokens.length > 1 && !identifierLike(token)) continue;
    const s = tokenShape(token);
    if (s >= 0 && ((m.keyShapes[s >> 3] as number) & (1 << (s & 7))) === 0) continue;
    addDocs(m.identifiers, compact(token), identifier);
  }
  const phrase = new Set<number>();
  for (let i = 0; i + 1 < terms.length; i++) {
    let key = terms[i] as string;
    const longest = m.phraseStarts.get(key) ?? 0;
    for (let n = 2; n <= longest && i + n <= terms.length; n++) {
      key = `${key} ${terms[i + n - 1]}`;
      addDocs(m.phrases, key, phrase);
    }
  }
  return { identifier, phrase };
}
