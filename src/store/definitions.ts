import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ServerReport } from '../discovery/report.js';
import { type CatalogEntry, type EntryKind, EntryKindSchema, PromptArgumentSchema } from './catalog.js';

/** An entry as the store keeps it: `key` is unique per server and kind, `hash` tells an edit from no change. */
export type Definition = { entry: CatalogEntry; key: string; hash: string };

/** JSON with object keys sorted at every depth, so the key order a server happens to use never reads as a change. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const contentHash = (definition: unknown) =>
  createHash('sha256').update(canonicalJson(definition)).digest('hex');

/** Resources are told apart by URI (names may repeat); tools and prompts by name. */
const entryKey = (e: Pick<CatalogEntry, 'kind' | 'name' | 'uri'>): string =>
  e.kind === 'tool' || e.kind === 'prompt' ? e.name : (e.uri ?? e.name);

/** An imported entry: its definition is everything but where it lives. */
export function importedDefinition(entry: CatalogEntry): Definition {
  const { server: _server, kind: _kind, ...definition } = entry;
  return { entry, key: entryKey(entry), hash: contentHash(definition) };
}

// A server may send a malformed optional field; the entry is still worth keeping without it.
const text = z.string().optional().catch(undefined);
const annotations = z.record(z.string(), z.unknown()).optional().catch(undefined);
const common = { name: z.string(), title: text, description: text, annotations };
const ToolDef = z.looseObject({
  ...common,
  inputSchema: z.unknown().optional(),
  outputSchema: z.unknown().optional(),
});
const ResourceDef = z.looseObject({ ...common, uri: z.string(), mimeType: text });
const TemplateDef = z.looseObject({ ...common, uriTemplate: z.string(), mimeType: text });
const PromptDef = z.looseObject({
  ...common,
  arguments: z.array(PromptArgumentSchema).optional().catch(undefined),
});

function toEntry(kind: EntryKind, server: string, raw: unknown): CatalogEntry | undefined {
  const base = (d: z.infer<z.ZodObject<typeof common>>) => ({
    kind,
    server,
    name: d.name,
    title: d.title ?? (typeof d.annotations?.title === 'string' ? d.annotations.title : undefined),
    description: d.description ?? '',
    annotations: d.annotations,
  });
  switch (kind) {
    case 'tool': {
      const d = ToolDef.safeParse(raw);
      return d.success
        ? { ...base(d.data), inputSchema: d.data.inputSchema, outputSchema: d.data.outputSchema }
        : undefined;
    }
    case 'resource': {
      const d = ResourceDef.safeParse(raw);
      return d.success ? { ...base(d.data), uri: d.data.uri, mimeType: d.data.mimeType } : undefined;
    }
    case 'resource_template': {
      const d = TemplateDef.safeParse(raw);
      return d.success ? { ...base(d.data), uri: d.data.uriTemplate, mimeType: d.data.mimeType } : undefined;
    }
    case 'prompt': {
      const d = PromptDef.safeParse(raw);
      return d.success ? { ...base(d.data), arguments: d.data.arguments } : undefined;
    }
  }
}

const LISTS = {
  tool: { field: 'tools', method: 'tools/list' },
  resource: { field: 'resources', method: 'resources/list' },
  resource_template: { field: 'resourceTemplates', method: 'resources/templates/list' },
  prompt: { field: 'prompts', method: 'prompts/list' },
} as const;

/** The entries a probed server listed; the hash covers the definition exactly as listed, extra keys included. */
export function reportDefinitions(report: ServerReport, kind: EntryKind): Definition[] {
  const out: Definition[] = [];
  for (const raw of report[LISTS[kind].field]) {
    const entry = toEntry(kind, report.name, raw);
    if (entry) out.push({ entry, key: entryKey(entry), hash: contentHash(raw) });
  }
  return out;
}

/** The server initialized and was listed: healthy, or degraded by a slow answer or a failing list. */
export const answered = (report: ServerReport) => report.health === 'healthy' || report.health === 'degraded';

/**
 * The kinds a report lists in full, so what is missing from them was really removed. A failed server lists
 * nothing we can trust; a degraded one names its failed or truncated lists in `incomplete`.
 */
export function completeKinds(report: ServerReport): EntryKind[] {
  if (!answered(report)) return [];
  return EntryKindSchema.options.filter((k) => !report.incomplete.includes(LISTS[k].method));
}
