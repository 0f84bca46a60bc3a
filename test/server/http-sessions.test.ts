import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type McpSessions, mcpSessions } from '../../src/server/http-mcp.js';

let server: Server | undefined;
afterEach(() => server?.close());

async function face(options: { maxSessions?: number; idleMs?: number; clock?: () => number }) {
  const sessions: McpSessions = mcpSessions({
    maxBodyBytes: 1 << 20,
    connect: (transport) => new McpServer({ name: 't', version: '1' }).connect(transport),
    ...options,
  });
  const seen = { gets: 0 };
  // The SDK client opens its GET stream on its own after initializing; tests wait for it before moving the clock.
  const http = createServer((req, res) => {
    if (req.method === 'GET') seen.gets++;
    void sessions.handle(req, res);
  });
  server = http;
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
  const connect = async () => {
    const c = new Client({ name: 'c', version: '1' });
    const transport = new StreamableHTTPClientTransport(url);
    await c.connect(transport);
    return { c, id: transport.sessionId };
  };
  return { sessions, connect, seen };
}

describe('MCP sessions over HTTP', () => {
  it('past maxSessions, opening one more closes the least recently used', async () => {
    const { sessions, connect } = await face({ maxSessions: 2 });
    const a = await connect();
    const b = await connect();
    await a.c.ping(); // a is now more recently used than b
    await connect();
    expect(sessions.size).toBe(2);
    await expect(b.c.ping()).rejects.toThrow(/404|Session not found/);
    await a.c.ping();
  });

  it('sweep closes sessions idle longer than idleMs', async () => {
    let now = 1_000_000;
    const { sessions, connect, seen } = await face({ idleMs: 60_000, clock: () => now });
    const old = await connect();
    await vi.waitFor(() => expect(seen.gets).toBe(1));
    now += 30_000;
    const fresh = await connect();
    await vi.waitFor(() => expect(seen.gets).toBe(2));
    now += 40_000;
    await sessions.sweep();
    expect(sessions.size).toBe(1);
    await expect(old.c.ping()).rejects.toThrow(/404|Session not found/);
    await fresh.c.ping();
  });
});
