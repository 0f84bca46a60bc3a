import { cacheFile, loadCaches, MeteredCache, saveCaches } from './cache/index.js';
import { buildSearchIndex, type Category, type SearchHit, type SearchIndex } from './search/index.js';
import type { ResolvedSettings } from './settings/index.js';
import type { EntryKind } from './store/catalog.js';
import { dbFile, openSqliteStore, type Store } from './store/index.js';
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

export interface SearchAnswer {
  hits: SearchHit[];
  cached: boolean;
}

/**
 * The catalog opened for searching: the store's catalog, an index built from it, and the search cache, which is
 * saved in the data directory so that short CLI runs share it. Close it to save the cache and release the store.
 */
export class CatalogSearch {
  private constructor(
    readonly store: Store,
    readonly index: SearchIndex,
    readonly catalogVersion: number,
    readonly cache: MeteredCache<SearchAnswer>,
    private readonly settings: ResolvedSettings,
    readonly servers: ReadonlySet<string>,
  ) {}

  static async open(settings: ResolvedSettings): Promise<CatalogSearch> {
    const store = await openSqliteStore(dbFile(settings.dataDir));
    try {
      const catalog = await store.catalog();
      const index = buildSearchIndex(catalog, { priorWeight: settings.search.priorWeight });
      const cache = new MeteredCache<SearchAnswer>({
        name: 'search',
        maxEntries: settings.cache.maxEntries,
        ttlSeconds: settings.cache.ttlSeconds,
      });
      await loadCaches(cacheFile(settings.dataDir), catalog.version, [cache]);
      const servers = new Set(catalog.servers.map((s) => s.name));
      return new CatalogSearch(store, index, catalog.version, cache, settings, servers);
    } catch (error) {
      await store.close();
      throw error;
    }
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

  async close(): Promise<void> {
    try {
      await saveCaches(cacheFile(this.settings.dataDir), this.catalogVersion, [this.cache]);
    } finally {
      await this.store.close();
    }
  }
}
