import { z } from 'zod';
import { type DiscoveryRun, DiscoveryRunSchema, HealthSchema } from '../discovery/report.js';
import { SourceRefSchema } from '../sources/spec.js';
import { instruments, METRIC_ATTR } from '../telemetry/index.js';
import { type Catalog, type CatalogEntry, CatalogServerSchema, EntryKindSchema } from './catalog.js';

/**
 * The store's contract. Every method is async although SQLite answers synchronously, so a PostgreSQL store can
 * implement the same interface without touching callers. Failures the user can act on are `StoreError`s.
 */

/** One entry named in a change: `entryId(ref)` gives its stable id. `uri` is set for resources and templates. */
export const ChangeRefSchema = z.object({
  server: z.string(),
  kind: EntryKindSchema,
  name: z.string(),
  uri: z.string().optional(),
});
export type ChangeRef = z.infer<typeof ChangeRefSchema>;

/** What one run or import did to the catalog; a re-added entry counts as added, an edited one as changed. */
export const RunChangesSchema = z.object({
  runId: z.string(),
  added: z.array(ChangeRefSchema),
  removed: z.array(ChangeRefSchema),
  changed: z.array(ChangeRefSchema),
});
export type RunChanges = z.infer<typeof RunChangesSchema>;

/** Every Store implementation counts what a run changed, for the Discovery dashboard's changes panel. */
export function countChanges(changes: RunChanges): void {
  const counter = instruments().catalogChanges;
  for (const change of ['added', 'removed', 'changed'] as const)
    if (changes[change].length > 0) counter.add(changes[change].length, { [METRIC_ATTR.change]: change });
}

const ChangeKindSchema = z.enum(['added', 'removed', 'changed']);

export const ChangeRecordSchema = ChangeRefSchema.extend({
  runId: z.string(),
  change: ChangeKindSchema,
  /** Hash of the definition after the change; absent for a removal. */
  contentHash: z.string().optional(),
  at: z.iso.datetime(),
});
export type ChangeRecord = z.infer<typeof ChangeRecordSchema>;

/** A server of an import file: the entries' servers are created by name when the file does not describe them. */
export const ImportServerSchema = CatalogServerSchema.pick({ name: true, title: true, description: true });
export type ImportServer = z.infer<typeof ImportServerSchema>;

export const ImportResultSchema = RunChangesSchema.extend({
  servers: z.number(),
  entries: z.number(),
});
export type ImportResult = z.infer<typeof ImportResultSchema>;

const ChangeCountsSchema = z.object({ added: z.number(), removed: z.number(), changed: z.number() });
const RunBaseSchema = z.object({
  runId: z.string(),
  startedAt: z.iso.datetime(),
  durationMs: z.number(),
  changes: ChangeCountsSchema,
});
export const RunSummarySchema = z.discriminatedUnion('kind', [
  RunBaseSchema.extend({ kind: z.literal('discover'), summary: DiscoveryRunSchema.shape.summary }),
  RunBaseSchema.extend({
    kind: z.literal('import'),
    /** What was imported, e.g. the file's path. */
    origin: z.string(),
    summary: z.object({ servers: z.number(), entries: z.number() }),
  }),
]);
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** Everything the store knows of a server. Environment and header values are never stored, only their names. */
export const StoredServerSchema = z.object({
  name: z.string(),
  origin: CatalogServerSchema.shape.origin,
  /** The `origin` of the last import that described this server. */
  importedFrom: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  transport: z.string().optional(),
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  url: z.string().optional(),
  envKeys: z.array(z.string()),
  headerKeys: z.array(z.string()),
  sources: z.array(SourceRefSchema),
  health: HealthSchema.optional(),
  reason: z.string().optional(),
  serverInfo: z.looseObject({ name: z.string(), version: z.string() }).optional(),
  protocolVersion: z.string().optional(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
  instructions: z.string().optional(),
  firstSeen: z.iso.datetime(),
  /** Start of the last run that tried this server, whatever came of it. */
  lastProbedAt: z.iso.datetime().optional(),
  /** Start of the last run in which it answered (healthy or degraded). */
  lastOkAt: z.iso.datetime().optional(),
});
export type StoredServer = z.infer<typeof StoredServerSchema>;

export interface Store {
  /**
   * Keeps a discovery run in one transaction: upserts its servers and what they list, marks what a fully listed
   * server no longer offers as removed, logs added / removed / changed entries, and keeps the run's document.
   * A server that failed keeps its previous entries; only its health and reason change.
   */
  recordRun(run: DiscoveryRun): Promise<RunChanges>;
  /**
   * Loads an offline catalog (`index import`) in one transaction. Its servers are marked `imported`; an entry
   * missing from the file is removed only when its server has entries in this import. `origin` names the source.
   */
  importCatalog(
    input: { servers: ImportServer[]; entries: CatalogEntry[] },
    origin: string,
  ): Promise<ImportResult>;
  /** Every entry not removed, with every server, and the version they were read at. */
  catalog(): Promise<Catalog>;
  /** Grows in the same transaction as any change to what `catalog()` returns; key caches on it. */
  version(): Promise<number>;
  servers(): Promise<StoredServer[]>;
  /** The full document of the latest discovery run (imports are not discovery runs). */
  lastRun(): Promise<DiscoveryRun | undefined>;
  /** Runs and imports, newest first. */
  runs(limit: number): Promise<RunSummary[]>;
  /** The changes of one run or import; without a run id, every change ever recorded, oldest first. */
  changes(runId?: string): Promise<ChangeRecord[]>;
  close(): Promise<void>;
}
