import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSearchIndex, type SearchIndex } from '../src/search/index.js';
import type { Catalog, CatalogEntry, CatalogServer } from '../src/store/catalog.js';
import { type BenchResult, printTable } from './report.js';
import { HELDOUT, LIVEMCPBENCH, loadBenchCatalog, loadQueries, loadSearchData } from './retrieval.js';

/** 10,000 first, so the RSS read after building it holds nothing of the other sizes. */
const SIZES = [10_000, 1_000, 100_000];
/** Timing rounds per size; the median round is reported, which damps other load on the machine. */
const ROUNDS = 3;
const QUERIES = 2_000;
const WARM_UP = 200;
/** Tools per synthetic server, about the benchmark's 7.5. */
const TOOLS_PER_SERVER = 8;

/** mulberry32: a small seeded PRNG, so every run synthesises the same catalog and queries. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
const nameParts = (name: string) => name.split(/[_\-\s]+|(?<=[a-z])(?=[A-Z])/).filter(Boolean);
const firstSentence = (text: string) => text.split(/(?<=[.!?。])\s*/)[0] ?? '';

/** `size` tools recombined from the real ones: names from two real names, descriptions from two real ones. */
export function synthesise(real: Catalog, size: number, seed = 1): Catalog {
  const rand = prng(seed);
  const tools = real.entries;
  const servers: CatalogServer[] = [];
  const entries: CatalogEntry[] = [];
  for (let i = 0; i < size; i++) {
    if (i % TOOLS_PER_SERVER === 0) {
      const model = pick(rand, real.servers);
      servers.push({ ...model, name: `${model.name}-${servers.length}` });
    }
    const a = pick(rand, tools);
    const b = pick(rand, tools);
    const pa = nameParts(a.name);
    const pb = nameParts(b.name);
    entries.push({
      kind: 'tool',
      server: (servers[servers.length - 1] as CatalogServer).name,
      name: [...pa.slice(0, Math.ceil(pa.length / 2)), ...pb.slice(Math.ceil(pb.length / 2)), String(i)].join(
        '_',
      ),
      description: `${firstSentence(a.description)} ${firstSentence(b.description)}`.trim(),
      inputSchema: pick(rand, tools).inputSchema,
    });
  }
  return { version: 1, servers, entries };
}

/** The benchmark's tasks, cycled and perturbed: a word dropped, two swapped, or a task word added. */
function queries(count: number): string[] {
  const base = [...loadQueries(join(LIVEMCPBENCH, 'queries.jsonl')), ...loadQueries(HELDOUT)].map(
    (q) => q.query,
  );
  const rand = prng(7);
  return Array.from({ length: count }, (_, i) => {
    const words = (base[i % base.length] as string).split(/\s+/);
    const j = Math.floor(rand() * words.length);
    const k = Math.floor(rand() * words.length);
    if (i % 3 === 0) words.splice(j, 1);
    else if (i % 3 === 1) [words[j], words[k]] = [words[k] as string, words[j] as string];
    else words.push(pick(rand, pick(rand, base).split(/\s+/)));
    return words.join(' ');
  });
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

interface Latency {
  p50: number;
  p99: number;
  mean: number;
}

function round(index: SearchIndex, qs: string[]): Latency {
  const ms = new Float64Array(qs.length);
  qs.forEach((q, i) => {
    const t = performance.now();
    index.search(q, { limit: 10 });
    ms[i] = performance.now() - t;
  });
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  ms.sort();
  return { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99), mean };
}

function time(index: SearchIndex, qs: string[]): Latency {
  for (const q of qs.slice(0, WARM_UP)) index.search(q, { limit: 10 });
  const rounds = Array.from({ length: ROUNDS }, () => round(index, qs)).sort((a, b) => a.p50 - b.p50);
  return rounds[Math.floor(ROUNDS / 2)] as Latency;
}

/** The built product (`npm run build`), which the memory child imports; this bench itself runs the sources. */
const DIST = join(import.meta.dirname, '../dist');
const SRC_SEARCH = join(import.meta.dirname, '../src/search');
/** Searches the memory child runs before it measures, so query-time memos and scratch are in the number. */
const CHILD_SEARCHES = 500;

/**
 * The child: only Node, the built search index and (when asked) the product's telemetry, as `serve --http`
 * starts it (OTLP exporters and a Prometheus reader; the export interval is long, so nothing is sent while it
 * runs). It builds the index of the catalog file, runs the searches with a span and a duration metric each, as
 * CatalogSearch does, forces GC and prints its memory as JSON.
 */
const CHILD = `
const cfg = JSON.parse(process.env.SEARCH_MEMORY_CHILD);
const { readFileSync } = await import('node:fs');
let telemetry;
let instruments;
let tracer;
if (cfg.telemetry) {
  const t = await import(cfg.dist + '/telemetry/index.js');
  telemetry = await t.startTelemetry({
    serviceVersion: 'bench',
    env: {},
    exportByDefault: true,
    prometheus: true,
    exportIntervalMs: 3600000,
  });
  instruments = t.instruments;
  tracer = t.tracer;
}
const { buildSearchIndex, defaultTables } = await import(cfg.dist + '/search/index.js');
const tables = defaultTables();
gc();
const base = process.memoryUsage();
const catalog = JSON.parse(readFileSync(cfg.catalog, 'utf8'));
const queries = JSON.parse(readFileSync(cfg.queries, 'utf8'));
const index = buildSearchIndex(catalog, tables);
for (const q of queries) {
  const t0 = performance.now();
  const span = tracer?.().startSpan('search');
  index.search(q, { limit: 10 });
  span?.end();
  instruments?.().operationSeconds.record((performance.now() - t0) / 1000, { operation: 'search' });
}
gc();
gc();
const m = process.memoryUsage();
process.stdout.write(JSON.stringify({ entries: index.size.entries, baseRss: base.rss, rss: m.rss, heapUsed: m.heapUsed, external: m.external }));
await telemetry?.shutdown(200);
process.exit(0);
`;

interface ChildMemory {
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
  /** RSS after the imports and tables, before the catalog is read. */
  baseRssMiB: number;
}

/** Newest modification time of the files in a directory with the given ending (0 when there are none). */
function newest(dir: string, ending: string): number {
  if (!existsSync(dir)) return 0;
  return Math.max(
    0,
    ...readdirSync(dir)
      .filter((f) => f.endsWith(ending))
      .map((f) => statSync(join(dir, f)).mtimeMs),
  );
}

/** Memory of a fresh `node --expose-gc` running the built index over `catalog`, with or without telemetry. */
function childMemory(catalogFile: string, queriesFile: string, telemetry: boolean): ChildMemory {
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '--eval', CHILD], {
    env: {
      ...process.env,
      SEARCH_MEMORY_CHILD: JSON.stringify({
        dist: DIST,
        catalog: catalogFile,
        queries: queriesFile,
        telemetry,
      }),
    },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const m = JSON.parse(out) as { baseRss: number; rss: number; heapUsed: number; external: number };
  return {
    rssMiB: mib(m.rss),
    heapUsedMiB: mib(m.heapUsed),
    externalMiB: mib(m.external),
    baseRssMiB: mib(m.baseRss),
  };
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mib = (bytes: number) => bytes / 2 ** 20;

export async function benchSearchLatency(): Promise<BenchResult> {
  const real = loadBenchCatalog();
  const tables = loadSearchData();
  const qs = queries(QUERIES);
  gc();
  const baseRssMiB = mib(process.memoryUsage().rss);
  const data: Record<string, unknown> = {
    queries: QUERIES,
    rounds: ROUNDS,
    benchProcessBaseRssMiB: baseRssMiB,
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
  };
  const rows: Array<{ metric: string; value: string }> = [];
  for (const size of SIZES) {
    let catalog: Catalog | undefined = synthesise(real, size);
    gc();
    const before = process.memoryUsage();
    const t = performance.now();
    let index: SearchIndex | undefined = buildSearchIndex(catalog, tables);
    const buildMs = performance.now() - t;
    catalog = undefined;
    gc();
    const after = process.memoryUsage();
    const rssMiB = mib(after.rss);
    // What the index itself holds (the catalog's entries stay referenced by it, as in the product).
    const indexMiB = mib(after.heapUsed + after.external - before.heapUsed - before.external);
    const lat = time(index, qs);
    index = undefined;
    data[`${size}`] = { buildMs, benchProcessRssMiB: rssMiB, indexMiB, ...lat };
    rows.push({
      metric: `${size.toLocaleString('en')} tools`,
      value: `p50 ${lat.p50.toFixed(3)} ms  p99 ${lat.p99.toFixed(3)} ms  mean ${lat.mean.toFixed(3)} ms  build ${Math.round(buildMs)} ms  bench-process RSS ${rssMiB.toFixed(0)} MiB  index ${indexMiB.toFixed(0)} MiB`,
    });
    gc();
  }
  rows.push({
    metric: 'RSS before any index',
    value: `${baseRssMiB.toFixed(0)} MiB (Node, tsx, every bench suite and the expansion tables)`,
  });
  if (!existsSync(join(DIST, 'search/index.js'))) {
    rows.push({ metric: 'product-like RSS', value: 'skipped: no dist/ (run npm run build)' });
  } else {
    // The product-like number: a child running the built code with nothing else loaded (see CHILD).
    const stale = newest(SRC_SEARCH, '.ts') > newest(join(DIST, 'search'), '.js');
    const dir = mkdtempSync(join(tmpdir(), 'search-memory-'));
    try {
      const catalogFile = join(dir, 'catalog.json');
      const queriesFile = join(dir, 'queries.json');
      writeFileSync(catalogFile, JSON.stringify(synthesise(real, 10_000)));
      writeFileSync(queriesFile, JSON.stringify(qs.slice(0, CHILD_SEARCHES)));
      const withTelemetry = childMemory(catalogFile, queriesFile, true);
      const bare = childMemory(catalogFile, queriesFile, false);
      data.productLike10000 = {
        what: 'child node running dist/ only: 10,000-tool index, searches done, after GC',
        searches: CHILD_SEARCHES,
        distStale: stale,
        telemetryOn: withTelemetry,
        telemetryOff: bare,
      };
      const show = (m: ChildMemory) =>
        `RSS ${m.rssMiB.toFixed(0)} MiB  heapUsed ${m.heapUsedMiB.toFixed(0)} MiB  external ${m.externalMiB.toFixed(0)} MiB  (RSS ${m.baseRssMiB.toFixed(0)} MiB before the catalog)`;
      const note = stale ? '  [dist/ older than src/search: run npm run build]' : '';
      rows.push({ metric: 'product-like, telemetry on', value: `${show(withTelemetry)}${note}` });
      rows.push({ metric: 'product-like, telemetry off', value: `${show(bare)}${note}` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  rows.push({
    metric: 'bench process RSS note',
    value:
      'the per-size RSS above is this process (tsx, every bench suite); the product-like rows are a child',
  });
  printTable(
    `Search latency, ${QUERIES} perturbed task queries, in-process, no cache (targets at 10,000: p50 <= 0.2 ms, p99 <= 1 ms; RSS <= 150 MiB product-like, telemetry on)`,
    rows,
  );
  return { name: 'search-latency', data };
}
