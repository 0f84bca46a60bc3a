import type pg from 'pg';
import type { DiscoveryRun } from '../../discovery/report.js';
import type { CatalogEntry } from '../catalog.js';
import { answered } from '../definitions.js';
import {
  type Change,
  catalogServerChanged,
  changeRow,
  diffEntries,
  type EntryList,
  importPlan,
  runChanges,
  runLists,
} from '../diff.js';
import { StoreError } from '../errors.js';
import { entryParams, probedServerParams } from '../rows.js';
import type { ServerRow } from '../statements.js';
import type { ImportResult, ImportServer, RunChanges } from '../store.js';
import * as sql from './sql.js';

/**
 * Records a run or an import on a client that holds the writer lock inside a transaction (store.ts). What
 * changed is decided by diff.ts, as for SQLite; here the state is read once and written in bulk.
 */

/** Rows per statement: bounds the size of one JSON parameter, however large the catalog. */
const CHUNK = 1_000;

type EntryStateRow = {
  id: string;
  server: string;
  kind: string;
  key: string;
  name: string;
  uri: string | null;
  content_hash: string;
  removed_at: string | null;
};

// PostgreSQL text cannot hold U+0000 and its JSON parser refuses unpaired surrogates; SQLite takes both.
// A server sending either must not fail the whole run, so they are dropped (NUL) or replaced (U+FFFD).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  return value;
}

class PgCatalogWriter {
  private readonly log: Change[] = [];
  private serversChanged = false;

  constructor(
    private readonly c: pg.PoolClient,
    private readonly runId: string,
    private readonly at: string,
  ) {}

  /** Upserts servers with `upsert` (RETURNING *), noting whether what search shows of any of them changed. */
  async saveServers(upsert: string, rows: Array<{ name: string }>): Promise<void> {
    if (rows.length === 0) return;
    const names = rows.map((r) => r.name);
    const before = await this.c.query<ServerRow>(sql.SERVERS_NAMED, [names]);
    const old = new Map(before.rows.map((r) => [r.name, r]));
    const after = await this.c.query<ServerRow>(upsert, [JSON.stringify(rows)]);
    if (after.rows.some((r) => catalogServerChanged(old.get(r.name), r))) this.serversChanged = true;
  }

  /** Diffs every list against one read of its servers' entries, then writes the result in bulk. */
  async saveEntries(lists: EntryList[]): Promise<void> {
    const servers = [...new Set(lists.map((l) => l.server))];
    if (servers.length === 0) return;
    const { rows } = await this.c.query<EntryStateRow>(sql.ENTRY_STATES, [servers]);
    const byKey = new Map(rows.map((r) => [`${r.server}\0${r.kind}\0${r.key}`, r]));
    const active = new Map<string, EntryStateRow[]>();
    for (const r of rows) {
      if (r.removed_at !== null) continue;
      const prefix = `${r.server}\0${r.kind}\0`;
      const group = active.get(prefix);
      if (group) group.push(r);
      else active.set(prefix, [r]);
    }
    const saves: ReturnType<typeof entryParams>[] = [];
    const removed: string[] = [];
    for (const list of lists) {
      const prefix = `${list.server}\0${list.kind}\0`;
      const diff = diffEntries(
        list,
        (key) => byKey.get(prefix + key),
        () => active.get(prefix) ?? [],
      );
      for (const d of diff.save) saves.push(entryParams(list.server, d, this.at));
      for (const r of diff.removed) removed.push(r.id);
      this.log.push(...diff.changes);
    }
    for (let i = 0; i < saves.length; i += CHUNK)
      await this.c.query(sql.SAVE_ENTRIES, [JSON.stringify(saves.slice(i, i + CHUNK))]);
    if (removed.length > 0) await this.c.query(sql.MARK_REMOVED, [this.at, removed]);
  }

  /** Records the run and its change log, and bumps the catalog version if anything search sees changed. */
  async finish(run: {
    kind: 'discover' | 'import';
    origin?: string;
    durationMs: number;
    summary: unknown;
    document?: unknown;
  }): Promise<RunChanges> {
    await this.c.query(sql.INSERT_RUN, [
      this.runId,
      run.kind,
      run.origin ?? null,
      this.at,
      run.durationMs,
      JSON.stringify(run.summary),
      run.document === undefined ? null : JSON.stringify(run.document),
    ]);
    const changes = this.log.map((change) => changeRow(this.runId, this.at, change));
    for (let i = 0; i < changes.length; i += CHUNK)
      await this.c.query(sql.INSERT_CHANGES, [JSON.stringify(changes.slice(i, i + CHUNK))]);
    if (this.serversChanged || this.log.length > 0) await this.c.query(sql.BUMP_VERSION);
    return runChanges(this.runId, this.log);
  }
}

export async function pgWriteRun(c: pg.PoolClient, raw: DiscoveryRun): Promise<RunChanges> {
  if ((await c.query(sql.RUN_EXISTS, [raw.runId])).rowCount)
    throw new StoreError('duplicate-run', `run ${raw.runId} is already recorded`);
  // Server names are unique in a run (sources/merge.ts); were one repeated, the last report stands.
  const run = storable({ ...raw, servers: [...new Map(raw.servers.map((s) => [s.name, s])).values()] });
  const w = new PgCatalogWriter(c, run.runId, run.startedAt);
  const servers = run.servers.map((r) => probedServerParams(r, run.startedAt, answered(r)));
  await w.saveServers(sql.SAVE_PROBED_SERVERS, servers);
  await w.saveEntries(runLists(run));
  return w.finish({ kind: 'discover', durationMs: run.durationMs, summary: run.summary, document: run });
}

export async function pgWriteImport(
  c: pg.PoolClient,
  input: { servers: ImportServer[]; entries: CatalogEntry[] },
  origin: string,
  runId: string,
): Promise<ImportResult> {
  const t0 = performance.now();
  const at = new Date().toISOString();
  const w = new PgCatalogWriter(c, runId, at);
  const from = storable(origin);
  const { servers, lists } = importPlan(storable(input), from);
  await w.saveServers(
    sql.SAVE_IMPORTED_SERVERS,
    servers.map((s) => ({ ...s, at })),
  );
  await w.saveEntries(lists);
  const summary = { servers: servers.length, entries: input.entries.length };
  const changes = await w.finish({
    kind: 'import',
    origin: from,
    durationMs: performance.now() - t0,
    summary,
  });
  return { ...changes, ...summary };
}
