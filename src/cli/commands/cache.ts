import type { Command } from 'commander';
import { cacheFile, deleteCaches, loadCaches } from '../../cache/index.js';
import { type GlobalOptions, resolveSettings, startRuntime, writeJson } from '../runtime.js';

const percent = (rate: number | null) =>
  rate === null ? 'n/a (no lookups yet)' : `${(rate * 100).toFixed(1)} %`;

export function cacheCommand(program: Command): void {
  const cache = program.command('cache').description('the search cache: statistics and clearing');
  cache
    .command('stats')
    .description('hits, misses, hit rate, size and evictions of each cache')
    .option('--json', 'print the statistics as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const rt = await startRuntime(cmd.optsWithGlobals<GlobalOptions>());
      const { newSearchCache } = await import('../../catalog-search.js');
      const { openStore } = await import('../../store/index.js');
      // The saved cache and the catalog version it is kept against: no index is built just to read them.
      const store = await openStore(rt.settings);
      try {
        const cache = newSearchCache(rt.settings);
        await loadCaches(cacheFile(rt.settings.dataDir), await store.version(), [cache]);
        const stats = [cache.stats()];
        if (flags.json) return writeJson({ caches: stats });
        for (const s of stats) {
          process.stdout.write(
            `${s.name}: ${s.size}/${s.maxEntries} entries, TTL ${s.ttlSeconds} s · hits ${s.hits} · misses ${s.misses} · ` +
              `hit rate ${percent(s.hitRate)} · evictions ${s.evictions}\n`,
          );
        }
      } finally {
        await store.close();
        await rt.telemetry.shutdown();
      }
    });
  cache
    .command('clear')
    .description('drop every cached result and reset the statistics')
    .action(async (_flags: unknown, cmd: Command) => {
      const settings = resolveSettings(cmd.optsWithGlobals<GlobalOptions>());
      await deleteCaches(cacheFile(settings.dataDir));
      process.stdout.write('cache cleared\n');
    });
}
