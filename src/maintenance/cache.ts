import { readFile } from 'node:fs/promises';
import { applyEdits, modify } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { type CacheStats, CacheStatsSchema, cacheFile, deleteCaches, loadCaches } from '../cache/index.js';
import { newSearchCache } from '../catalog-search.js';
import { announce } from '../cluster/announce.js';
import { ENV_OVERRIDES, loadSettings, type ResolvedSettings } from '../settings/index.js';
import { writeFileAtomic } from '../store/index.js';
import { judge, measureResponseSeconds, requireKpi, runningServer, withStore } from './health.js';
import { recordMaintenance } from './logs.js';
import { runTask } from './task.js';

/**
 * Lookups needed before a hit rate is judged. A fresh or little-used cache starts with misses (every first query
 * is one), so a rate over a handful of lookups says nothing about whether the cache is useful; the monitor
 * likewise never alerts on a ratio without traffic.
 */
export const MIN_LOOKUPS = 20;
/** The TTL is never raised past an hour: keys carry the catalog version, so this only bounds memory held. */
export const TTL_CAP_SECONDS = 3600;
const TTL_PATH = ['cache', 'ttlSeconds'];

export const CacheChangeSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('cleared'), reason: z.string(), before: CacheStatsSchema }),
  z.object({
    action: z.literal('ttl-raised'),
    from: z.number(),
    to: z.number(),
    file: z.string(),
    reason: z.string(),
  }),
]);
export const CacheReportSchema = z.object({
  stats: CacheStatsSchema,
  response: z.object({ seconds: z.number().nullable(), source: z.enum(['server', 'measured']) }),
  changes: z.array(CacheChangeSchema),
  /** What should change but was not changed here, and how to do it. */
  recommendations: z.array(
    z.object({ action: z.literal('raise-ttl'), from: z.number(), to: z.number(), how: z.string() }),
  ),
  /** Why nothing was done where nothing was. */
  notes: z.array(z.string()),
  logFile: z.string(),
});
export type CacheReport = z.infer<typeof CacheReportSchema>;

export interface MaintainCacheOptions {
  settings: ResolvedSettings;
  /** The settings file in use (`loadSettings().file`): where a raised TTL is written. */
  settingsFile?: string;
  env?: Record<string, string | undefined>;
}

/** What `cache stats` shows: the persisted search cache, loaded against the catalog version it was saved for. */
export async function searchCacheStats(settings: ResolvedSettings): Promise<CacheStats> {
  const cache = newSearchCache(settings);
  // No catalog: saved entries are dropped and the counters kept, as for any other catalog version.
  const version = (await withStore(settings, (store) => store.version())) ?? -1;
  await loadCaches(cacheFile(settings.dataDir), version, [cache]);
  return cache.stats();
}

/** Sets cache.ttlSeconds in place (comments and layout kept), and puts the file back if it no longer loads. */
export async function writeTtl(file: string, ttlSeconds: number): Promise<void> {
  const text = await readFile(file, 'utf8');
  let edited: string;
  if (/\.ya?ml$/i.test(file)) {
    const doc = parseDocument(text);
    doc.setIn(TTL_PATH, ttlSeconds);
    edited = String(doc);
  } else {
    const edits = modify(text, TTL_PATH, ttlSeconds, {
      formattingOptions: { insertSpaces: true, tabSize: 2 },
    });
    edited = applyEdits(text, edits);
  }
  await writeFileAtomic(file, edited);
  const check = loadSettings({ settingsFile: file, env: {} });
  if (check.ok && check.settings.cache.ttlSeconds === ttlSeconds) return;
  await writeFileAtomic(file, text);
  throw new Error(`${file}: setting cache.ttlSeconds did not load back; the file was left as it was`);
}

const ttlVariable = Object.entries(ENV_OVERRIDES).find(
  ([, path]) => path.join('.') === TTL_PATH.join('.'),
)?.[0];

/**
 * `maintain cache`: clears the search cache when its hit rate is under the cache_hit_rate KPI's warning threshold
 * over enough lookups, and doubles the TTL (up to the cap) when responses are past the response_time warning.
 * Every run leaves one line in maintenance.log.
 */
export function maintainCache(options: MaintainCacheOptions): Promise<CacheReport> {
  const { settings } = options;
  const env = options.env ?? process.env;
  return runTask(settings.dataDir, 'cache', async () => {
    const stats = await searchCacheStats(settings);
    const changes: CacheReport['changes'] = [];
    const recommendations: CacheReport['recommendations'] = [];
    const notes: string[] = [];

    const floor = requireKpi('cache_hit_rate').warning;
    const lookups = stats.hits + stats.misses;
    const rate = judge('cache_hit_rate', stats.hitRate ?? 0, `hit rate over ${lookups} lookups`);
    if (lookups < MIN_LOOKUPS || floor === undefined)
      notes.push(`kept the cache: ${lookups} lookups, under ${MIN_LOOKUPS} to judge by`);
    else if (stats.hitRate !== null && stats.hitRate < floor) {
      await deleteCaches(cacheFile(settings.dataDir));
      changes.push({ action: 'cleared', reason: rate.reason, before: stats });
    } else notes.push(`kept the cache: ${rate.reason}`);

    const server = await runningServer(settings);
    const reading = server?.kpis.find((k) => k.kpi === 'response_time');
    const response: CacheReport['response'] = reading
      ? { seconds: reading.value, source: 'server' }
      : { seconds: (await measureResponseSeconds(settings)) ?? null, source: 'measured' };
    const slow =
      response.seconds === null ? undefined : judge('response_time', response.seconds, 'response time');
    const from = settings.cache.ttlSeconds;
    const to = Math.min(TTL_CAP_SECONDS, from * 2);
    if (!slow || slow.status === 'ok')
      notes.push(`kept the TTL at ${from} s: ${slow?.reason ?? 'no response time to judge'}`);
    else if (to <= from)
      notes.push(`kept the TTL at ${from} s: at the cap of ${TTL_CAP_SECONDS} s (${slow.reason})`);
    else if (ttlVariable && env[ttlVariable])
      recommendations.push({
        action: 'raise-ttl',
        from,
        to,
        how: `${slow.reason}: set ${ttlVariable}=${to} (it overrides the settings file)`,
      });
    else if (!options.settingsFile)
      recommendations.push({
        action: 'raise-ttl',
        from,
        to,
        how: `${slow.reason}: no settings file in use; put cache.ttlSeconds: ${to} in one`,
      });
    else {
      await writeTtl(options.settingsFile, to);
      changes.push({ action: 'ttl-raised', from, to, file: options.settingsFile, reason: slow.reason });
      // Instances sharing a PostgreSQL store read their settings again (src/server/hub.ts).
      await announce(settings, 'settings');
    }

    const at = new Date().toISOString();
    const logFile = await recordMaintenance(settings, { task: 'cache', at, changes, recommendations });
    return { stats, response, changes, recommendations, notes, logFile };
  });
}
