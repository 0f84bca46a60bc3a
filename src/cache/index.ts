export {
  type CacheDump,
  type CacheOptions,
  type CacheStats,
  CacheStatsSchema,
  MeteredCache,
} from './cache.js';
export { cacheFile, deleteCaches, loadCaches, type SavableCache, saveCaches } from './persist.js';
