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
import { toCatalogServer } from './rows.js';
import type { ServerRow } from './statements.js';
import type { ChangeRef, ImportServer, RunChanges } from './store.js';

/**
 * The backend-free part of recording a run or an import: which entry lists it saves, what each list adds,
 * changes and removes, and the change log. SQLite (write.ts) and PostgreSQL (postgres/write.ts) apply the
 * result with their own statements, so both keep the same catalog and the same log.
 */

export type Change = { change: 'added' | 'removed' | 'changed'; ref: ChangeRef; hash: string | null };

/** One list a run or import saves: a server's entries of one kind; `complete` lists may remove entries. */
export type EntryList = { server: string; kind: EntryKind; definitions: Definition[]; complete: boolean };

/** What the store holds of an entry, removed or not. */
export type EntryState = { content_hash: string; removed_at: string | null };
export type ActiveEntry = { key: string; name: string; uri: string | null };

export function changeOf(
  change: Change['change'],
  e: Pick<CatalogEntry, 'server' | 'kind' | 'name' | 'uri'>,
  hash: string | null,
): Change {
  const ref: ChangeRef = { server: e.server, kind: e.kind, name: e.name };
  if (e.uri !== undefined) ref.uri = e.uri;
  return { change, ref, hash };
}

/**
 * Diffs one list against the store: each key is saved once (listed twice, the first one stands); a key that was
 * absent or removed is added, one whose hash differs is changed; a complete list removes the active entries it
 * does not name. `active` is read only for complete lists, and its order is the order removals are logged in.
 */
export function diffEntries<A extends ActiveEntry>(
  list: EntryList,
  previous: (key: string) => EntryState | undefined,
  active: () => A[],
): { save: Definition[]; removed: A[]; changes: Change[] } {
  const seen = new Set<string>();
  const save: Definition[] = [];
  const changes: Change[] = [];
  for (const d of list.definitions) {
    if (seen.has(d.key)) continue;
    seen.add(d.key);
    save.push(d);
    const old = previous(d.key);
    if (!old || old.removed_at !== null) changes.push(changeOf('added', d.entry, d.hash));
    else if (old.content_hash !== d.hash) changes.push(changeOf('changed', d.entry, d.hash));
  }
  const removed = list.complete ? active().filter((row) => !seen.has(row.key)) : [];
  for (const row of removed)
    changes.push(
      changeOf(
        'removed',
        { server: list.server, kind: list.kind, name: row.name, uri: row.uri ?? undefined },
        null,
      ),
    );
  return { save, removed, changes };
}

/** Whether what search shows of a server (title, description, health...) differs between two rows. */
export const catalogServerChanged = (before: ServerRow | undefined, after: ServerRow | undefined) =>
  !before || !after || canonicalJson(toCatalogServer(before)) !== canonicalJson(toCatalogServer(after));

/** The lists a run saves. A server we could not reach keeps what it offered last time: it lists nothing. */
export function runLists(run: DiscoveryRun): EntryList[] {
  const lists: EntryList[] = [];
  for (const report of run.servers) {
    if (!answered(report)) continue;
    const complete = completeKinds(report);
    for (const kind of EntryKindSchema.options)
      lists.push({
        server: report.name,
        kind,
        definitions: reportDefinitions(report, kind),
        complete: complete.includes(kind),
      });
  }
  return lists;
}

/**
 * An import's servers, sorted by name (named by the file or by an entry), as rows to save, and its lists: it
 * describes each server it has entries for in full, so those lists are complete; servers it only names keep
 * their entries.
 */
export function importPlan(input: { servers: ImportServer[]; entries: CatalogEntry[] }, origin: string) {
  const described = new Map(input.servers.map((s) => [s.name, s]));
  const byServer = new Map<string, Definition[]>();
  for (const entry of input.entries) {
    const list = byServer.get(entry.server) ?? [];
    list.push(importedDefinition(entry));
    byServer.set(entry.server, list);
  }
  const names = [...new Set([...described.keys(), ...byServer.keys()])].sort();
  const lists: EntryList[] = [];
  for (const [server, definitions] of byServer)
    for (const kind of EntryKindSchema.options)
      lists.push({
        server,
        kind,
        definitions: definitions.filter((d) => d.entry.kind === kind),
        complete: true,
      });
  const servers = names.map((name) => {
    const s = described.get(name);
    return { name, imported_from: origin, title: s?.title ?? null, description: s?.description ?? null };
  });
  return { servers, lists };
}

/** The change log as a run's result, by kind, each in log order. */
export function runChanges(runId: string, log: readonly Change[]): RunChanges {
  const pick = (kind: Change['change']) => log.filter((c) => c.change === kind).map((c) => c.ref);
  return { runId, added: pick('added'), removed: pick('removed'), changed: pick('changed') };
}

/** A change as the change log stores it, the same row for every backend. */
export function changeRow(runId: string, at: string, { change, ref, hash }: Change) {
  return {
    run_id: runId,
    server: ref.server,
    kind: ref.kind,
    name: ref.name,
    uri: ref.uri ?? null,
    change,
    content_hash: hash,
    at,
  };
}
