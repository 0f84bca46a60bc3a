import { z } from 'zod';
import { CacheStatsSchema } from '../cache/index.js';
import { catalogCounts } from '../store/catalog.js';
import type { Hub } from './hub.js';

export const AnalyticsSchema = z.object({
  servers: z.object({ total: z.number(), health: z.record(z.string(), z.number()) }),
  catalog: z.object({
    version: z.number(),
    tools: z.number(),
    resources: z.number(),
    resourceTemplates: z.number(),
    prompts: z.number(),
  }),
  cache: CacheStatsSchema,
  uptimeSeconds: z.number(),
  rssBytes: z.number(),
});
export type Analytics = z.infer<typeof AnalyticsSchema>;

/** The numbers an operator asks for first, from the live catalog and this process. */
export async function analytics(hub: Hub): Promise<Analytics> {
  const servers = await hub.servers();
  const health: Record<string, number> = {};
  for (const s of servers) health[s.health ?? s.origin] = (health[s.health ?? s.origin] ?? 0) + 1;
  const { catalog } = hub.catalog;
  return {
    servers: { total: servers.length, health },
    catalog: { version: catalog.version, ...catalogCounts(catalog.entries) },
    cache: hub.cacheStats,
    uptimeSeconds: Math.round((Date.now() - hub.startedAt) / 1000),
    rssBytes: process.memoryUsage().rss,
  };
}
