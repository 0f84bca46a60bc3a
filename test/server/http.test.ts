import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpFace, type HttpFaceOptions, startHttpFace } from '../../src/server/http.js';
import { isLoopback } from '../../src/server/http-bind.js';

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** node:http rather than fetch: it lets a test set any header, `Host` included. */
function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

/** A tool call that waits until the test lets it go, to show one slow handler does not hold up the rest. */
let releaseHang: () => void = () => {};
const hung = new Promise<void>((resolve) => {
  releaseHang = resolve;
});

async function connectStub(transport: Transport): Promise<void> {
  const server = new McpServer({ name: 'stub', version: '1.0.0' });
  server.registerTool('ping', { description: 'Answers pong' }, async () => ({
    content: [{ type: 'text', text: 'pong' }],
  }));
  server.registerTool('hang', { description: 'Answers when released' }, async () => {
    await hung;
    return { content: [{ type: 'text', text: 'released' }] };
  });
  await server.connect(transport);
}

let readiness: { ok: boolean; checks: Record<string, string> } | 'throw' | 'hang' = { ok: true, checks: {} };
const faces: HttpFace[] = [];

async function face(extra: Partial<HttpFaceOptions> = {}): Promise<HttpFace> {
  const started = await startHttpFace({
    host: '127.0.0.1',
    port: 0,
    connect: connectStub,
    ready: async () => {
      if (readiness === 'throw') throw new TypeError('store unreachable at postgres://user:secret@db');
      if (readiness === 'hang') return new Promise(() => {});
      return readiness;
    },
    ...extra,
  });
  faces.push(started);
  return started;
}

async function client(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const c = new Client({ name: 'test', version: '1.0.0' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return c;
}

const text = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (result.content as Array<{ type: string; text?: string }>)[0]?.text;

const rpcCode = (reply: Reply) => (JSON.parse(reply.body) as { error: { code: number } }).error.code;

let open: HttpFace;
beforeAll(async () => {
  open = await face();
});
afterAll(async () => {
  releaseHang();
  await Promise.all(faces.map((f) => f.close()));
});

describe('/mcp sessions', () => {
  it('an SDK client initializes, lists the tools and calls one', async () => {
    const c = await client(open.mcpUrl);
    expect((await c.listTools()).tools.map((t) => t.name)).toEqual(['ping', 'hang']);
    expect(text(await c.callTool({ name: 'ping', arguments: {} }))).toBe('pong');
    await c.close();
  });

  it('two clients get two sessions', async () => {
    const [a, b] = await Promise.all([client(open.mcpUrl), client(open.mcpUrl)]);
    const ids = [a, b].map((c) => (c.transport as StreamableHTTPClientTransport).sessionId);
    expect(new Set(ids).size).toBe(2);
    await Promise.all([a.close(), b.close()]);
  });

  it('DELETE ends the session: its id is unknown afterwards', async () => {
    const c = await client(open.mcpUrl);
    const transport = c.transport as StreamableHTTPClientTransport;
    const id = transport.sessionId as string;
    await transport.terminateSession();
    const after = await raw(open.mcpUrl, {
      method: 'POST',
      headers: { ...MCP_HEADERS, 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect([after.status, rpcCode(after)]).toEqual([404, -32001]);
    await c.close();
  });

  it('an unknown session id is a 404 with a JSON-RPC error', async () => {
    const r = await raw(open.mcpUrl, { method: 'GET', headers: { 'mcp-session-id': 'no-such-session' } });
    expect([r.status, rpcCode(r)]).toEqual([404, -32001]);
  });

  it('a request without a session that is not initialize is a 400', async () => {
    const r = await raw(open.mcpUrl, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(r.status).toBe(400);
  });

  it('malformed JSON is a 400 parse error, and the next request is served', async () => {
    const r = await raw(open.mcpUrl, { method: 'POST', headers: MCP_HEADERS, body: '{"jsonrpc": "2.0",' });
    expect([r.status, rpcCode(r)]).toEqual([400, -32700]);
    const c = await client(open.mcpUrl);
    expect(text(await c.callTool({ name: 'ping', arguments: {} }))).toBe('pong');
    await c.close();
  });

  it('a body over the limit is a 413 with a JSON-RPC error', async () => {
    const small = await face({ maxBodyBytes: 1024 });
    const r = await raw(small.mcpUrl, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: `"${'x'.repeat(2048)}"`,
    });
    expect([r.status, rpcCode(r)]).toEqual([413, -32000]);
  });

  it('a Host header other than loopback is refused (DNS-rebinding protection)', async () => {
    const r = await raw(open.mcpUrl, {
      method: 'POST',
      headers: { ...MCP_HEADERS, host: `rebound.example:${open.port}` },
      body: INITIALIZE,
    });
    expect(r.status).toBe(403);
  });

  it('a hung tool call does not hold up other requests', async () => {
    const c = await client(open.mcpUrl);
    const pending = c.callTool({ name: 'hang', arguments: {} });
    expect(text(await c.callTool({ name: 'ping', arguments: {} }))).toBe('pong');
    releaseHang();
    expect(text(await pending)).toBe('released');
    await c.close();
  });
});

describe('routing', () => {
  it('an unknown path is a 404', async () => {
    expect((await raw(`${open.url}/nope`)).status).toBe(404);
  });

  it('a wrong method is a 405 naming the allowed ones', async () => {
    const r = await raw(`${open.url}/healthz`, { method: 'POST' });
    expect([r.status, r.headers.allow]).toEqual([405, 'GET, HEAD']);
  });

  it('/healthz answers ok', async () => {
    const r = await raw(`${open.url}/healthz`);
    expect([r.status, JSON.parse(r.body)]).toEqual([200, { status: 'ok' }]);
  });

  it('/readyz is 200 with the checks when ready, 503 with them when not', async () => {
    readiness = { ok: true, checks: { index: 'loaded', store: 'ok' } };
    const up = await raw(`${open.url}/readyz`);
    readiness = { ok: false, checks: { index: 'loading', store: 'ok' } };
    const down = await raw(`${open.url}/readyz`);
    expect([up.status, JSON.parse(up.body).checks]).toEqual([200, { index: 'loaded', store: 'ok' }]);
    expect([down.status, JSON.parse(down.body).checks]).toEqual([503, { index: 'loading', store: 'ok' }]);
  });

  it('/readyz is 503 naming the error type, not its message, when the check throws', async () => {
    readiness = 'throw';
    const r = await raw(`${open.url}/readyz`);
    expect([r.status, JSON.parse(r.body).checks]).toEqual([503, { ready: 'failed: TypeError' }]);
  });

  it('a hung readiness check does not hold up /healthz', async () => {
    readiness = 'hang';
    void raw(`${open.url}/readyz`).catch(() => undefined);
    expect((await raw(`${open.url}/healthz`)).status).toBe(200);
  });

  it('/metrics without telemetry is a 404 that says how to turn it on', async () => {
    const r = await raw(`${open.url}/metrics`);
    expect([r.status, JSON.parse(r.body).error.message]).toEqual([
      404,
      expect.stringContaining('OTEL_SDK_DISABLED'),
    ]);
  });
});

describe('binding and the token', () => {
  const token = 's3cret-token-value';
  let guarded: HttpFace;
  beforeAll(async () => {
    readiness = { ok: true, checks: {} };
    guarded = await face({ token });
  });

  it('refuses a non-loopback host without a token, saying what to do', async () => {
    await expect(
      startHttpFace({
        host: '0.0.0.0',
        port: 0,
        connect: connectStub,
        ready: async () => ({ ok: true, checks: {} }),
      }),
    ).rejects.toThrow(
      'refusing to listen on 0.0.0.0 without a token: set --token or MCP_DISCOVERY_TOKEN, or bind 127.0.0.1',
    );
  });

  it('counts 127.0.0.0/8, ::1 and localhost as loopback, and nothing else', () => {
    const hosts = [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '[::1]',
      'localhost',
      '0.0.0.0',
      '::',
      '192.168.1.2',
      'example.com',
    ];
    expect(hosts.filter(isLoopback)).toEqual(['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost']);
  });

  it('without a token /mcp is a 401 with a Bearer challenge', async () => {
    const r = await raw(guarded.mcpUrl, { method: 'POST', headers: MCP_HEADERS, body: INITIALIZE });
    expect([r.status, r.headers['www-authenticate'], JSON.parse(r.body).error.code]).toEqual([
      401,
      'Bearer',
      -32000,
    ]);
  });

  it('with a wrong token /mcp is a 401 naming invalid_token, for SDK clients too', async () => {
    const r = await raw(guarded.mcpUrl, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: 'Bearer nope' },
      body: INITIALIZE,
    });
    expect([r.status, r.headers['www-authenticate']]).toEqual([401, 'Bearer error="invalid_token"']);
    await expect(client(guarded.mcpUrl, { Authorization: 'Bearer nope' })).rejects.toMatchObject({
      code: 401,
    });
  });

  it('with the token an SDK client works', async () => {
    const c = await client(guarded.mcpUrl, { Authorization: `Bearer ${token}` });
    expect(text(await c.callTool({ name: 'ping', arguments: {} }))).toBe('pong');
    await c.close();
  });

  it('/healthz stays open; /readyz and /metrics need the token', async () => {
    const statuses = await Promise.all(
      ['/healthz', '/readyz', '/metrics'].map(async (p) => (await raw(`${guarded.url}${p}`)).status),
    );
    expect(statuses).toEqual([200, 401, 401]);
  });

  it('with a token it may bind beyond loopback', async () => {
    const wide = await face({ host: '0.0.0.0', token });
    expect((await raw(`http://127.0.0.1:${wide.port}/healthz`)).status).toBe(200);
  });
});
