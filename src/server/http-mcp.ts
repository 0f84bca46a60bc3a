import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { readJsonBody } from './http-body.js';
import { RPC_SERVER_ERROR, RPC_SESSION_NOT_FOUND, sendRpcError } from './http-reply.js';

export interface McpSessionsOptions {
  connect: (transport: Transport) => Promise<void>;
  maxBodyBytes: number;
  /** `Host` header values to accept; absent means no DNS-rebinding check (the face is behind a token). */
  allowedHosts?: string[];
  /** Open sessions at most; opening one more closes the least recently used (default 1000). */
  maxSessions?: number;
  /** A session unused this long is closed by `sweep` (default 30 minutes). */
  idleMs?: number;
  clock?: () => number;
}

export interface McpSessions {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Closes sessions idle for longer than `idleMs`; the face calls it every minute. */
  sweep(): Promise<void>;
  readonly size: number;
  close(): Promise<void>;
}

const sessionHeader = (req: IncomingMessage): string | undefined => {
  const value = req.headers['mcp-session-id'];
  return typeof value === 'string' ? value : undefined;
};

/**
 * `/mcp` in the SDK's stateful pattern: an initialize POST without a session id opens a transport (and, through
 * `connect`, a fresh MCP server); every later request carries `mcp-session-id` and goes to its transport.
 */
export function mcpSessions(options: McpSessionsOptions): McpSessions {
  // Insertion order is recency: a used session is moved to the end, so the first one is the least recently used.
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const lastUsed = new Map<string, number>();
  const now = options.clock ?? Date.now;
  const maxSessions = options.maxSessions ?? 1000;
  const idleMs = options.idleMs ?? 30 * 60_000;

  const touch = (id: string): StreamableHTTPServerTransport | undefined => {
    const transport = transports.get(id);
    if (transport) {
      transports.delete(id);
      transports.set(id, transport);
      lastUsed.set(id, now());
    }
    return transport;
  };
  const dnsRebinding = options.allowedHosts
    ? { allowedHosts: options.allowedHosts, enableDnsRebindingProtection: true }
    : {};

  const notFound = (res: ServerResponse) =>
    sendRpcError(res, 404, RPC_SESSION_NOT_FOUND, 'Session not found: initialize a new session');

  async function open(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      // Stored as soon as the id exists, before the initialize response leaves, so no follow-up can miss it.
      onsessioninitialized: (id) => {
        transports.set(id, transport);
        lastUsed.set(id, now());
        const oldest = transports.size > maxSessions ? transports.values().next().value : undefined;
        void oldest?.close();
      },
      ...dnsRebinding,
    });
    await options.connect(transport);
    // Chained after connect rather than set before: a wrapping transport (tracing) may take over `onclose` when
    // it is built, and the SDK's Protocol chains whatever is there when it connects.
    const previous = transport.onclose;
    transport.onclose = () => {
      previous?.();
      if (transport.sessionId) {
        transports.delete(transport.sessionId);
        lastUsed.delete(transport.sessionId);
      }
    };
    await transport.handleRequest(req, res, body);
    // Refused before a session began (bad Host, Accept or Content-Type): nothing will ever reach this server.
    if (transport.sessionId === undefined) await transport.close();
  }

  async function post(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req, options.maxBodyBytes);
    if (!body.ok) {
      // After a 413 the unread rest of the body is not worth draining: close the connection instead.
      const headers = body.status === 413 ? { connection: 'close' } : {};
      return sendRpcError(res, body.status, body.code, body.message, headers);
    }
    const id = sessionHeader(req);
    if (id !== undefined) {
      const transport = touch(id);
      return transport ? transport.handleRequest(req, res, body.value) : notFound(res);
    }
    if (isInitializeRequest(body.value)) return open(req, res, body.value);
    sendRpcError(
      res,
      400,
      RPC_SERVER_ERROR,
      'Bad Request: send initialize first, then the mcp-session-id it returns',
    );
  }

  return {
    async handle(req, res) {
      if (req.method === 'POST') return post(req, res);
      // GET (the server-to-client stream) and DELETE (end of session) only make sense within a session.
      const id = sessionHeader(req);
      if (id === undefined) {
        return sendRpcError(res, 400, RPC_SERVER_ERROR, 'Bad Request: mcp-session-id header is required');
      }
      const transport = touch(id);
      return transport ? transport.handleRequest(req, res) : notFound(res);
    },
    async sweep() {
      const cutoff = now() - idleMs;
      const idle = [...transports].filter(([id]) => (lastUsed.get(id) ?? 0) < cutoff).map(([, t]) => t);
      await Promise.all(idle.map((t) => t.close()));
    },
    get size() {
      return transports.size;
    },
    async close() {
      await Promise.all([...transports.values()].map((t) => t.close()));
    },
  };
}
