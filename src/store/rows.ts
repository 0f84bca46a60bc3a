import {
  type DiscoveryRun,
  DiscoveryRunSchema,
  type Health,
  type ServerReport,
} from '../discovery/report.js';
import type { CatalogEntry, CatalogServer, EntryKind } from './catalog.js';
import type { Definition } from './definitions.js';
import { StoreError } from './errors.js';
import type { ChangeRow, EntryRow, RunRow, ServerRow } from './statements.js';
import type { ChangeRecord, RunSummary, StoredServer } from './store.js';

/** Rows to shapes and back. Columns are our own, written by this module's encoders, so decoding trusts them. */

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
const fromJson = <T>(text: string | null): T | undefined =>
  text === null ? undefined : (JSON.parse(text) as T);
const opt = (v: string | null) => v ?? undefined;

/** Drops absent fields, so a decoded shape equals the one that was stored. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function probedServerParams(report: ServerReport, at: string, ok: boolean) {
  return {
    name: report.name,
    transport: report.transport,
    command: report.command ?? null,
    args: json(report.args),
    url: report.url ?? null,
    env_keys: json(report.envKeys),
    header_keys: json(report.headerKeys),
    sources: json(report.sources),
    health: report.health,
    reason: report.reason ?? null,
    server_info: json(report.serverInfo),
    protocol_version: report.protocolVersion ?? null,
    capabilities: json(report.capabilities),
    instructions: report.instructions ?? null,
    at,
    ok: ok ? 1 : 0,
  };
}

export function entryParams(server: string, d: Definition, at: string) {
  const e = d.entry;
  return {
    server,
    kind: e.kind,
    key: d.key,
    name: e.name,
    title: e.title ?? null,
    description: e.description,
    uri: e.uri ?? null,
    mime_type: e.mimeType ?? null,
    input_schema: json(e.inputSchema),
    output_schema: json(e.outputSchema),
    annotations: json(e.annotations),
    arguments: json(e.arguments),
    content_hash: d.hash,
    at,
  };
}

export const toStoredServer = (r: ServerRow): StoredServer =>
  defined({
    name: r.name,
    origin: r.origin,
    importedFrom: opt(r.imported_from),
    title: opt(r.title),
    description: opt(r.description),
    transport: opt(r.transport),
    command: opt(r.command),
    args: fromJson<string[]>(r.args),
    url: opt(r.url),
    envKeys: fromJson<string[]>(r.env_keys) ?? [],
    headerKeys: fromJson<string[]>(r.header_keys) ?? [],
    sources: fromJson<StoredServer['sources']>(r.sources) ?? [],
    health: opt(r.health) as Health | undefined,
    reason: opt(r.reason),
    serverInfo: fromJson<StoredServer['serverInfo']>(r.server_info),
    protocolVersion: opt(r.protocol_version),
    capabilities: fromJson<Record<string, unknown>>(r.capabilities),
    instructions: opt(r.instructions),
    firstSeen: r.first_seen,
    lastProbedAt: opt(r.last_probed_at),
    lastOkAt: opt(r.last_ok_at),
  });

/** What search sees of a server: what it says of itself when probed, else what an import said of it. */
export function toCatalogServer(r: ServerRow): CatalogServer {
  const info = fromJson<{ title?: unknown }>(r.server_info);
  return defined({
    name: r.name,
    title: typeof info?.title === 'string' ? info.title : opt(r.title),
    description: opt(r.instructions) ?? opt(r.description),
    origin: r.origin,
    health: opt(r.health),
  });
}

export const toCatalogEntry = (r: EntryRow): CatalogEntry =>
  defined({
    kind: r.kind as EntryKind,
    server: r.server,
    name: r.name,
    title: opt(r.title),
    description: r.description,
    uri: opt(r.uri),
    mimeType: opt(r.mime_type),
    inputSchema: fromJson(r.input_schema),
    outputSchema: fromJson(r.output_schema),
    annotations: fromJson<Record<string, unknown>>(r.annotations),
    arguments: fromJson<CatalogEntry['arguments']>(r.arguments),
  });

export function toRunSummary(r: RunRow): RunSummary {
  const base = {
    runId: r.run_id,
    startedAt: r.started_at,
    durationMs: r.duration_ms,
    changes: { added: r.added, removed: r.removed, changed: r.changed },
  };
  return r.kind === 'discover'
    ? { ...base, kind: 'discover', summary: JSON.parse(r.summary) as DiscoveryRun['summary'] }
    : { ...base, kind: 'import', origin: r.origin ?? '', summary: JSON.parse(r.summary) };
}

export const toChangeRecord = (r: ChangeRow): ChangeRecord =>
  defined({
    runId: r.run_id,
    server: r.server,
    kind: r.kind as EntryKind,
    name: r.name,
    uri: opt(r.uri),
    change: r.change,
    contentHash: opt(r.content_hash),
    at: r.at,
  });

/** The stored document of the last run, checked; `where` names the database in the error (never a password). */
export function parseRunDocument(text: string, where: string): DiscoveryRun {
  const parsed = DiscoveryRunSchema.safeParse(JSON.parse(text));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new StoreError(
    'corrupt',
    `${where}: the last run's document does not read back (${issue?.path.join('.')}: ${issue?.message}); ` +
      'run `mcp-discovery discover` again',
  );
}
