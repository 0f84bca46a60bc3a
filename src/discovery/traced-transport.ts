import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_RESOURCE_URI,
  ATTR_MCP_SESSION_ID,
  ATTR_NETWORK_TRANSPORT,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  instruments,
  tracer,
} from '../telemetry/index.js';

export interface Peer {
  /** `pipe` for stdio, `tcp` for HTTP and SSE (MCP semantic conventions). */
  networkTransport: 'pipe' | 'tcp';
  url?: URL;
}

type Pending = { span: Span; started: number; method: string; toolName?: string };

type Params = Record<string, unknown> & { _meta?: Record<string, unknown> };

/** `{mcp.method.name} {target}`: the tool, prompt or resource a request is about, when it is about one. */
function spanTarget(
  method: string,
  params: Params | undefined,
): { target?: string; attributes: Record<string, string> } {
  const name = typeof params?.name === 'string' ? params.name : undefined;
  const uri = typeof params?.uri === 'string' ? params.uri : undefined;
  if (method === 'tools/call' && name)
    return {
      target: name,
      attributes: { [ATTR_GEN_AI_TOOL_NAME]: name, [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool' },
    };
  if (method === 'prompts/get' && name)
    return { target: name, attributes: { [ATTR_GEN_AI_PROMPT_NAME]: name } };
  if (method.startsWith('resources/') && uri)
    return { target: uri, attributes: { [ATTR_MCP_RESOURCE_URI]: uri } };
  return { attributes: {} };
}

/**
 * Wraps a client transport so every request is a CLIENT span following the MCP semantic conventions, carries W3C
 * trace context in `params._meta`, and is measured in `mcp.client.operation.duration`. Parameters and results
 * never reach the span. Also times `start()` (spawn or connect) and each method, for the probe's report.
 */
export class TracedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  protocolVersion: string | undefined;
  startMs: number | undefined;
  /** Total milliseconds spent per method, pages of a paginated list added up. */
  readonly methodMs = new Map<string, number>();
  private readonly pending = new Map<string | number, Pending>();

  constructor(
    readonly inner: Transport,
    private readonly peer: Peer,
  ) {
    inner.onmessage = (message) => {
      this.settle(message);
      this.onmessage?.(message);
    };
    inner.onerror = (error) => this.onerror?.(error);
    inner.onclose = () => {
      this.abandon('connection_closed');
      this.onclose?.();
    };
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
    this.inner.setProtocolVersion?.(version);
  }

  async start(): Promise<void> {
    const t0 = performance.now();
    await this.inner.start();
    this.startMs = performance.now() - t0;
  }

  async send(message: JSONRPCMessage, options?: Parameters<Transport['send']>[1]): Promise<void> {
    if ('method' in message && 'id' in message) {
      const params = message.params as Params | undefined;
      const { target, attributes } = spanTarget(message.method, params);
      const span = tracer().startSpan(target ? `${message.method} ${target}` : message.method, {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_MCP_METHOD_NAME]: message.method,
          [ATTR_JSONRPC_REQUEST_ID]: String(message.id),
          [ATTR_NETWORK_TRANSPORT]: this.peer.networkTransport,
          ...(this.peer.url && {
            [ATTR_SERVER_ADDRESS]: this.peer.url.hostname,
            [ATTR_SERVER_PORT]: Number(
              this.peer.url.port || (this.peer.url.protocol === 'https:' ? 443 : 80),
            ),
          }),
          ...(this.protocolVersion && { [ATTR_MCP_PROTOCOL_VERSION]: this.protocolVersion }),
          ...(this.inner.sessionId && { [ATTR_MCP_SESSION_ID]: this.inner.sessionId }),
          ...attributes,
        },
      });
      const meta: Record<string, unknown> = { ...params?._meta };
      propagation.inject(trace.setSpan(context.active(), span), meta);
      const id = message.id;
      this.pending.set(id, {
        span,
        started: performance.now(),
        method: message.method,
        toolName: attributes[ATTR_GEN_AI_TOOL_NAME],
      });
      message = { ...message, params: { ...params, _meta: meta } };
      try {
        await this.inner.send(message, options);
      } catch (error) {
        this.finish(id, (error as Error).name || '_OTHER');
        throw error;
      }
      return;
    }
    await this.inner.send(message, options);
  }

  private settle(message: JSONRPCMessage): void {
    if (!('id' in message) || message.id === undefined || 'method' in message) return;
    if ('error' in message) this.finish(message.id, 'jsonrpc.error', message.error.code);
    else this.finish(message.id);
  }

  private finish(id: string | number, errorType?: string, rpcCode?: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    const ms = performance.now() - p.started;
    this.methodMs.set(p.method, (this.methodMs.get(p.method) ?? 0) + ms);
    if (this.protocolVersion) p.span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, this.protocolVersion);
    if (this.inner.sessionId) p.span.setAttribute(ATTR_MCP_SESSION_ID, this.inner.sessionId);
    if (rpcCode !== undefined) p.span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, String(rpcCode));
    if (errorType) {
      p.span.setAttribute(ATTR_ERROR_TYPE, rpcCode !== undefined ? String(rpcCode) : errorType);
      p.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    p.span.end();
    instruments().mcpClientOperationDuration.record(ms / 1000, {
      [ATTR_MCP_METHOD_NAME]: p.method,
      [ATTR_NETWORK_TRANSPORT]: this.peer.networkTransport,
      ...(this.protocolVersion && { [ATTR_MCP_PROTOCOL_VERSION]: this.protocolVersion }),
      ...(p.toolName && { [ATTR_GEN_AI_TOOL_NAME]: p.toolName }),
      ...(errorType && { [ATTR_ERROR_TYPE]: rpcCode !== undefined ? String(rpcCode) : errorType }),
    });
  }

  /** Requests still open when the connection ends or is closed by us end as errors, never as leaked spans. */
  private abandon(errorType: string): void {
    for (const id of [...this.pending.keys()]) this.finish(id, errorType);
  }

  async close(): Promise<void> {
    this.abandon('cancelled');
    await this.inner.close();
  }
}
