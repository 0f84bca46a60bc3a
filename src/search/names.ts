import { tokenize } from './tokenize.js';

/**
 * Finds tool names written in a query. Two strengths:
 * - identifier: a query token spelled like the name (`get_weather`, `getWeather`, `get-weather`), or a query
 *   that is nothing but the name; such a tool is ranked first.
 * - phrase: the name's words, stemmed and without stop words, appear in a row in the query ("beat tracking"
 *   for `beat_track`); only for names of two or more such words, since one word is ordinary vocabulary.
 */
export interface NameMatcher {
  identifiers: Map<string, number[]>;
  phrases: Map<string, number[]>;
  /** First terms of the phrases: most query positions start none, and are skipped at once. */
  phraseStarts: Set<string>;
  maxPhraseTerms: number;
}

/** Query tokens scanned for identifiers: enough for any real request, bounded for pasted documents. */
const MAX_QUERY_TOKENS = 4_096;
/** A run of letters, digits and `_ - .`, starting and ending with a letter or digit. */
const IDENTIFIER = /[\p{L}\p{N}](?:[\p{L}\p{N}_\-.]*[\p{L}\p{N}])?/gu;

function compact(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function add(map: Map<string, number[]>, key: string, doc: number): void {
  const list = map.get(key);
  if (list) list.push(doc);
  else map.set(key, [doc]);
}

export function buildNameMatcher(names: string[]): NameMatcher {
  const m: NameMatcher = {
    identifiers: new Map(),
    phrases: new Map(),
    phraseStarts: new Set(),
    maxPhraseTerms: 0,
  };
  names.forEach((name, doc) => {
    const key = compact(name);
    if (key !== '') add(m.identifiers, key, doc);
    const terms = tokenize(name);
    if (terms.length >= 2) {
      add(m.phrases, terms.join(' '), doc);
      m.phraseStarts.add(terms[0] as string);
      m.maxPhraseTerms = Math.max(m.maxPhraseTerms, terms.length);
    }
  });
  return m;
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
    for (const doc of m.identifiers.get(compact(token)) ?? []) identifier.add(doc);
  }
  const phrase = new Set<number>();
  for (let i = 0; i + 1 < terms.length; i++) {
    let key = terms[i] as string;
    if (!m.phraseStarts.has(key)) continue;
    for (let n = 2; n <= m.maxPhraseTerms && i + n <= terms.length; n++) {
      key = `${key} ${terms[i + n - 1]}`;
      for (const doc of m.phrases.get(key) ?? []) phrase.add(doc);
    }
  }
  return { identifier, phrase };
}
