import { mkdir } from 'node:fs/promises';
import { runDiscovery } from './discovery/index.js';
import type { DiscoveryRun, ServerReport } from './discovery/report.js';
import type { ResolvedSettings } from './settings/index.js';
import { collectSpecs, defaultContext, type ServerSpec, type SourceContext } from './sources/index.js';
import { dbFile, openSqliteStore, type RunChanges } from './store/index.js';
import { VERSION } from './version.js';

export interface DiscoverOptions {
  settings: ResolvedSettings;
  /** `--config` files, read in addition to (or, without user configs, instead of) the machine's client configs. */
  configFiles?: string[];
  context?: SourceContext;
  onStart?: (specs: readonly ServerSpec[]) => void;
  onServer?: (report: ServerReport, done: number, total: number) => void;
}

/**
 * The whole discovery job: read every config, probe every server, record the run in the data directory's store.
 * `changes` is what the run added to, removed from or changed in the catalog; `savedTo` is the database file.
 */
export async function discover(
  options: DiscoverOptions,
): Promise<{ run: DiscoveryRun; changes: RunChanges; savedTo: string }> {
  const { settings } = options;
  await mkdir(settings.dataDir, { recursive: true });
  // Opened first: a locked, newer or corrupt database fails the command before minutes of probing, not after.
  const savedTo = dbFile(settings.dataDir);
  const store = await openSqliteStore(savedTo);
  try {
    const run = await probeAll(options, settings);
    return { run, changes: await store.recordRun(run), savedTo };
  } finally {
    await store.close();
  }
}

async function probeAll(options: DiscoverOptions, settings: ResolvedSettings): Promise<DiscoveryRun> {
  const base = options.context ?? defaultContext();
  // Configs may point into the data directory (the demo's memory server does) with ${MCP_DISCOVERY_DATA_DIR}.
  const context = { ...base, env: { ...base.env, MCP_DISCOVERY_DATA_DIR: settings.dataDir } };
  const { specs, problems } = await collectSpecs({
    configFiles: options.configFiles ?? [],
    userConfigs: settings.discovery.userConfigs,
    ctx: context,
  });
  return runDiscovery(specs, problems, {
    concurrency: settings.discovery.maxParallel,
    batchSize: settings.discovery.batchSize,
    timeoutMs: settings.discovery.timeoutMs,
    slowMs: settings.discovery.slowMs,
    clientVersion: VERSION,
    onStart: options.onStart,
    onServer: options.onServer,
  });
}
