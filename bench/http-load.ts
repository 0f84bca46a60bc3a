import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { startHttpFace } from '../src/server/http.js';
import { type BenchResult, printTable } from './report.js';

interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  failures: number;
}

/**
 * autocannon in a worker thread of our own, for two reasons: the load generator must not share the face's event
 * loop, and each request needs a fresh JSON-RPC id (the transport routes a response by id, so repeats on one
 * session cross streams). autocannon's `idReplacement` cannot give one here (it sizes Content-Length for 27-char
 * ids; the installed hyperid makes 24-char ones) and its own `workers` take `setupRequest` only as a module path.
 * Latencies come from its `response` events, unrounded (its histogram keeps whole milliseconds).
 */
const LOAD_WORKER = `
const { parentPort, workerData: w } = require('node:worker_threads');
const autocannon = require(w.autocannon);
let id = 0;
const setupRequest = (req) => ({ ...req, body: w.body.replace('"ID"', String(++id)) });
const latencies = [];
const run = autocannon({ ...w.options, requests: [{ setupRequest }] });
run.on('response', (_client, status, _bytes, ms) => { if (status < 300) latencies.push(ms); });
// Inside a worker thread autocannon hands back its raw counters rather than the aggregated summary.
run.then((r) => {
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  parentPort.postMessage({
    requests: r.totalCompletedRequests, requestsPerSecond: r.totalCompletedRequests / r.duration,
    failures: r.non2xx + r.errors + r.timeouts, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: latencies.at(-1) ?? 0,
  });
});
`;

function load(workerData: { autocannon: string; body: string; options: Record<string, unknown> }) {
  return new Promise<LoadResult>((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, { eval: true, workerData });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const RATE = 200;
const SECONDS = 10;
/**
 * autocannon's rate limiter is bursty: each connection sends its share of a second's requests back to back, then
 * waits for the next second. With 10 connections that is 10 requests at once, 20 times over, at the start of
 * every second, and the latency measured is mostly that burst's own queue. One connection sends the 200 one after
 * another: the latency of each request on a server that is otherwise idle, as it is at 200 req/s.
 */
const FIXED_RATE_CONNECTIONS = 1;
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
 * as fast as it answers (throughput). Pass `connect` to measure the real tools instead of the stub.
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
    const run = (connections: number, overallRate?: number) =>
      load({
        autocannon: createRequire(import.meta.url).resolve('autocannon'),
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 'ID',
          method: 'tools/call',
          params: { name: 'search_tools', arguments: { query: 'read a file' } },
        }),
        options: {
          url: face.mcpUrl,
          method: 'POST',
          connections,
          duration: SECONDS,
          ...(overallRate && { overallRate }),
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'mcp-session-id': transport.sessionId ?? '',
            'mcp-protocol-version': transport.protocolVersion ?? '',
          },
        },
      });
    const fixed = await run(FIXED_RATE_CONNECTIONS, RATE);
    const open = await run(CONNECTIONS);
    const ms = (v: number) => `${v.toFixed(2)} ms`;
    printTable('http-load: tools/call over streamable HTTP, one session', [
      {
        metric: `${RATE} req/s for ${SECONDS} s, ${FIXED_RATE_CONNECTIONS} connection: requests`,
        value: String(fixed.requests),
      },
      { metric: `${RATE} req/s: p50 latency`, value: ms(fixed.p50Ms) },
      { metric: `${RATE} req/s: p99 latency (target <= ${P99_TARGET_MS} ms)`, value: ms(fixed.p99Ms) },
      { metric: `${RATE} req/s: max latency`, value: ms(fixed.maxMs) },
      { metric: `${RATE} req/s: failures`, value: String(fixed.failures) },
      { metric: `unthrottled, ${CONNECTIONS} connections: req/s`, value: open.requestsPerSecond.toFixed(0) },
      { metric: 'unthrottled: p50 / p99 latency', value: `${ms(open.p50Ms)} / ${ms(open.p99Ms)}` },
      { metric: 'unthrottled: failures', value: String(open.failures) },
    ]);
    const round = (r: LoadResult) => ({
      ...r,
      requestsPerSecond: Math.round(r.requestsPerSecond),
      p50Ms: Number(r.p50Ms.toFixed(3)),
      p99Ms: Number(r.p99Ms.toFixed(3)),
      maxMs: Number(r.maxMs.toFixed(3)),
    });
    return {
      name: 'http-load',
      data: {
        seconds: SECONDS,
        fixedRate: { rate: RATE, connections: FIXED_RATE_CONNECTIONS, ...round(fixed) },
        unthrottled: { connections: CONNECTIONS, ...round(open) },
        p99TargetMs: P99_TARGET_MS,
        cores: availableParallelism(),
      },
    };
  } finally {
    await client.close();
    await face.close();
  }
}
