import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Hub } from './hub.js';
import { toolDefinition } from './tools.js';

const json = (uri: string, value: unknown) => ({
  contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }],
});

/** The catalog as resources: the servers, and each tool's definition by `mcp-discovery://tools/{server}/{tool}`. */
export function registerResources(server: McpServer, hub: Hub): void {
  server.registerResource(
    'servers',
    'mcp-discovery://servers',
    {
      title: 'Servers',
      description: 'Every MCP server known here, with health and origin',
      mimeType: 'application/json',
    },
    async (uri) => json(uri.href, { servers: await hub.servers() }),
  );
  server.registerResource(
    'tool',
    // Listing every tool as a resource would flood clients on a large catalog; search_tools finds them instead.
    new ResourceTemplate('mcp-discovery://tools/{server}/{tool}', { list: undefined }),
    {
      title: 'Tool definition',
      description: 'The full definition of one tool',
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const serverName = decodeURIComponent(String(variables.server));
      const toolName = decodeURIComponent(String(variables.tool));
      const entry = hub.catalog.entry(serverName, toolName);
      if (!entry) throw new Error(`no tool "${toolName}" on server "${serverName}"`);
      return json(uri.href, toolDefinition(entry));
    },
  );
}
