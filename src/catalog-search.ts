import { cacheFile, loadCaches, MeteredCache, saveCaches } from './cache/index.js';
import type { UsagePriors } from './learning/model.js';
import {
  buildSearchIndex,
  type Category,
  defaultTables,
  type SearchHit,
  type SearchIndex,
} from './search/index.js';
import type { ResolvedSettings } from './settings/index.js';
import { type Catalog, type CatalogEntry, type EntryKind, entryId } from './store/catalog.js';
import { openStore } from './store/index.js';
import {
  ATTR_CACHE_HIT,
  ATTR_QUERY_LENGTH,
  ATTR_QUERY_TEXT,
  ATTR_RESULT_COUNT,
  ATTR_TOP_SCORE,
  instruments,
  METRIC_ATTR,
  recordError,
  SPAN_SEARCH,
  tracer,
} from './telemetry/index.js';

export interface SearchRequest {
  query: string;
  limit?: number;
  server?: string;
  category?: Category;
  kind?: EntryKind | EntryKind[];
  explain?: boolean;
}

export function newSearchCache(settings: ResolvedSettings): MeteredCache<SearchAnswer> {
  return new MeteredCache<SearchAnswer>({
    name: 'search',
    maxEntries: settings.cache.maxEntries,
    ttlSeconds: settings.cache.ttlSeconds,
  });
}

export interface SearchAnswer {
  hits: SearchHit[];
  cached: boolean;
}

/**
 * One version of the catalog, ready to search: the entries and an index built from them. Immutable, so a server
 * swaps in a new one whole and callers never see a half-updated index. The cache may be shared between versions:
 * its keys carry the catalog version.
 */
export class CatalogSearch {
  readonly servers: ReadonlySet<string>;
  private readonly byId: Map<string, CatalogEntry>;

  private constructor(
    readonly catalog: Catalog,
    readonly index: SearchIndex,
    readonly cache: MeteredCache<SearchAnswer>,
    readonly settings: ResolvedSettings,
    private readonly usageStamp: string,
  ) {
    this.servers = new Set(catalog.servers.map((s) => s.name));
    this.byId = new Map(catalog.entries.map((e) => [entryId(e), e]));
  }

  /** `usage`: learned priors (src/learning); without them, or with `search.priorWeight` 0, usage is ignored. */
  static build(
    catalog: Catalog,
    settings: ResolvedSettings,
    cache = newSearchCache(settings),
    usage?: UsagePriors,
  ): CatalogSearch {
    const index = buildSearchIndex(catalog, {
      priorWeight: settings.search.priorWeight,
      ...defaultTables(),
      ...(usage && { priors: usage.priors }),
    });
    return new CatalogSearch(catalog, index, cache, settings, usage?.stamp ?? '');
  }

  /** For one CLI command: the store's catalog, with the cache saved in the data directory between runs. */
  static async open(settings: ResolvedSettings): Promise<CatalogSearch & { close(): Promise<void> }> {
    const store = await openStore(settings);
    try {
      const catalog = await store.catalog();
      const cache = newSearchCache(settings);
      await loadCaches(cacheFile(settings.dataDir), catalog.version, [cache]);
      const { loadUsagePriors } = await import('./learning/load.js');
      const search = CatalogSearch.build(catalog, settings, cache, await loadUsagePriors(settings));
      return Object.assign(search, {
        async close() {
          try {
            await saveCaches(cacheFile(settings.dataDir), catalog.version, [cache]);
          } finally {
            await store.close();
          }
        },
      });
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  get version(): number {
    return this.catalog.version;
  }

  /** A tool (or any entry) by server and name, as `server/name` ids are formed. */
  entry(server: string, name: string): CatalogEntry | undefined {
    return this.byId.get(entryId({ kind: 'tool', server, name }));
  }

  /** One search, cached per catalog version, traced as `mcp_discovery.search` and timed as a request operation. */
  search(request: SearchRequest): SearchAnswer {
    const t0 = performance.now();
    const span = tracer().startSpan(SPAN_SEARCH, {
      attributes: { [ATTR_QUERY_LENGTH]: request.query.length },
    });
    if (this.settings.search.recordQuery) span.setAttribute(ATTR_QUERY_TEXT, request.query);
    const limit = request.limit ?? this.settings.search.defaultLimit;
    const key = JSON.stringify([
      this.catalog.version,
      this.usageStamp,
      request.query.trim().toLowerCase(),
      limit,
      request.server,
      request.category,
      request.kind,
      !!request.explain,
    ]);
    let outcome = 'success';
    try {
      const cached = this.cache.get(key);
      const answer = cached
        ? { hits: cached.hits, cached: true }
        : { hits: this.index.search(request.query, { ...request, limit }), cached: false };
      if (!cached) this.cache.set(key, answer);
      span.setAttributes({
        [ATTR_RESULT_COUNT]: answer.hits.length,
        [ATTR_TOP_SCORE]: answer.hits[0]?.score ?? 0,
        [ATTR_CACHE_HIT]: answer.cached,
      });
      return answer;
    } catch (error) {
      outcome = 'failure';
      recordError(span, error);
      throw error;
    } finally {
      span.end();
      instruments().operationSeconds.record((performance.now() - t0) / 1000, {
        [METRIC_ATTR.operation]: 'search',
        [METRIC_ATTR.kind]: 'request',
        [METRIC_ATTR.outcome]: outcome,
      });
    }
  }
}
