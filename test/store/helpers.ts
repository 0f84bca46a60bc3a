import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import {
  type DiscoveryRun,
  DiscoveryRunSchema,
  HealthSchema,
  type ServerReport,
} from '../../src/discovery/index.js';
import { dbFile, entryId, openSqliteStore, type Store } from '../../src/store/index.js';

type Lists = Pick<ServerReport, 'tools' | 'resources' | 'resourceTemplates' | 'prompts'>;

/** A fresh data directory per test, removed afterwards; stores opened through `open` are closed first. */
export function tempStores() {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    dir(): string {
      const d = mkdtempSync(join(tmpdir(), 'mcp-discovery-store-'));
      dirs.push(d);
      return d;
    },
    async open(file: string, options?: { busyTimeoutMs?: number }): Promise<Store> {
      const store = await openSqliteStore(file, options);
      stores.push(store);
      return store;
    },
    file(): string {
      return dbFile(this.dir());
    },
  };
}

export const tool = (
  name: string,
  description = `${name} does things`,
  extra: Record<string, unknown> = {},
) => ({
  name,
  description,
  inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
  ...extra,
});

/** A server report as probe makes it: healthy unless `over` says otherwise. */
export function report(
  name: string,
  lists: Partial<Lists> = {},
  over: Partial<ServerReport> = {},
): ServerReport {
  const l: Lists = { tools: [], resources: [], resourceTemplates: [], prompts: [], ...lists };
  return {
    name,
    sources: [{ kind: 'config', scope: 'explicit', file: '/home/me/mcp.json' }],
    transport: 'stdio',
    command: 'node',
    args: ['server.js'],
    envKeys: ['API_KEY'],
    headerKeys: [],
    health: 'healthy',
    incomplete: [],
    serverInfo: { name, version: '1.0.0' },
    protocolVersion: '2025-06-18',
    capabilities: { tools: {} },
    timings: { totalMs: 12 },
    counts: {
      tools: l.tools.length,
      resources: l.resources.length,
      resourceTemplates: l.resourceTemplates.length,
      prompts: l.prompts.length,
    },
    ...l,
    ...over,
  };
}

let minute = 0;

/** A discovery run of these servers, each run starting a minute after the last. */
export function run(servers: ServerReport[]): DiscoveryRun {
  minute++;
  return DiscoveryRunSchema.parse({
    schemaVersion: 1,
    runId: randomUUID(),
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    durationMs: 100,
    concurrency: 4,
    timeoutMs: 10_000,
    summary: {
      servers: servers.length,
      health: Object.fromEntries(
        HealthSchema.options.map((h) => [h, servers.filter((s) => s.health === h).length]),
      ),
      tools: servers.reduce((n, s) => n + s.tools.length, 0),
      resources: 0,
      resourceTemplates: 0,
      prompts: 0,
    },
    servers,
    problems: [],
  });
}

/** The id of every active entry (`server/tool`, `server/prompt:name`...), as search names them. */
export async function ids(store: Store): Promise<string[]> {
  const { entries } = await store.catalog();
  return entries.map(entryId);
}
