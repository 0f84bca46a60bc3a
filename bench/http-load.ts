import { createRequire } from 'node:module';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { startHttpFace } from '../src/server/http.js';
import { type BenchResult, printTable } from './report.js';

/** The part of autocannon's result used here (the package ships no types). */
interface LoadResult {
  latency: { p50: number; p99: number; max: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<LoadResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const RATE = 200;
const SECONDS = 10;
const CONNECTIONS = 10;
const P99_TARGET_MS = 10;

/** Stands in for the real search tools until they are passed in: the transport and protocol cost alone. */
async function stubConnect(transport: Transport): Promise<void> {
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  const hits = JSON.stringify({ hits: [{ server: 'filesystem', tool: 'read_file', score: 12.5 }] });
  server.registerTool('search_tools', { description: 'Fixed answer' }, async () => ({
    content: [{ type: 'text', text: hits }],
  }));
  await server.connect(transport);
}

/**
 * `tools/call search_tools` POSTs through the HTTP face on one MCP session: at a fixed 200 req/s (latency), then
 * as fast as it answers (throughput). autocannon runs in a worker thread so that the load generator does not
 * share the face's event loop; it records latency in whole milliseconds.
 */
export async function benchHttpLoad(
  connect: (transport: Transport) => Promise<void> = stubConnect,
): Promise<BenchResult> {
  const face = await startHttpFace({
    host: '127.0.0.1',
    port: 0,
    connect,
    ready: async () => ({ ok: true, checks: {} }),
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(face.mcpUrl));
  try {
    await client.connect(transport);
    const load = (overallRate?: number) =>
      autocannon({
        url: face.mcpUrl,
        method: 'POST',
        workers: 1,
        connections: CONNECTIONS,
        duration: SECONDS,
        ...(overallRate && { overallRate }),
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': transport.sessionId ?? '',
          'mcp-protocol-version': transport.protocolVersion ?? '',
        },
        // A fresh id per request: the transport routes each response by id, so repeats would cross streams.
        idReplacement: true,
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: '[<id>]',
          method: 'tools/call',
          params: { name: 'search_tools', arguments: { query: 'read a file' } },
        }),
      });
    const fixed = await load(RATE);
    const open = await load();
    const failures = (r: LoadResult) => r.non2xx + r.errors + r.timeouts;
    printTable('http-load: tools/call over streamable HTTP, one session', [
      { metric: `${RATE} req/s for ${SECONDS} s: requests`, value: String(fixed.requests.total) },
      { metric: `${RATE} req/s: p50 latency`, value: `${fixed.latency.p50} ms` },
      { metric: `${RATE} req/s: p99 latency (target <= ${P99_TARGET_MS})`, value: `${fixed.latency.p99} ms` },
      { metric: `${RATE} req/s: max latency`, value: `${fixed.latency.max} ms` },
      { metric: `${RATE} req/s: failures`, value: String(failures(fixed)) },
      { metric: `unthrottled, ${CONNECTIONS} connections: req/s`, value: open.requests.average.toFixed(0) },
      { metric: 'unthrottled: p50 / p99 latency', value: `${open.latency.p50} / ${open.latency.p99} ms` },
      { metric: 'unthrottled: failures', value: String(failures(open)) },
    ]);
    return {
      name: 'http-load',
      data: {
        connections: CONNECTIONS,
        seconds: SECONDS,
        fixedRate: {
          rate: RATE,
          requests: fixed.requests.total,
          p50Ms: fixed.latency.p50,
          p99Ms: fixed.latency.p99,
          maxMs: fixed.latency.max,
          failures: failures(fixed),
        },
        unthrottled: {
          requestsPerSecond: Math.round(open.requests.average),
          requests: open.requests.total,
          p50Ms: open.latency.p50,
          p99Ms: open.latency.p99,
          failures: failures(open),
        },
        p99TargetMs: P99_TARGET_MS,
      },
    };
  } finally {
    await client.close();
    await face.close();
  }
}
