import type pg from 'pg';
import { LEADER_LOCK_KEY } from '../cluster/postgres.js';
import type { ResolvedSettings } from '../settings/index.js';
import { describeUrl, pgStoreError } from '../store/postgres/errors.js';
import { PG_MIGRATIONS } from '../store/postgres/migrations.js';
import type { HealthCheck } from './health.js';

type Verdict = Pick<HealthCheck, 'status' | 'reason'>;

/**
 * Every table the migrations create, read from their text: the list stays right when a migration is appended,
 * with no second list to forget.
 */
const tablesOf = (migrations: readonly string[]): string[] => [
  'schema_migrations',
  ...migrations.flatMap((sql) =>
    [...sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((m) => m[1] ?? ''),
  ),
];
const PG_TABLES = tablesOf(PG_MIGRATIONS);

/** The application name of the connection that holds the lead and listens: this, a space, the instance id. */
const COORDINATOR_APP = 'mcp-discovery-coordinator';

/**
 * Who holds the leader's advisory lock in this database, from pg_locks: a bigint key shows as classid (high 32
 * bits) and objid (low 32 bits) with objsubid 1. Read from the database rather than from an instance's /readyz,
 * so it answers without knowing where the instances run.
 */
const LEADER = `
  SELECT a.pid, host(a.client_addr) AS addr, a.client_port AS port, a.backend_start, a.application_name AS app
  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND (l.classid::bigint << 32 | l.objid::bigint) = $1::bigint`;
const INSTANCES = `
  SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1`;

interface Leader {
  pid: number;
  addr: string | null;
  port: number | null;
  backend_start: Date | null;
  app: string | null;
}

async function leadership(c: pg.Client): Promise<Verdict> {
  const leader = (await c.query<Leader>(LEADER, [LEADER_LOCK_KEY])).rows[0];
  const n = (await c.query<{ n: number }>(INSTANCES, [`${COORDINATOR_APP}%`])).rows[0]?.n ?? 0;
  if (!leader) {
    // Followers take the lead within a poll (1 s): none leading while some run is a failover, or a fault.
    if (n > 0)
      return {
        status: 'warning',
        reason: `${n} serve instance(s) connected and none leads: nothing discovers; if this lasts, check their logs`,
      };
    return { status: 'ok', reason: 'no serve instance connected, so none leads' };
  }
  // The address is hidden from roles other than the session's own without pg_read_all_stats.
  const from = leader.addr
    ? `${leader.addr}:${leader.port}`
    : leader.backend_start
      ? 'a local socket'
      : 'an address hidden from this role';
  const since = leader.backend_start ? `, connected since ${leader.backend_start.toISOString()}` : '';
  const instance = leader.app?.startsWith(`${COORDINATOR_APP} `)
    ? leader.app.slice(COORDINATOR_APP.length + 1)
    : '';
  return {
    status: 'ok',
    reason:
      `leader: ${instance ? `instance ${instance}, ` : 'the instance '}connected from ${from} ` +
      `(backend pid ${leader.pid}${since}); ${n} instance(s) connected`,
  };
}

async function consistency(c: pg.Client, where: string): Promise<Verdict> {
  const latest = PG_MIGRATIONS.length;
  const missing = (
    await c.query<{ t: string }>('SELECT t FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NULL', [
      PG_TABLES,
    ])
  ).rows.map((r) => r.t);
  if (missing.includes('schema_migrations'))
    return { status: 'warning', reason: `no catalog yet in ${where}: run discover` };
  const version =
    (await c.query<{ v: number }>('SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_migrations'))
      .rows[0]?.v ?? 0;
  if (version > latest)
    return { status: 'critical', reason: `schema v${version} is newer than this build's v${latest}` };
  // Tables of migrations not run yet are expected to be missing; any other missing table is damage.
  const expected = tablesOf(PG_MIGRATIONS.slice(0, version));
  const lost = missing.filter((t) => expected.includes(t));
  if (lost.length > 0)
    return {
      status: 'critical',
      reason: `schema v${version} but table(s) ${lost.join(', ')} missing: restore a backup (mcp-discovery restore)`,
    };
  const meta = await c.query<{ value: string }>(`SELECT value FROM meta WHERE key = 'catalog_version'`);
  if (meta.rowCount === 0)
    return {
      status: 'critical',
      reason: `meta has no catalog_version row: restore a backup (mcp-discovery restore)`,
    };
  const catalog = `catalog version ${meta.rows[0]?.value}`;
  if (version < latest)
    return {
      status: 'warning',
      reason: `schema v${version}, ${catalog}: serve or discover upgrades it to v${latest}`,
    };
  return {
    status: 'ok',
    reason: `schema v${version} current, all ${expected.length} tables present, ${catalog}`,
  };
}

/**
 * The store check on PostgreSQL, read-only (opening the store would migrate it and hide what is found): the
 * schema version and tables, and which `serve` instance leads. Connection problems throw the store's StoreError,
 * which `health` reports as a critical store check.
 */
export async function postgresVerdict(settings: ResolvedSettings): Promise<Verdict> {
  const url = settings.store.postgresUrl ?? '';
  const where = describeUrl(url);
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    application_name: 'mcp-discovery-health',
  });
  try {
    await client.connect();
    const schema = await consistency(client, where);
    const lead = await leadership(client);
    const status = schema.status === 'ok' ? lead.status : schema.status;
    return { status, reason: `${where}: ${schema.reason}; ${lead.reason}` };
  } catch (error) {
    throw pgStoreError(error, url, 0);
  } finally {
    await client.end().catch(() => undefined);
  }
}
