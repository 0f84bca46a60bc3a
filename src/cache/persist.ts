import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic.js';
import type { CacheDump } from './cache.js';

/** Anything that saves and restores itself like a MeteredCache. */
export interface SavableCache {
  readonly options: { name: string };
  dump(): CacheDump;
  load(saved: CacheDump): void;
}

export const cacheFile = (dataDir: string) => join(dataDir, 'cache.json');

type Saved = { catalogVersion: number; caches: Record<string, CacheDump> };

/**
 * Loads caches saved by an earlier process. Entries saved against another catalog version are dropped: any change
 * to the index invalidates what was cached from it. A missing or unreadable file is an empty cache, never an error.
 */
export async function loadCaches(
  file: string,
  catalogVersion: number,
  caches: SavableCache[],
): Promise<void> {
  let saved: Saved;
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as Saved;
  } catch {
    return;
  }
  for (const cache of caches) {
    const dump = saved.caches?.[cache.options.name];
    if (!dump) continue;
    cache.load(saved.catalogVersion === catalogVersion ? dump : { entries: [], counters: dump.counters });
  }
}

export async function saveCaches(
  file: string,
  catalogVersion: number,
  caches: SavableCache[],
): Promise<void> {
  const saved: Saved = {
    catalogVersion,
    caches: Object.fromEntries(caches.map((c) => [c.options.name, c.dump()])),
  };
  await writeFileAtomic(file, JSON.stringify(saved));
}

export async function deleteCaches(file: string): Promise<void> {
  await rm(file, { force: true });
}
