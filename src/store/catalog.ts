import { z } from 'zod';

/**
 * The catalog as the store hands it to search: what every server offers, probed or imported. One shape for
 * tools, resources, resource templates and prompts, so ranking and suggestions treat them alike.
 */
export const EntryKindSchema = z.enum(['tool', 'resource', 'resource_template', 'prompt']);
export type EntryKind = z.infer<typeof EntryKindSchema>;

export const PromptArgumentSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  required: z.boolean().optional(),
});

export const CatalogEntrySchema = z.object({
  kind: EntryKindSchema,
  server: z.string(),
  /** Tool, prompt or resource name as the server gave it. */
  name: z.string(),
  title: z.string().optional(),
  description: z.string().default(''),
  /** Resource URI, or the URI template of a resource template. */
  uri: z.string().optional(),
  mimeType: z.string().optional(),
  inputSchema: z.unknown().optional(),
  outputSchema: z.unknown().optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
  /** Prompt arguments. */
  arguments: z.array(PromptArgumentSchema).optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

export const CatalogServerSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  /** A description of the server: from an import file, or the server's `instructions`. */
  description: z.string().optional(),
  /** probed: found by discovery; imported: loaded with `index import`, never connected to. */
  origin: z.enum(['probed', 'imported']),
  health: z.string().optional(),
});
export type CatalogServer = z.infer<typeof CatalogServerSchema>;

export interface Catalog {
  /** Grows with every change to the catalog; caches keyed on it are invalidated by any change. */
  version: number;
  servers: CatalogServer[];
  entries: CatalogEntry[];
}

/** Stable identity of an entry: `<server>/<tool>`, the form the benchmark and `search --batch` use for tools. */
export function entryId(e: Pick<CatalogEntry, 'kind' | 'server' | 'name' | 'uri'>): string {
  if (e.kind === 'tool') return `${e.server}/${e.name}`;
  if (e.kind === 'prompt') return `${e.server}/prompt:${e.name}`;
  return `${e.server}/${e.kind === 'resource' ? 'resource' : 'template'}:${e.uri ?? e.name}`;
}

/** How many entries of each kind a catalog holds. */
export function catalogCounts(entries: readonly Pick<CatalogEntry, 'kind'>[]) {
  const count = (kind: EntryKind) => entries.filter((e) => e.kind === kind).length;
  return {
    tools: count('tool'),
    resources: count('resource'),
    resourceTemplates: count('resource_template'),
    prompts: count('prompt'),
  };
}
