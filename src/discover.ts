import { mkdir } from 'node:fs/promises';
import { runDiscovery } from './discovery/index.js';
import type { DiscoveryRun, ServerReport } from './discovery/report.js';
import type { ResolvedSettings } from './settings/index.js';
import {
  collectSpecs,
  defaultContext,
  type Problem,
  type ServerSpec,
  type SourceContext,
} from './sources/index.js';
import { openStore, type RunChanges, type Store, storeLocation } from './store/index.js';
import { VERSION } from './version.js';

export interface DiscoverOptions {
  settings: ResolvedSettings;
  /** An open store to record into (a server keeps one); without it the data directory's is opened and closed. */
  store?: Store;
  /** Probe only these servers (by name); the others keep what the catalog has of them. */
  only?: readonly string[];
  /** `--config` files, read in addition to (or, without user configs, instead of) the machine's client configs. */
  configFiles?: string[];
  context?: SourceContext;
  onStart?: (specs: readonly ServerSpec[]) => void;
  onServer?: (report: ServerReport, done: number, total: number) => void;
}

/**
 * The whole discovery job: read every config, probe every server, record the run in the data directory's store.
 * `changes` is what the run added to, removed from or changed in the catalog; `savedTo` is where the store is:
 * the database file, or the PostgreSQL URL without its password.
 */
export async function discover(options: DiscoverOptions): Promise<Discovered> {
  const { settings } = options;
  await mkdir(settings.dataDir, { recursive: true });
  const savedTo = storeLocation(settings);
  // Opened first: a locked, newer or corrupt database fails the command before minutes of probing, not after.
  const store = options.store ?? (await openStore(settings));
  try {
    const { specs, problems } = await readSpecs(options);
    const chosen = options.only ? specs.filter((s) => options.only?.includes(s.name)) : specs;
    const run = await probeAll(chosen, problems, options);
    return { run, changes: await store.recordRun(run), savedTo, specs };
  } finally {
    if (!options.store) await store.close();
  }
}

export interface Discovered {
  run: DiscoveryRun;
  changes: RunChanges;
  savedTo: string;
  /** Every server configured, probed or not: what a gateway needs to connect to them again. */
  specs: ServerSpec[];
}

/** Every configured server, from the machine's client configs (unless switched off), `--config` files and env. */
export async function readSpecs(options: Pick<DiscoverOptions, 'settings' | 'configFiles' | 'context'>) {
  const base = options.context ?? defaultContext();
  // Configs may point into the data directory (the demo's memory server does) with ${MCP_DISCOVERY_DATA_DIR}.
  const context = { ...base, env: { ...base.env, MCP_DISCOVERY_DATA_DIR: options.settings.dataDir } };
  return collectSpecs({
    configFiles: options.configFiles ?? [],
    userConfigs: options.settings.discovery.userConfigs,
    ctx: context,
  });
}

function probeAll(specs: ServerSpec[], problems: Problem[], options: DiscoverOptions): Promise<DiscoveryRun> {
  const { settings } = options;
  return runDiscovery(specs, problems, {
    partial: options.only !== undefined,
    concurrency: settings.discovery.maxParallel,
    batchSize: settings.discovery.batchSize,
    timeoutMs: settings.discovery.timeoutMs,
    slowMs: settings.discovery.slowMs,
    clientVersion: VERSION,
    onStart: options.onStart,
    onServer: options.onServer,
  });
}
