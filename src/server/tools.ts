import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { CategorySchema, reference, type SearchHit } from '../search/index.js';
import type { CatalogEntry } from '../store/catalog.js';
import { AnalyticsSchema, analytics } from './analytics.js';
import { CallRefused, type Hub } from './hub.js';

const Limit = z.number().int().min(1).max(50).optional().describe('how many results, 10 by default');

/** `name (type, required)` for each parameter: enough for a model to decide, without the whole schema. */
export function parameterSummary(inputSchema: unknown): string {
  const props =
    (inputSchema as { properties?: Record<string, { type?: unknown }>; required?: unknown })?.properties ??
    {};
  const required = new Set(
    Array.isArray((inputSchema as { required?: unknown[] })?.required)
      ? (inputSchema as { required: string[] }).required
      : [],
  );
  return Object.entries(props)
    .map(
      ([name, p]) =>
        `${name} (${typeof p?.type === 'string' ? p.type : 'any'}${required.has(name) ? ', required' : ''})`,
    )
    .join(', ');
}

const structured = <T extends Record<string, unknown>>(
  value: T,
): CallToolResult & { structuredContent: T } => ({
  content: [{ type: 'text', text: JSON.stringify(value) }],
  structuredContent: value,
});

const failure = (message: string): CallToolResult => ({
  content: [{ type: 'text', text: message }],
  isError: true,
});

const HitBase = {
  server: z.string(),
  name: z.string(),
  description: z.string(),
  score: z.number(),
  reason: z.string(),
};

function hitBase(hit: SearchHit) {
  return {
    server: hit.entry.server,
    name: hit.entry.name,
    description: hit.entry.description,
    score: Number(hit.score.toFixed(3)),
    reason: hit.reason,
  };
}

/** The tools an agent uses instead of loading every upstream tool definition. Descriptions are written for a model. */
export function registerTools(server: McpServer, hub: Hub): void {
  server.registerTool(
    'search_tools',
    {
      title: 'Search tools',
      description:
        'Find the tools, among every MCP server configured here, that fit a task. Describe the task in plain words ' +
        '("read a csv file and chart it"). Returns ranked tools with their server, a parameter summary, a score and ' +
        'why each matched. Then use get_tool for the full schema and call_tool to run one.',
      inputSchema: {
        query: z.string().min(1).max(10_000).describe('the task, in plain words'),
        limit: Limit,
        server: z.string().optional().describe('only tools of this server'),
        category: CategorySchema.optional().describe('only tools of this category'),
      },
      outputSchema: { results: z.array(z.object({ ...HitBase, parameters: z.string() })) },
    },
    async ({ query, limit, server: only, category }) => {
      const { hits } = hub.catalog.search({ query, limit, server: only, category, kind: 'tool' });
      return structured({
        results: hits.map((h) => ({ ...hitBase(h), parameters: parameterSummary(h.entry.inputSchema) })),
      });
    },
  );

  server.registerTool(
    'get_tool',
    {
      title: 'Get a tool definition',
      description:
        'The full definition of one tool: description, input schema and output schema. Use it before call_tool.',
      inputSchema: { server: z.string().min(1), name: z.string().min(1) },
      outputSchema: {
        server: z.string(),
        name: z.string(),
        title: z.string().optional(),
        description: z.string(),
        inputSchema: z.unknown(),
        outputSchema: z.unknown().optional(),
        annotations: z.record(z.string(), z.unknown()).optional(),
      },
    },
    async ({ server, name }) => {
      const entry = hub.catalog.entry(server, name);
      if (!entry) return failure(`no tool "${name}" on server "${server}"; search_tools lists what there is`);
      return structured(toolDefinition(entry));
    },
  );

  server.registerTool(
    'call_tool',
    {
      title: 'Call a tool',
      description:
        'Run a tool of an upstream MCP server through mcp-discovery and get its result unchanged. Arguments must ' +
        "match the tool's input schema (get_tool shows it).",
      inputSchema: {
        server: z.string().min(1),
        name: z.string().min(1),
        arguments: z.record(z.string(), z.unknown()).optional().describe("the tool's arguments"),
      },
    },
    async ({ server, name, arguments: args }) => {
      try {
        return await hub.callTool(server, name, args ?? {});
      } catch (error) {
        if (error instanceof CallRefused) return failure(error.message);
        return failure(
          `calling ${server}/${name} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
  );

  server.registerTool(
    'suggest_resources',
    {
      title: 'Suggest resources',
      description:
        'Resources and resource templates that fit a task, as @server:uri references to mention in a prompt. ' +
        'Only URIs that servers really listed are returned.',
      inputSchema: { task: z.string().min(1).max(10_000), limit: Limit },
      outputSchema: {
        resources: z.array(
          z.object({ ...HitBase, reference: z.string(), uri: z.string(), template: z.boolean() }),
        ),
      },
    },
    async ({ task, limit }) => {
      const { hits } = hub.catalog.search({ query: task, limit, kind: ['resource', 'resource_template'] });
      const resources = hits.map((h) => ({
        ...hitBase(h),
        reference: reference(h.entry),
        uri: h.entry.uri ?? '',
        template: h.entry.kind === 'resource_template',
      }));
      return structured({ resources });
    },
  );

  server.registerTool(
    'suggest_prompts',
    {
      title: 'Suggest prompts',
      description:
        'Prompts of the configured servers that fit a task, as /mcp__server__prompt slash commands with their arguments.',
      inputSchema: { task: z.string().min(1).max(10_000), limit: Limit },
      outputSchema: {
        prompts: z.array(
          z.object({
            ...HitBase,
            command: z.string(),
            arguments: z.array(z.object({ name: z.string(), required: z.boolean() })),
          }),
        ),
      },
    },
    async ({ task, limit }) => {
      const { hits } = hub.catalog.search({ query: task, limit, kind: 'prompt' });
      const prompts = hits.map((h) => ({
        ...hitBase(h),
        command: reference(h.entry),
        arguments: (h.entry.arguments ?? []).map((a) => ({ name: a.name, required: a.required ?? false })),
      }));
      return structured({ prompts });
    },
  );

  server.registerTool(
    'list_servers',
    {
      title: 'List servers',
      description:
        'Every MCP server known here with its health, the reason when unhealthy, and when it was last probed.',
      inputSchema: {},
      outputSchema: {
        servers: z.array(
          z.object({
            name: z.string(),
            origin: z.string(),
            health: z.string().optional(),
            reason: z.string().optional(),
            transport: z.string().optional(),
            tools: z.number(),
            lastProbedAt: z.string().optional(),
          }),
        ),
      },
    },
    async () => {
      const tools = new Map<string, number>();
      for (const e of hub.catalog.catalog.entries)
        if (e.kind === 'tool') tools.set(e.server, (tools.get(e.server) ?? 0) + 1);
      const servers = (await hub.servers()).map((s) => ({
        name: s.name,
        origin: s.origin,
        health: s.health,
        reason: s.reason,
        transport: s.transport,
        tools: tools.get(s.name) ?? 0,
        lastProbedAt: s.lastProbedAt,
      }));
      return structured({ servers });
    },
  );

  server.registerTool(
    'refresh',
    {
      title: 'Refresh the catalog',
      description: 'Probe every configured server now (or just one) and return what changed in the catalog.',
      inputSchema: { server: z.string().min(1).optional().describe('only this server') },
      outputSchema: {
        added: z.array(z.string()),
        removed: z.array(z.string()),
        changed: z.array(z.string()),
      },
    },
    async ({ server }) => {
      try {
        const changes = await hub.refresh(server);
        const ids = (list: typeof changes.added) => list.map((c) => `${c.server}/${c.name}`);
        return structured({
          added: ids(changes.added),
          removed: ids(changes.removed),
          changed: ids(changes.changed),
        });
      } catch (error) {
        if (error instanceof CallRefused) return failure(error.message);
        throw error;
      }
    },
  );

  server.registerTool(
    'analytics',
    {
      title: 'Analytics',
      description:
        'Discovery status, catalog size, cache statistics and process memory: the numbers the CLI shows.',
      inputSchema: {},
      outputSchema: AnalyticsSchema.shape,
    },
    async () => structured(await analytics(hub)),
  );
}

export function toolDefinition(entry: CatalogEntry) {
  return {
    server: entry.server,
    name: entry.name,
    ...(entry.title && { title: entry.title }),
    description: entry.description,
    inputSchema: entry.inputSchema ?? { type: 'object' },
    ...(entry.outputSchema !== undefined && { outputSchema: entry.outputSchema }),
    ...(entry.annotations && { annotations: entry.annotations }),
  };
}
