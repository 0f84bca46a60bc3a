import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { log } from '../telemetry/index.js';
import { bearerChallenge, checkBearer } from './auth.js';
import { healthz, type Readiness, readyz } from './health.js';
import { assertBindable, isLoopback, loopbackHostHeaders, urlHost } from './http-bind.js';
import { DEFAULT_MAX_BODY_BYTES } from './http-body.js';
import { mcpSessions } from './http-mcp.js';
import { RPC_INTERNAL_ERROR, RPC_SERVER_ERROR, sendJson, sendRpcError } from './http-reply.js';

export interface HttpFaceOptions {
  /** Default '127.0.0.1' (the caller passes it). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** When set, every request except /healthz needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Connects a fresh MCP server (one per session) to the given transport. */
  connect: (transport: Transport) => Promise<void>;
  /** Readiness: index loaded, store reachable. */
  ready: () => Promise<Readiness>;
  /** Prometheus text exposition, when telemetry provides one; /metrics answers 404 with a hint otherwise. */
  metrics?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Default 4 MiB; a larger body is answered 413 with a JSON-RPC error. */
  maxBodyBytes?: number;
  /** The in-process monitor's KPI readings, served at /kpi when the monitor runs. */
  kpi?: () => unknown;
}

export interface HttpFace {
  url: string;
  mcpUrl: string;
  metricsUrl: string;
  port: number;
  close(): Promise<void>;
}

const METHODS: Record<string, readonly string[]> = {
  '/healthz': ['GET', 'HEAD'],
  '/readyz': ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
  '/kpi': ['GET', 'HEAD'],
  '/mcp': ['POST', 'GET', 'DELETE'],
};

const KPI_OFF = 'Not Found: the KPI monitor is off (monitor.enabled in settings)';
const METRICS_OFF =
  'Not Found: metrics are off; start the server with telemetry enabled (OTEL_SDK_DISABLED unset) to serve /metrics';

/** The MCP server over streamable HTTP, with health, readiness and Prometheus endpoints beside it. */
export async function startHttpFace(o: HttpFaceOptions): Promise<HttpFace> {
  assertBindable(o.host, o.token);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const mcp = mcpSessions({
    connect: o.connect,
    maxBodyBytes: o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    ...(isLoopback(o.host) && { allowedHosts: loopbackHostHeaders(o.host, port) }),
  });
  const sweeper = setInterval(() => void mcp.sweep(), 60_000);
  sweeper.unref();

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const allowed = METHODS[path];
    // Open, so that an orchestrator's liveness probe needs no secret.
    if (path !== '/healthz' && o.token) {
      const check = checkBearer(req.headers.authorization, o.token);
      if (!check.ok) {
        return sendRpcError(res, 401, RPC_SERVER_ERROR, 'Unauthorized: send Authorization: Bearer <token>', {
          'www-authenticate': bearerChallenge(check),
        });
      }
    }
    if (!allowed) return sendRpcError(res, 404, RPC_SERVER_ERROR, `Not Found: ${path}`);
    if (!allowed.includes(req.method ?? '')) {
      return sendRpcError(res, 405, RPC_SERVER_ERROR, 'Method Not Allowed', { allow: allowed.join(', ') });
    }
    if (path === '/healthz') return healthz(res);
    if (path === '/readyz') return readyz(res, o.ready);
    if (path === '/metrics')
      return o.metrics ? o.metrics(req, res) : sendRpcError(res, 404, RPC_SERVER_ERROR, METRICS_OFF);
    if (path === '/kpi')
      return o.kpi ? sendJson(res, 200, o.kpi()) : sendRpcError(res, 404, RPC_SERVER_ERROR, KPI_OFF);
    return mcp.handle(req, res);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => {
      // A client that hung up mid-request is routine, not a fault of ours.
      if (res.destroyed) return log.debug({ err: error }, 'http: client went away');
      // Logged without the request: its headers may hold the token.
      log.warn({ err: error, path: req.url?.split('?', 1)[0] }, 'http: request failed');
      if (res.headersSent) res.destroy();
      else sendRpcError(res, 500, RPC_INTERNAL_ERROR, 'Internal error');
    });
  });

  const url = `http://${urlHost(o.host)}:${port}`;
  return {
    url,
    mcpUrl: `${url}/mcp`,
    metricsUrl: `${url}/metrics`,
    port,
    async close() {
      clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await mcp.close();
      // Open SSE streams and idle keep-alive sockets would otherwise hold close() until they time out.
      server.closeAllConnections();
      await closed;
    },
  };
}
