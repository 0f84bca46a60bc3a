import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { VERSION } from '../version.js';
import type { Hub } from './hub.js';
import { registerResources } from './resources.js';
import { registerTools } from './tools.js';
import { ServerTracedTransport } from './traced-transport.js';
import { registerWorkflowTool } from './workflow-tool.js';

const INSTRUCTIONS =
  'mcp-discovery indexes every MCP server configured on this machine. Instead of loading all their tools, call ' +
  'search_tools with the task, get_tool for the one you pick, then call_tool to run it. suggest_resources and ' +
  'suggest_prompts find @-mentionable resources and slash-command prompts.';

/** One MCP server session over the shared hub: a fresh McpServer per session, as the SDK expects. */
export function createMcpServer(hub: Hub): McpServer {
  const server = new McpServer({ name: 'mcp-discovery', version: VERSION }, { instructions: INSTRUCTIONS });
  registerTools(server, hub);
  registerWorkflowTool(server, hub);
  registerResources(server, hub);
  return server;
}

/** Connects a new session to a transport, with every request traced as a SERVER span. */
export function connectSession(
  hub: Hub,
  transport: Transport,
  networkTransport: 'pipe' | 'tcp',
): Promise<void> {
  return createMcpServer(hub).connect(new ServerTracedTransport(transport, networkTransport));
}
