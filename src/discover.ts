import { mkdir } from 'node:fs/promises';
import { runDiscovery } from './discovery/index.js';
import type { DiscoveryRun, ServerReport } from './discovery/report.js';
import type { ResolvedSettings } from './settings/index.js';
import { collectSpecs, defaultContext, type ServerSpec, type SourceContext } from './sources/index.js';
import { saveLastRun } from './store/index.js';
import { VERSION } from './version.js';

export interface DiscoverOptions {
  settings: ResolvedSettings;
  /** `--config` files, read in addition to (or, without user configs, instead of) the machine's client configs. */
  configFiles?: string[];
  context?: SourceContext;
  onStart?: (specs: readonly ServerSpec[]) => void;
  onServer?: (report: ServerReport, done: number, total: number) => void;
}

/** The whole discovery job: read every config, probe every server, keep the result in the data directory. */
export async function discover(options: DiscoverOptions): Promise<{ run: DiscoveryRun; savedTo: string }> {
  const { settings } = options;
  await mkdir(settings.dataDir, { recursive: true });
  const base = options.context ?? defaultContext();
  // Configs may point into the data directory (the demo's memory server does) with ${MCP_DISCOVERY_DATA_DIR}.
  const context = { ...base, env: { ...base.env, MCP_DISCOVERY_DATA_DIR: settings.dataDir } };
  const { specs, problems } = await collectSpecs({
    configFiles: options.configFiles ?? [],
    userConfigs: settings.discovery.userConfigs,
    ctx: context,
  });
  const run = await runDiscovery(specs, problems, {
    concurrency: settings.discovery.maxParallel,
    batchSize: settings.discovery.batchSize,
    timeoutMs: settings.discovery.timeoutMs,
    slowMs: settings.discovery.slowMs,
    clientVersion: VERSION,
    onStart: options.onStart,
    onServer: options.onServer,
  });
  const savedTo = await saveLastRun(settings.dataDir, run);
  return { run, savedTo };
}
