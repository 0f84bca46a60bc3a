/**
 * Names of spans, metrics and attributes: the one place they are spelled.
 * The MCP keys come from the GenAI semantic conventions, still marked Development, so they live here as local
 * constants rather than imports from @opentelemetry/semantic-conventions.
 */

// MCP semantic conventions (spans and mcp.client.operation.duration).
export const ATTR_MCP_METHOD_NAME = 'mcp.method.name';
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version';
export const ATTR_MCP_SESSION_ID = 'mcp.session.id';
export const ATTR_MCP_RESOURCE_URI = 'mcp.resource.uri';
export const ATTR_JSONRPC_REQUEST_ID = 'jsonrpc.request.id';
export const ATTR_RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_NETWORK_TRANSPORT = 'network.transport';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';
export const METRIC_MCP_CLIENT_OPERATION_DURATION = 'mcp.client.operation.duration';

// Our own spans.
export const SPAN_DISCOVER = 'mcp_discovery.discover';
export const SPAN_PROBE = 'mcp_discovery.probe';
export const SPAN_SEARCH = 'mcp_discovery.search';
/** `mcp_discovery.maintenance {task}`: every maintenance task, scheduled or run by hand. */
export const SPAN_MAINTENANCE = 'mcp_discovery.maintenance';
export const ATTR_MAINTENANCE_TASK = 'mcp_discovery.maintenance.task';
/** `mcp_discovery.schedule {job}`: a scheduled job, the parent of the maintenance tasks it runs. */
export const SPAN_SCHEDULE = 'mcp_discovery.schedule';

// Our own attributes.
export const ATTR_SERVER = 'mcp_discovery.server';
export const ATTR_TRANSPORT = 'mcp_discovery.transport';
export const ATTR_HEALTH = 'mcp_discovery.health';
export const ATTR_SERVER_COUNT = 'mcp_discovery.server.count';
export const ATTR_TOOL_COUNT = 'mcp_discovery.tool.count';
export const ATTR_RESOURCE_COUNT = 'mcp_discovery.resource.count';
export const ATTR_TEMPLATE_COUNT = 'mcp_discovery.resource_template.count';
export const ATTR_PROMPT_COUNT = 'mcp_discovery.prompt.count';
export const ATTR_QUERY_LENGTH = 'mcp_discovery.search.query.length';
export const ATTR_QUERY_TEXT = 'mcp_discovery.search.query.text';
export const ATTR_RESULT_COUNT = 'mcp_discovery.search.result.count';
export const ATTR_TOP_SCORE = 'mcp_discovery.search.top_score';
export const ATTR_CACHE_HIT = 'mcp_discovery.cache.hit';

// Metrics of the DESIGN contract. Counters never end in `total`; histograms end in their unit word.
export const METRIC_OPERATION_SECONDS = 'mcp_discovery.operation.seconds';
export const METRIC_CACHE_REQUESTS = 'mcp_discovery.cache.requests';
export const METRIC_SERVER_PROBES = 'mcp_discovery.server.probes';
export const METRIC_SERVERS = 'mcp_discovery.servers';
export const METRIC_TOOLS = 'mcp_discovery.tools';
export const METRIC_CACHE_ENTRIES = 'mcp_discovery.cache.entries';
export const METRIC_HOOK_EVENTS = 'mcp_discovery.hook.events';
export const METRIC_SUGGESTIONS = 'mcp_discovery.suggestions';
export const METRIC_TOOL_USES = 'mcp_discovery.tool.uses';
export const METRIC_CATALOG_CHANGES = 'mcp_discovery.catalog.changes';
/** 1 while this instance leads (probes servers, runs the schedule), 0 while it follows. */
export const METRIC_LEADER = 'mcp_discovery.leader';

/** Metric attribute keys (allow-list: nothing else is ever recorded on our metrics, which bounds series). */
export const METRIC_ATTR = {
  operation: 'operation',
  kind: 'kind',
  outcome: 'outcome',
  cache: 'cache',
  result: 'result',
  server: 'server',
  transport: 'transport',
  health: 'health',
  event: 'event',
  tool: 'tool',
  change: 'change',
  /** The database learning metrics were read from (see `learningSourceId`). */
  store: 'store',
} as const;

export type OperationKind = 'request' | 'background';
export type Outcome = 'success' | 'failure' | 'timeout';
