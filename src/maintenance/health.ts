import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { CatalogSearch } from '../catalog-search.js';
import type { DiscoveryRun } from '../discovery/report.js';
import { assess, formatValue, type Kpi, kpiById } from '../kpi/index.js';
import { readFreshStatus, type ServerStatus } from '../monitor/status.js';
import type { ResolvedSettings } from '../settings/index.js';
import type { SourceContext } from '../sources/index.js';
import { dbFile, openStore, type Store, StoreError } from '../store/index.js';
import { MIGRATIONS } from '../store/migrations.js';
import { runTask } from './task.js';

export const CheckStatusSchema = z.enum(['ok', 'warning', 'critical']);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

export const HealthCheckSchema = z.object({
  check: z.enum(['store', 'discovery', 'response_time', 'memory_rss', 'alerts']),
  status: CheckStatusSchema,
  reason: z.string(),
  /** In the KPI's unit (seconds, ratio, bytes); absent when nothing was measured. */
  value: z.number().optional(),
  /** Where the value came from: the running server's status.json, a measurement now, the store, this process. */
  source: z.enum(['server', 'measured', 'store', 'probe', 'process']).optional(),
});
export type HealthCheck = z.infer<typeof HealthCheckSchema>;

export const HealthReportSchema = z.object({
  status: CheckStatusSchema,
  at: z.iso.datetime(),
  /** The running `serve` whose status.json was read, or null when none wrote one lately. */
  server: z.object({ pid: z.number(), at: z.iso.datetime() }).nullable(),
  checks: z.array(HealthCheckSchema),
  alerts: z.array(
    z.object({ kpi: z.string(), title: z.string(), severity: z.enum(['warning', 'critical']) }),
  ),
});
export type HealthReport = z.infer<typeof HealthReportSchema>;

export interface HealthOptions {
  settings: ResolvedSettings;
  /** Run a real discovery now instead of judging the last recorded run. */
  probe?: boolean;
  configFiles?: string[];
  context?: SourceContext;
}

/** Searches timed when no server reports its response time: enough for a mean, quick on a big catalog. */
export const MEASURED_SEARCHES = 20;
const RANK: Record<CheckStatus, number> = { ok: 0, warning: 1, critical: 2 };
export const worst = (list: CheckStatus[]): CheckStatus =>
  list.reduce<CheckStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok');

export function requireKpi(id: string): Kpi {
  const kpi = kpiById(id);
  if (!kpi) throw new Error(`unknown KPI ${id}`);
  return kpi;
}

/** A value judged against its KPI's thresholds (src/kpi is the only source of them), with the reason worded. */
export function judge(id: string, value: number, what: string): Pick<HealthCheck, 'status' | 'reason'> {
  const kpi = requireKpi(id);
  const verdict = assess(kpi, value);
  const shown = `${what}: ${formatValue(value, kpi.unit)}`;
  if (!verdict) return { status: 'ok', reason: shown };
  const past = `${kpi.direction === 'above' ? '>' : '<'} ${formatValue(verdict.threshold, kpi.unit)}`;
  return {
    status: verdict.severity,
    reason: `${shown} ${past} (${kpi.title} ${verdict.severity} threshold)`,
  };
}

/** The running server's status, or null when none runs (see readFreshStatus for what counts as running). */
export async function runningServer(
  settings: ResolvedSettings,
  now = Date.now(),
): Promise<ServerStatus | null> {
  const read = await readFreshStatus(settings, now);
  return read.ok ? read.status : null;
}

/** Runs `fn` on the configured store; undefined when it is SQLite without a database yet (reading creates none). */
export async function withStore<T>(
  settings: ResolvedSettings,
  fn: (store: Store) => Promise<T>,
): Promise<T | undefined> {
  if (settings.store.backend === 'sqlite' && !existsSync(dbFile(settings.dataDir))) return undefined;
  const store = await openStore(settings);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * Mean seconds of a search over the catalog, measured now; undefined with no catalog. A private cache and
 * distinct queries: a cache hit would time the cache, and the persisted cache's statistics stay the users'.
 */
export async function measureResponseSeconds(settings: ResolvedSettings): Promise<number | undefined> {
  const catalog = await withStore(settings, (store) => store.catalog());
  if (!catalog) return undefined;
  const { entries } = catalog;
  const count = Math.min(MEASURED_SEARCHES, entries.length);
  // Spread over the catalog, so one server's vocabulary does not decide the figure.
  const queries = new Set(
    Array.from({ length: count }, (_, i) => {
      const e = entries[Math.floor((i * entries.length) / count)];
      return `${e?.name ?? ''} ${e?.description?.split(/\s+/).slice(0, 4).join(' ') ?? ''}`.trim();
    }),
  );
  if (queries.size === 0) return undefined;
  const search = CatalogSearch.build(catalog, settings);
  const t0 = performance.now();
  for (const query of queries) search.search({ query });
  return (performance.now() - t0) / queries.size / 1000;
}

type Verdict = Pick<HealthCheck, 'status' | 'reason'>;
const rated = (status: CheckStatus, reason: string): Verdict => ({ status, reason });
const ok = (reason: string) => rated('ok', reason);
const result = (check: HealthCheck['check'], v: Verdict, extra: Partial<HealthCheck> = {}): HealthCheck => ({
  check,
  ...v,
  ...extra,
});

/**
 * SQLite: PRAGMA quick_check and the schema version. PostgreSQL checks its own pages: the schema version, its
 * tables, and which instance leads (health-postgres.ts).
 */
async function storeVerdict(settings: ResolvedSettings): Promise<Verdict> {
  if (settings.store.backend === 'postgres') {
    const { postgresVerdict } = await import('./health-postgres.js');
    return postgresVerdict(settings);
  }
  const file = dbFile(settings.dataDir);
  if (!existsSync(file)) return rated('warning', 'no catalog yet: run discover');
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
    const version = db.pragma('user_version', { simple: true }) as number;
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const damage = rows.map((r) => r.quick_check).filter((text) => text !== 'ok');
    const latest = MIGRATIONS.length;
    if (damage.length > 0)
      return rated('critical', `quick_check: ${damage.slice(0, 3).join('; ')}: restore a backup`);
    if (version > latest)
      return rated('critical', `schema v${version} is newer than this build's v${latest}`);
    if (version < latest) return rated('warning', `schema v${version}, discover upgrades it to v${latest}`);
    return ok(`quick_check ok, schema v${version}`);
  } catch (error) {
    return { status: 'critical', reason: `${file} cannot be read: ${(error as Error).message}` };
  } finally {
    db?.close();
  }
}

/** A probe succeeds when the server answered (healthy or degraded), as the probe counter the KPI reads counts it. */
function judgeRun(run: DiscoveryRun, source: 'store' | 'probe'): HealthCheck {
  // Servers waiting for input were never started, so they are not probes.
  const probed = run.servers.filter((s) => s.health !== 'needs-input');
  if (probed.length === 0)
    return result('discovery', ok(`no server probed in the run of ${run.startedAt}`), { source });
  const failed = probed.filter((s) => s.health !== 'healthy' && s.health !== 'degraded').map((s) => s.name);
  const share = (probed.length - failed.length) / probed.length;
  const what = `${probed.length - failed.length} of ${probed.length} servers answered in the run of ${run.startedAt}`;
  const verdict = judge('discovery_success_rate', share, what);
  const names = failed.length > 0 ? ` (failed: ${failed.slice(0, 5).join(', ')})` : '';
  return result('discovery', { ...verdict, reason: `${verdict.reason}${names}` }, { value: share, source });
}

async function checkDiscovery(options: HealthOptions): Promise<HealthCheck> {
  const { settings, configFiles, context } = options;
  if (options.probe) {
    const { discover } = await import('../discover.js');
    return judgeRun((await discover({ settings, configFiles, context })).run, 'probe');
  }
  const run = await withStore(settings, (store) => store.lastRun());
  if (run) return judgeRun(run, 'store');
  return result('discovery', rated('warning', 'no discovery run yet: run discover'));
}

async function checkResponse(settings: ResolvedSettings, server: ServerStatus | null): Promise<HealthCheck> {
  const reading = server?.kpis.find((k) => k.kpi === 'response_time');
  if (reading) {
    const window = `${reading.window / 60} min`;
    if (reading.value === null)
      return result('response_time', ok(`no requests in the last ${window}`), { source: 'server' });
    const verdict = judge('response_time', reading.value, `mean of the server's requests over ${window}`);
    return result('response_time', verdict, { value: reading.value, source: 'server' });
  }
  const seconds = await measureResponseSeconds(settings);
  if (seconds === undefined)
    return result('response_time', ok('not measured: the catalog is empty'), { source: 'measured' });
  const verdict = judge('response_time', seconds, 'mean of searches measured now (no running server)');
  return result('response_time', verdict, { value: seconds, source: 'measured' });
}

function checkRss(server: ServerStatus | null): HealthCheck {
  const rss = server?.memory.rss ?? process.memoryUsage().rss;
  const verdict = judge(
    'memory_rss',
    rss,
    server ? `server pid ${server.pid}` : 'this process (no running server)',
  );
  return result('memory_rss', verdict, { value: rss, source: server ? 'server' : 'process' });
}

function firingAlerts(server: ServerStatus | null): HealthReport['alerts'] {
  return (server?.kpis ?? [])
    .filter((k) => k.firing.length > 0)
    .map((k) => ({
      kpi: k.kpi,
      title: k.title,
      severity: k.firing.includes('critical') ? 'critical' : 'warning',
    }));
}

function checkAlerts(server: ServerStatus | null, alerts: HealthReport['alerts']): HealthCheck {
  if (!server) return result('alerts', ok('no running server: status.json missing or stale'));
  if (alerts.length === 0) return result('alerts', ok('none firing'), { source: 'server' });
  const reason = `firing: ${alerts.map((a) => `${a.title} (${a.severity})`).join(', ')}`;
  return result('alerts', { status: worst(alerts.map((a) => a.severity)), reason }, { source: 'server' });
}

/** A store that cannot be read fails the checks that need it, with the store's own advice, not the command. */
async function unreadable(check: HealthCheck['check'], fn: () => Promise<HealthCheck>): Promise<HealthCheck> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    return result(check, { status: 'critical', reason: error.message });
  }
}

/** `health`: every check with its status and reason, as a `mcp_discovery.maintenance health` span. */
export function health(options: HealthOptions): Promise<HealthReport> {
  const { settings } = options;
  return runTask(settings.dataDir, 'health', async () => {
    // The store first: discover --probe would create a database that is not there yet.
    const store = await unreadable('store', async () =>
      result('store', await storeVerdict(settings), { source: 'store' }),
    );
    const server = await runningServer(settings);
    const alerts = firingAlerts(server);
    const checks = [
      store,
      await unreadable('discovery', () => checkDiscovery(options)),
      await unreadable('response_time', () => checkResponse(settings, server)),
      checkRss(server),
      checkAlerts(server, alerts),
    ];
    return {
      status: worst(checks.map((c) => c.status)),
      at: new Date().toISOString(),
      server: server && { pid: server.pid, at: server.at },
      checks,
      alerts,
    };
  });
}
