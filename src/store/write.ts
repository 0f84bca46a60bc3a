import type { DiscoveryRun } from '../discovery/report.js';
import type { CatalogEntry } from './catalog.js';
import { answered } from './definitions.js';
import {
  type Change,
  catalogServerChanged,
  changeRow,
  diffEntries,
  type EntryList,
  importPlan,
  runChanges,
  runLists,
} from './diff.js';
import { StoreError } from './errors.js';
import { entryParams, probedServerParams } from './rows.js';
import type { Statements } from './statements.js';
import type { ImportResult, ImportServer, RunChanges } from './store.js';

/**
 * Applies one run or import to the catalog and keeps account of what changed. Callers run it inside one
 * transaction, so a failure anywhere leaves the catalog as it was. What changed is decided in diff.ts.
 */
class CatalogWriter {
  private readonly log: Change[] = [];
  private serversChanged = false;

  constructor(
    private readonly st: Statements,
    private readonly runId: string,
    private readonly at: string,
  ) {}

  /** Runs `save` and notes whether what the catalog shows of the server (title, health...) changed. */
  saveServer(name: string, save: () => void): void {
    const before = this.st.server.get(name);
    save();
    if (catalogServerChanged(before, this.st.server.get(name))) this.serversChanged = true;
  }

  /** Upserts a server's entries of one kind; when the list is complete, what it no longer has is removed. */
  saveEntries(list: EntryList): void {
    const { server, kind } = list;
    const diff = diffEntries(
      list,
      (key) => this.st.entryState.get(server, kind, key),
      () => this.st.activeEntries.all(server, kind),
    );
    for (const d of diff.save) this.st.saveEntry.run(entryParams(server, d, this.at));
    for (const row of diff.removed) this.st.markRemoved.run(this.at, row.id);
    this.log.push(...diff.changes);
  }

  /** Records the run and its change log, and bumps the catalog version if anything search sees changed. */
  finish(run: {
    kind: 'discover' | 'import';
    origin?: string;
    durationMs: number;
    summary: unknown;
    document?: unknown;
  }): RunChanges {
    this.st.insertRun.run({
      run_id: this.runId,
      kind: run.kind,
      origin: run.origin ?? null,
      started_at: this.at,
      duration_ms: run.durationMs,
      summary: JSON.stringify(run.summary),
      document: run.document === undefined ? null : JSON.stringify(run.document),
    });
    for (const change of this.log) this.st.insertChange.run(changeRow(this.runId, this.at, change));
    if (this.serversChanged || this.log.length > 0) this.st.bumpVersion.run();
    return runChanges(this.runId, this.log);
  }
}

export function writeRun(st: Statements, run: DiscoveryRun): RunChanges {
  if (st.runExists.get(run.runId))
    throw new StoreError('duplicate-run', `run ${run.runId} is already recorded`);
  const w = new CatalogWriter(st, run.runId, run.startedAt);
  for (const report of run.servers) {
    const params = probedServerParams(report, run.startedAt, answered(report));
    w.saveServer(report.name, () => st.saveProbedServer.run(params));
  }
  for (const list of runLists(run)) w.saveEntries(list);
  return w.finish({ kind: 'discover', durationMs: run.durationMs, summary: run.summary, document: run });
}

export function writeImport(
  st: Statements,
  input: { servers: ImportServer[]; entries: CatalogEntry[] },
  origin: string,
  runId: string,
): ImportResult {
  const t0 = performance.now();
  const at = new Date().toISOString();
  const w = new CatalogWriter(st, runId, at);
  const { servers, lists } = importPlan(input, origin);
  for (const s of servers) w.saveServer(s.name, () => st.saveImportedServer.run({ ...s, at }));
  for (const list of lists) w.saveEntries(list);
  const summary = { servers: servers.length, entries: input.entries.length };
  const changes = w.finish({ kind: 'import', origin, durationMs: performance.now() - t0, summary });
  return { ...changes, ...summary };
}
