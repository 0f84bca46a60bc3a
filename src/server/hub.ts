import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { MeteredCache } from '../cache/index.js';
import { CatalogSearch, newSearchCache, type SearchAnswer } from '../catalog-search.js';
import { type Coordinator, localCoordinator } from '../cluster/coordinator.js';
import { discover, readSpecs } from '../discover.js';
import { relistServer, runDocument } from '../discovery/index.js';
import { loadUsagePriors } from '../learning/load.js';
import { observeLearning } from '../learning/metrics.js';
import { loadSettings, type ResolvedSettings } from '../settings/index.js';
import type { ServerSpec, SourceContext } from '../sources/index.js';
import { openStore, type RunChanges, type Store, type StoredServer } from '../store/index.js';
import { INSTANCE_ID, instruments, log } from '../telemetry/index.js';
import { VERSION } from '../version.js';
import { UpstreamPool } from './upstream.js';

export interface HubOptions {
  settings: ResolvedSettings;
  configFiles?: string[];
  context?: SourceContext;
  /** Probe every configured server before serving (the default), so the catalog starts current. */
  discoverOnStart?: boolean;
  /** Which instance leads and how changes travel between instances; alone (SQLite) by default. */
  coordinator?: Coordinator;
  /** Read again when another instance announces a settings change. */
  settingsFile?: string;
}

/** Why `call_tool` refused, in words a model can act on. */
export class CallRefused extends Error {
  override name = 'CallRefused';
}

/**
 * The long-running state behind the MCP server: the store, the current catalog snapshot (swapped whole, never
 * edited), sessions to upstream servers, and the refreshes that keep the catalog current: on a schedule, on
 * request, and at once when a live server announces that its lists changed. Refreshes run one at a time.
 */
export class Hub {
  private snapshot: CatalogSearch;
  private specs = new Map<string, ServerSpec>();
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** A reload queued for notifications and not started yet; `resync` if one of them asked for a full one. */
  private pendingReload: { resync: boolean } | undefined;
  private readonly learningMetrics: { stop(): void };
  private started = false;
  readonly pool: UpstreamPool;
  readonly coordinator: Coordinator;
  readonly startedAt = Date.now();

  private constructor(
    readonly store: Store,
    private options: HubOptions,
    private cache: MeteredCache<SearchAnswer>,
  ) {
    this.snapshot = CatalogSearch.build({ version: 0, servers: [], entries: [] }, options.settings, cache);
    this.coordinator = options.coordinator ?? localCoordinator(INSTANCE_ID);
    this.learningMetrics = observeLearning(options.settings);
    this.pool = new UpstreamPool(this.specs, {
      connectTimeoutMs: options.settings.discovery.timeoutMs,
      clientVersion: VERSION,
      // The leader records list changes; followers load them from the store when it says so.
      onListChanged: (server) => {
        if (this.coordinator.leading)
          void this.relist(server).catch((error) => log.warn({ server, err: error }, 'relist failed'));
      },
    });
  }

  static async start(options: HubOptions): Promise<Hub> {
    const store = await openStore(options.settings);
    const hub = new Hub(store, options, newSearchCache(options.settings));
    try {
      // Only the leader probes; a follower serves what the leader recorded in the shared store.
      if ((options.discoverOnStart ?? true) && hub.coordinator.leading) await hub.refresh();
      else await hub.reload((await readSpecs(hub.options)).specs);
      if (hub.coordinator.leading) await hub.watchLiveServers();
    } catch (error) {
      await hub.close();
      throw error;
    }
    hub.follow();
    const every = options.settings.server.refreshIntervalSeconds;
    if (every > 0) {
      hub.timer = setInterval(() => {
        if (hub.coordinator.leading)
          void hub.refresh().catch((error) => log.warn({ err: error }, 'scheduled refresh failed'));
      }, every * 1000);
      hub.timer.unref();
    }
    return hub;
  }

  /**
   * Keeps this instance coherent with the others: another instance's catalog or learning change (or a lost
   * notification connection: `resync`) reloads the catalog and drops the cached answers it could have changed;
   * becoming the leader takes over discovery at once.
   */
  private follow(): void {
    this.coordinator.onLeadership((leading) => {
      instruments().leader.record(leading ? 1 : 0);
      if (leading && this.started)
        void this.refresh()
          .then(() => this.watchLiveServers())
          .catch((error) => log.warn({ err: error }, 'taking the lead: refresh failed'));
    });
    this.coordinator.onChange((topic) => {
      if (topic === 'settings') {
        void this.rereadSettings().catch((error) => log.warn({ err: error }, 'settings reload failed'));
        return;
      }
      if (topic === 'refresh') {
        if (this.coordinator.leading)
          void this.refresh().catch((error) => log.warn({ err: error }, 'requested refresh failed'));
        return;
      }
      // Hooks on every machine announce each event: notifications that arrive while a reload waits its turn are
      // answered by that reload (it reads the newest state), so a burst costs one reload, not one per event.
      if (this.pendingReload) {
        this.pendingReload.resync ||= topic === 'resync';
        return;
      }
      const pending = { resync: topic === 'resync' };
      this.pendingReload = pending;
      void this.serialize(async () => {
        this.pendingReload = undefined;
        this.cache.clear();
        await this.reload(pending.resync ? (await readSpecs(this.options)).specs : undefined);
      }).catch((error) => log.warn({ topic, err: error }, 'reload after a change elsewhere failed'));
    });
    instruments().leader.record(this.coordinator.leading ? 1 : 0);
    this.started = true;
  }

  /**
   * Settings changed elsewhere (`maintain cache` tuned the TTL, say): read the settings file again and apply what a
   * running server can change without a restart, search and cache; a bad file keeps the settings in use.
   */
  private rereadSettings(): Promise<void> {
    return this.serialize(async () => {
      const current = this.options.settings;
      const loaded = loadSettings({
        settingsFile: this.options.settingsFile,
        flags: { dataDir: current.dataDir },
      });
      if (!loaded.ok) {
        log.warn(
          { errors: loaded.errors },
          'settings changed elsewhere do not load here; keeping the ones in use',
        );
        return;
      }
      const settings = { ...current, search: loaded.settings.search, cache: loaded.settings.cache };
      this.options = { ...this.options, settings };
      this.cache = newSearchCache(settings);
      await this.reload();
      log.info({ search: settings.search, cache: settings.cache }, 'settings changed elsewhere: applied');
    });
  }

  /** The catalog as it is now; hold on to it for the whole of one request. */
  get catalog(): CatalogSearch {
    return this.snapshot;
  }

  get cacheStats() {
    return this.cache.stats();
  }

  /** Probes every configured server (or one) and swaps in the new catalog. Returns what changed. */
  refresh(server?: string): Promise<RunChanges> {
    if (!this.coordinator.leading) {
      // One instance probes: a follower asks the leader, whose run every instance then loads.
      void this.coordinator.publish('refresh');
      return Promise.reject(
        new CallRefused(
          'this instance follows the leader, which probes servers; it has been asked to refresh now and every ' +
            'instance will serve the new catalog when it is recorded',
        ),
      );
    }
    return this.serialize(async () => {
      if (server && !(await readSpecs(this.options)).specs.some((s) => s.name === server)) {
        throw new CallRefused(`unknown server "${server}": it is not configured here`);
      }
      const { changes, specs } = await discover({
        ...this.options,
        store: this.store,
        only: server ? [server] : undefined,
      });
      await this.reload(specs);
      return changes;
    });
  }

  /** A live server's lists changed: read them again over its own session and swap in the new catalog. */
  relist(server: string): Promise<RunChanges> {
    return this.serialize(async () => {
      const spec = this.specs.get(server);
      if (!spec) return { runId: '', added: [], removed: [], changed: [] };
      const t0 = performance.now();
      const startedAt = new Date();
      const report = await relistServer(spec, await this.pool.live(server), {
        timeoutMs: this.options.settings.discovery.timeoutMs,
        slowMs: this.options.settings.discovery.slowMs,
        clientVersion: VERSION,
      });
      const run = runDocument([report], [], {
        startedAt,
        durationMs: performance.now() - t0,
        concurrency: 1,
        timeoutMs: this.options.settings.discovery.timeoutMs,
        partial: true,
      });
      const changes = await this.store.recordRun(run);
      await this.reload();
      log.info(
        { server, added: changes.added.length, removed: changes.removed.length },
        'catalog follows list change',
      );
      return changes;
    });
  }

  async servers(): Promise<StoredServer[]> {
    return this.store.servers();
  }

  ready(): { ok: boolean; checks: Record<string, string> } {
    return {
      ok: true,
      checks: {
        index: `version ${this.snapshot.version}, ${this.snapshot.catalog.entries.length} entries`,
        leader: `${this.coordinator.leading ? 'yes' : 'no'} (instance ${this.coordinator.instance})`,
      },
    };
  }

  async callTool(server: string, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const { allowCalls, callTimeoutMs } = this.options.settings.server;
    if (!this.snapshot.entry(server, name))
      throw new CallRefused(
        `no tool "${name}" on server "${server}" in the catalog; search_tools finds what there is`,
      );
    if (allowCalls.length > 0 && !allowCalls.includes(server) && !allowCalls.includes(`${server}/${name}`)) {
      throw new CallRefused(`calls to ${server}/${name} are not allowed here (server.allowCalls)`);
    }
    if (!this.pool.has(server))
      throw new CallRefused(
        `server "${server}" is in the catalog but not configured here (imported?), so it cannot be called`,
      );
    return this.pool.callTool(server, name, args, callTimeoutMs);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.coordinator.close();
    this.learningMetrics.stop();
    await this.queue.catch(() => undefined);
    await this.pool.close();
    await this.store.close();
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async reload(specs?: ServerSpec[]): Promise<void> {
    if (specs) {
      this.specs = new Map(specs.map((s) => [s.name, s]));
      this.pool.updateSpecs(this.specs);
    }
    const priors = await loadUsagePriors(this.options.settings);
    this.snapshot = CatalogSearch.build(
      await this.store.catalog(),
      this.options.settings,
      this.cache,
      priors,
    );
  }

  /** Servers that announce list changes get a lasting session, so the catalog can follow them. */
  private async watchLiveServers(): Promise<void> {
    const live = (await this.store.servers()).filter((s) => {
      const caps = s.capabilities as Record<string, { listChanged?: boolean } | undefined> | undefined;
      const answered = s.health === 'healthy' || s.health === 'degraded';
      return (
        answered &&
        this.specs.has(s.name) &&
        ['tools', 'resources', 'prompts'].some((k) => caps?.[k]?.listChanged)
      );
    });
    this.pool.watch(live.map((s) => s.name));
  }
}
