import type { DiscoveryRun } from '../discovery/report.js';
import { type CatalogEntry, type EntryKind, EntryKindSchema } from './catalog.js';
import {
  answered,
  canonicalJson,
  completeKinds,
  type Definition,
  importedDefinition,
  reportDefinitions,
} from './definitions.js';
import { StoreError } from './errors.js';
import { entryParams, probedServerParams, toCatalogServer } from './rows.js';
import type { Statements } from './statements.js';
import type { ChangeRef, ImportResult, ImportServer, RunChanges } from './store.js';

type Change = { change: 'added' | 'removed' | 'changed'; ref: ChangeRef; hash: string | null };

/**
 * Applies one run or import to the catalog and keeps account of what changed. Callers run it inside one
 * transaction, so a failure anywhere leaves the catalog as it was.
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
    const after = this.st.server.get(name);
    if (!before || !after || canonicalJson(toCatalogServer(before)) !== canonicalJson(toCatalogServer(after)))
      this.serversChanged = true;
  }

  /** Upserts a server's entries of one kind; when the list is complete, what it no longer has is removed. */
  saveEntries(server: string, kind: EntryKind, definitions: Definition[], complete: boolean): void {
    const seen = new Set<string>();
    for (const d of definitions) {
      if (seen.has(d.key)) continue; // listed twice: the first one stands
      seen.add(d.key);
      const old = this.st.entryState.get(server, kind, d.key);
      this.st.saveEntry.run(entryParams(server, d, this.at));
      if (!old || old.removed_at !== null) this.note('added', d.entry, d.hash);
      else if (old.content_hash !== d.hash) this.note('changed', d.entry, d.hash);
    }
    if (!complete) return;
    for (const row of this.st.activeEntries.all(server, kind)) {
      if (seen.has(row.key)) continue;
      this.st.markRemoved.run(this.at, row.id);
      this.note('removed', { server, kind, name: row.name, uri: row.uri ?? undefined }, null);
    }
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
    for (const { change, ref, hash } of this.log)
      this.st.insertChange.run({
        run_id: this.runId,
        server: ref.server,
        kind: ref.kind,
        name: ref.name,
        uri: ref.uri ?? null,
        change,
        content_hash: hash,
        at: this.at,
      });
    if (this.serversChanged || this.log.length > 0) this.st.bumpVersion.run();
    const pick = (kind: Change['change']) => this.log.filter((c) => c.change === kind).map((c) => c.ref);
    return { runId: this.runId, added: pick('added'), removed: pick('removed'), changed: pick('changed') };
  }

  private note(
    change: Change['change'],
    e: Pick<CatalogEntry, 'server' | 'kind' | 'name' | 'uri'>,
    hash: string | null,
  ) {
    const ref: ChangeRef = { server: e.server, kind: e.kind, name: e.name };
    if (e.uri !== undefined) ref.uri = e.uri;
    this.log.push({ change, ref, hash });
  }
}

export function writeRun(st: Statements, run: DiscoveryRun): RunChanges {
  if (st.runExists.get(run.runId))
    throw new StoreError('duplicate-run', `run ${run.runId} is already recorded`);
  const w = new CatalogWriter(st, run.runId, run.startedAt);
  for (const report of run.servers) {
    const ok = answered(report);
    w.saveServer(report.name, () => st.saveProbedServer.run(probedServerParams(report, run.startedAt, ok)));
    // A server we could not reach keeps what it offered last time: we cannot tell what it offers now.
    if (!ok) continue;
    const complete = completeKinds(report);
    for (const kind of EntryKindSchema.options)
      w.saveEntries(report.name, kind, reportDefinitions(report, kind), complete.includes(kind));
  }
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
  const described = new Map(input.servers.map((s) => [s.name, s]));
  const byServer = new Map<string, Definition[]>();
  for (const entry of input.entries) {
    const list = byServer.get(entry.server) ?? [];
    list.push(importedDefinition(entry));
    byServer.set(entry.server, list);
  }
  const names = [...new Set([...described.keys(), ...byServer.keys()])].sort();
  for (const name of names) {
    const s = described.get(name);
    const params = {
      name,
      imported_from: origin,
      title: s?.title ?? null,
      description: s?.description ?? null,
      at,
    };
    w.saveServer(name, () => st.saveImportedServer.run(params));
  }
  // The import describes each server it has entries for in full; servers it only names keep their entries.
  for (const [server, definitions] of byServer)
    for (const kind of EntryKindSchema.options)
      w.saveEntries(
        server,
        kind,
        definitions.filter((d) => d.entry.kind === kind),
        true,
      );
  const summary = { servers: names.length, entries: input.entries.length };
  const changes = w.finish({ kind: 'import', origin, durationMs: performance.now() - t0, summary });
  return { ...changes, ...summary };
}
