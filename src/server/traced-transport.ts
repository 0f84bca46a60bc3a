import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_RESOURCE_URI,
  ATTR_MCP_SESSION_ID,
  ATTR_NETWORK_TRANSPORT,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  instruments,
  METRIC_ATTR,
  tracer,
} from '../telemetry/index.js';

/** Methods timed under their own name; any other (a client may send anything) counts as `other`. */
const TIMED_METHODS = new Set([
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'prompts/list',
  'prompts/get',
  'completion/complete',
]);

type Params = { name?: unknown; uri?: unknown; _meta?: Record<string, unknown> } | undefined;

/**
 * Wraps our MCP server's transport so every request it receives is a SERVER span following the MCP semantic
 * conventions (`tools/call search_tools`), parented on the W3C trace context the client put in `params._meta`.
 * The handler runs inside that span's context, so an upstream call it makes is a child. A tool result with
 * `isError` marks the span with `error.type` `tool_error`. Arguments and results never reach the span.
 */
export class ServerTracedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  private readonly open = new Map<string | number, { span: Span; method: string; t0: number }>();
  private protocolVersion: string | undefined;

  constructor(
    private readonly inner: Transport,
    private readonly networkTransport: 'pipe' | 'tcp',
  ) {
    inner.onclose = () => {
      for (const { span } of this.open.values()) span.end();
      this.open.clear();
      this.onclose?.();
    };
    inner.onerror = (error) => this.onerror?.(error);
    inner.onmessage = (message, extra) => this.receive(message, extra);
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
    this.inner.setProtocolVersion?.(version);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private receive(message: JSONRPCMessage, extra: Parameters<NonNullable<Transport['onmessage']>>[1]): void {
    if (!('method' in message) || !('id' in message)) {
      this.onmessage?.(message, extra);
      return;
    }
    const params = message.params as Params;
    const name = typeof params?.name === 'string' ? params.name : undefined;
    const uri = typeof params?.uri === 'string' ? params.uri : undefined;
    const target = message.method === 'tools/call' || message.method === 'prompts/get' ? name : uri;
    const parent = propagation.extract(ROOT_CONTEXT, params?._meta ?? {});
    const span = tracer().startSpan(
      target ? `${message.method} ${target}` : message.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_MCP_METHOD_NAME]: message.method,
          [ATTR_JSONRPC_REQUEST_ID]: String(message.id),
          [ATTR_NETWORK_TRANSPORT]: this.networkTransport,
          ...(this.inner.sessionId && { [ATTR_MCP_SESSION_ID]: this.inner.sessionId }),
          ...(this.protocolVersion && { [ATTR_MCP_PROTOCOL_VERSION]: this.protocolVersion }),
          ...(message.method === 'tools/call' &&
            name && { [ATTR_GEN_AI_TOOL_NAME]: name, [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool' }),
          ...(uri && { [ATTR_MCP_RESOURCE_URI]: uri }),
        },
      },
      parent,
    );
    this.open.set(message.id, { span, method: message.method, t0: performance.now() });
    context.with(trace.setSpan(parent, span), () => this.onmessage?.(message, extra));
  }

  async send(message: JSONRPCMessage, options?: Parameters<Transport['send']>[1]): Promise<void> {
    if (!('method' in message) && 'id' in message && message.id !== undefined) {
      const request = this.open.get(message.id);
      if (request) {
        const { span } = request;
        this.open.delete(message.id);
        const failed = 'error' in message || (message.result as { isError?: unknown }).isError === true;
        // Every request served is a `request` operation: the response-time KPI averages over them.
        instruments().operationSeconds.record((performance.now() - request.t0) / 1000, {
          [METRIC_ATTR.operation]: TIMED_METHODS.has(request.method) ? request.method : 'other',
          [METRIC_ATTR.kind]: 'request',
          [METRIC_ATTR.outcome]: failed ? 'failure' : 'success',
        });
        if ('error' in message) {
          span.setAttributes({
            [ATTR_ERROR_TYPE]: String(message.error.code),
            [ATTR_RPC_RESPONSE_STATUS_CODE]: String(message.error.code),
          });
          span.setStatus({ code: SpanStatusCode.ERROR });
        } else if ((message.result as { isError?: unknown }).isError === true) {
          span.setAttribute(ATTR_ERROR_TYPE, 'tool_error');
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        if (this.protocolVersion) span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, this.protocolVersion);
        span.end();
      }
    }
    await this.inner.send(message, options);
  }
}
