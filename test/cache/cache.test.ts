import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheFile, loadCaches, MeteredCache, saveCaches } from '../../src/cache/index.js';
import { installTestTelemetry, type TestTelemetry } from '../helpers/telemetry.js';

let otel: TestTelemetry;
let dir: string;
beforeAll(() => {
  otel = installTestTelemetry();
  dir = mkdtempSync(join(tmpdir(), 'mcp-discovery-cache-'));
});
afterAll(async () => {
  await otel.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('MeteredCache', () => {
  it('counts hits, misses and the hit rate, and reports them as metric points', async () => {
    const cache = new MeteredCache<{ v: number }>({ name: 'unit', maxEntries: 10, ttlSeconds: 60 });
    expect(cache.stats().hitRate).toBeNull();
    cache.get('a');
    cache.set('a', { v: 1 });
    cache.get('a');
    cache.get('a');
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1, size: 1 });
    expect(cache.stats().hitRate).toBeCloseTo(2 / 3);
    const points = await otel.points('mcp_discovery.cache.requests');
    const unit = Object.fromEntries(
      points.filter((p) => p.attributes.cache === 'unit').map((p) => [p.attributes.result, p.value]),
    );
    expect(unit).toEqual({ hit: 2, miss: 1 });
  });

  it('evicts the least recently used entry past maxEntries, and counts it', () => {
    const cache = new MeteredCache<{ v: number }>({ name: 'small', maxEntries: 2, ttlSeconds: 60 });
    cache.set('a', { v: 1 });
    cache.set('b', { v: 2 });
    cache.get('a');
    cache.set('c', { v: 3 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ v: 1 });
    expect(cache.stats().evictions).toBe(1);
  });

  it('expires entries after the TTL', () => {
    let now = 1_000;
    const cache = new MeteredCache<{ v: number }>({
      name: 'ttl',
      maxEntries: 10,
      ttlSeconds: 5,
      clock: { now: () => now },
    });
    cache.set('a', { v: 1 });
    now += 4_999;
    expect(cache.get('a')).toEqual({ v: 1 });
    now += 2;
    expect(cache.get('a')).toBeUndefined();
  });

  it('survives a process restart through the cache file, unless the catalog changed', async () => {
    const file = cacheFile(dir);
    const first = new MeteredCache<{ v: number }>({ name: 'search', maxEntries: 10, ttlSeconds: 60 });
    first.set('q', { v: 42 });
    first.get('q');
    await saveCaches(file, 7, [first]);

    const same = new MeteredCache<{ v: number }>({ name: 'search', maxEntries: 10, ttlSeconds: 60 });
    await loadCaches(file, 7, [same]);
    expect(same.get('q')).toEqual({ v: 42 });
    expect(same.stats()).toMatchObject({ hits: 2, misses: 0 });

    const changed = new MeteredCache<{ v: number }>({ name: 'search', maxEntries: 10, ttlSeconds: 60 });
    await loadCaches(file, 8, [changed]);
    expect(changed.get('q')).toBeUndefined();
  });

  it('a missing or corrupt cache file is an empty cache', async () => {
    const cache = new MeteredCache<{ v: number }>({ name: 'search', maxEntries: 10, ttlSeconds: 60 });
    await loadCaches(join(dir, 'nope.json'), 1, [cache]);
    expect(cache.stats().size).toBe(0);
  });
});
