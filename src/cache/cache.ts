import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { instruments, METRIC_ATTR } from '../telemetry/index.js';

export const CacheStatsSchema = z.object({
  name: z.string(),
  hits: z.number(),
  misses: z.number(),
  /** hits / (hits + misses); null before the first lookup, since a ratio of nothing is not a rate. */
  hitRate: z.number().nullable(),
  size: z.number(),
  maxEntries: z.number(),
  ttlSeconds: z.number(),
  evictions: z.number(),
});
export type CacheStats = z.infer<typeof CacheStatsSchema>;

export interface CacheOptions {
  name: string;
  maxEntries: number;
  ttlSeconds: number;
  /** The clock TTLs run on; tests pass their own so expiry needs no waiting. */
  clock?: { now(): number };
}

type Counters = Pick<CacheStats, 'hits' | 'misses' | 'evictions'>;

/** What a cache saves between processes: lru-cache's own dump (entries with their remaining TTL) and the counts. */
export interface CacheDump {
  entries: [string, { value: unknown; ttl?: number; start?: number }][];
  counters: Counters;
}

/**
 * An LRU cache with a TTL that counts itself: every lookup is a hit or a miss in `mcp_discovery.cache.requests`,
 * evictions are counted, and the entries can be dumped and loaded so short-lived CLI runs share one cache.
 */
export class MeteredCache<V extends object = object> {
  private readonly lru: LRUCache<string, V>;
  private counters: Counters = { hits: 0, misses: 0, evictions: 0 };

  constructor(readonly options: CacheOptions) {
    this.lru = new LRUCache<string, V>({
      max: options.maxEntries,
      ttl: options.ttlSeconds * 1000,
      ...(options.clock && { perf: options.clock, ttlResolution: 0 }),
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.counters.evictions++;
      },
    });
  }

  get(key: string): V | undefined {
    const value = this.lru.get(key);
    const result = value === undefined ? 'miss' : 'hit';
    if (value === undefined) this.counters.misses++;
    else this.counters.hits++;
    instruments().cacheRequests.add(1, {
      [METRIC_ATTR.cache]: this.options.name,
      [METRIC_ATTR.result]: result,
    });
    return value;
  }

  set(key: string, value: V): void {
    this.lru.set(key, value);
    instruments().cacheEntries.record(this.lru.size, { [METRIC_ATTR.cache]: this.options.name });
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
    instruments().cacheEntries.record(0, { [METRIC_ATTR.cache]: this.options.name });
  }

  stats(): CacheStats {
    const { hits, misses, evictions } = this.counters;
    return {
      name: this.options.name,
      hits,
      misses,
      hitRate: hits + misses === 0 ? null : hits / (hits + misses),
      size: this.lru.size,
      maxEntries: this.options.maxEntries,
      ttlSeconds: this.options.ttlSeconds,
      evictions,
    };
  }

  dump(): CacheDump {
    return { entries: this.lru.dump(), counters: { ...this.counters } };
  }

  /** Entries whose TTL ran out while saved stay out; lru-cache keeps the remaining time of the others. */
  load(saved: CacheDump): void {
    this.lru.load(saved.entries as ReturnType<LRUCache<string, V>['dump']>);
    this.lru.purgeStale();
    this.counters = { ...saved.counters };
  }
}
