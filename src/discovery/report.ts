import { z } from 'zod';
import { ProblemSchema, SourceRefSchema } from '../sources/spec.js';

/**
 * The shapes `discover --json` prints and `servers` reads back. `schemaVersion` changes only when a field is
 * removed or changes meaning; new fields may appear at any time. Documented in README ("discover --json").
 */
export const HealthSchema = z.enum(['healthy', 'degraded', 'unauthorized', 'needs-input', 'failed']);
export type Health = z.infer<typeof HealthSchema>;

/** Entries as the server listed them: extra keys allowed, as the MCP spec allows. */
const Listed = z.looseObject({ name: z.string() });
const ToolSchema = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  inputSchema: z.unknown(),
});
const ResourceSchema = z.looseObject({ uri: z.string(), name: z.string() });
const ResourceTemplateSchema = z.looseObject({ uriTemplate: z.string(), name: z.string() });

export const ListMethodSchema = z.enum([
  'tools/list',
  'resources/list',
  'resources/templates/list',
  'prompts/list',
]);
export type ListMethod = z.infer<typeof ListMethodSchema>;

export const TimingsSchema = z.object({
  /** Spawning the process (stdio) or opening the connection (HTTP, SSE). */
  connectMs: z.number().optional(),
  initializeMs: z.number().optional(),
  toolsMs: z.number().optional(),
  resourcesMs: z.number().optional(),
  resourceTemplatesMs: z.number().optional(),
  promptsMs: z.number().optional(),
  totalMs: z.number(),
});

export const ServerReportSchema = z.object({
  name: z.string(),
  sources: z.array(SourceRefSchema),
  /** The transport that answered; for a bare URL, `http` or `sse` after the fallback. */
  transport: z.enum(['stdio', 'http', 'sse', 'auto']),
  /** Command line or URL. Environment and header values are never reported, only their names. */
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  url: z.string().optional(),
  envKeys: z.array(z.string()),
  headerKeys: z.array(z.string()),
  health: HealthSchema,
  reason: z.string().optional(),
  /** Lists that failed or were cut short on a server that answered: what they hold is partial. */
  incomplete: z.array(ListMethodSchema).default([]),
  stderrTail: z.string().optional(),
  serverInfo: z.looseObject({ name: z.string(), version: z.string() }).optional(),
  protocolVersion: z.string().optional(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
  instructions: z.string().optional(),
  timings: TimingsSchema,
  counts: z.object({
    tools: z.number(),
    resources: z.number(),
    resourceTemplates: z.number(),
    prompts: z.number(),
  }),
  tools: z.array(ToolSchema),
  resources: z.array(ResourceSchema),
  resourceTemplates: z.array(ResourceTemplateSchema),
  prompts: z.array(Listed),
});
export type ServerReport = z.infer<typeof ServerReportSchema>;

export const DiscoveryRunSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  startedAt: z.iso.datetime(),
  durationMs: z.number(),
  concurrency: z.number(),
  timeoutMs: z.number(),
  /** Only some servers were probed (a refresh of one server); the others keep what the catalog has. */
  partial: z.boolean().default(false),
  summary: z.object({
    servers: z.number(),
    health: z.record(HealthSchema, z.number()),
    tools: z.number(),
    resources: z.number(),
    resourceTemplates: z.number(),
    prompts: z.number(),
  }),
  servers: z.array(ServerReportSchema),
  problems: z.array(ProblemSchema),
});
export type DiscoveryRun = z.infer<typeof DiscoveryRunSchema>;
