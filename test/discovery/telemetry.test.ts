import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiscovery } from '../../src/discovery/index.js';
import { TracedTransport } from '../../src/discovery/traced-transport.js';
import { withSpan } from '../../src/telemetry/index.js';
import { EVERYTHING, fixture, leftoverProcesses, newMarker, spec } from '../helpers/servers.js';
import { installTestTelemetry, type TestTelemetry } from '../helpers/telemetry.js';

let otel: TestTelemetry;
beforeAll(() => {
  otel = installTestTelemetry();
});
afterAll(async () => {
  await otel.shutdown();
});

describe('a discovery run', () => {
  const marker = newMarker();
  const specs = [
    spec('everything', {
      transport: 'stdio',
      command: process.execPath,
      args: [EVERYTHING, 'stdio', marker],
    }),
    fixture('crash-at-start.mjs', marker),
    fixture('never-initialize.mjs', marker),
    fixture('paginated.mjs', marker),
  ];
  let run: Awaited<ReturnType<typeof runDiscovery>>;

  beforeAll(async () => {
    otel.reset();
    run = await runDiscovery(specs, [], {
      concurrency: 4,
      batchSize: 2,
      timeoutMs: 2_000,
      slowMs: 10_000,
      clientVersion: 'test',
    });
  });

  it('reports every server, whatever the others did', () => {
    expect(run.servers.map((s) => [s.name, s.health])).toEqual([
      ['crash-at-start', 'failed'],
      ['everything', 'healthy'],
      ['never-initialize', 'failed'],
      ['paginated', 'healthy'],
    ]);
    expect(run.summary.health).toEqual({
      healthy: 2,
      degraded: 0,
      unauthorized: 0,
      'needs-input': 0,
      failed: 2,
    });
    expect(run.summary.tools).toBe((run.servers[1]?.counts.tools ?? 0) + 25);
    expect(leftoverProcesses(marker)).toEqual([]);
  });

  it('traces discover -> probe {server} -> MCP client spans', () => {
    const spans = otel.spans();
    const root = spans.find((s) => s.name === 'mcp_discovery.discover');
    expect(root).toBeDefined();
    const probes = spans.filter((s) => s.name.startsWith('mcp_discovery.probe '));
    expect(probes.map((s) => s.name).sort()).toEqual([
      'mcp_discovery.probe crash-at-start',
      'mcp_discovery.probe everything',
      'mcp_discovery.probe never-initialize',
      'mcp_discovery.probe paginated',
    ]);
    for (const p of probes) expect(p.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);

    const everything = probes.find((p) => p.name.endsWith(' everything'));
    const children = spans.filter((s) => s.parentSpanContext?.spanId === everything?.spanContext().spanId);
    expect(children.map((s) => s.name)).toEqual(
      expect.arrayContaining(['initialize', 'tools/list', 'prompts/list']),
    );
    const list = children.find((s) => s.name === 'tools/list');
    expect(list?.kind).toBe(SpanKind.CLIENT);
    expect(list?.attributes).toMatchObject({
      'mcp.method.name': 'tools/list',
      'network.transport': 'pipe',
      'mcp.protocol.version': run.servers[1]?.protocolVersion,
    });

    const paginated = probes.find((p) => p.name.endsWith(' paginated'));
    const pages = spans.filter(
      (s) => s.parentSpanContext?.spanId === paginated?.spanContext().spanId && s.name === 'tools/list',
    );
    expect(pages).toHaveLength(3);

    const hung = probes.find((p) => p.name.endsWith(' never-initialize'));
    expect(hung?.status.code).toBe(SpanStatusCode.ERROR);
    expect(hung?.attributes['mcp_discovery.health']).toBe('failed');
    const init = spans.find(
      (s) => s.parentSpanContext?.spanId === hung?.spanContext().spanId && s.name === 'initialize',
    );
    expect(init?.status.code).toBe(SpanStatusCode.ERROR);
    expect(init?.attributes['error.type']).toBeDefined();
  });

  it('counts probes by server, transport and outcome, and servers by health', async () => {
    const probes = await otel.points('mcp_discovery.server.probes');
    const byServer = Object.fromEntries(
      probes.map((p) => [p.attributes.server, [p.attributes.outcome, p.value]]),
    );
    expect(byServer).toEqual({
      everything: ['success', 1],
      paginated: ['success', 1],
      'crash-at-start': ['failure', 1],
      'never-initialize': ['timeout', 1],
    });
    for (const p of probes)
      expect(Object.keys(p.attributes).sort()).toEqual(['outcome', 'server', 'transport']);

    const servers = await otel.points('mcp_discovery.servers');
    const health = Object.fromEntries(servers.map((p) => [p.attributes.health, p.value]));
    expect(health).toMatchObject({ healthy: 2, failed: 2, degraded: 0 });

    const tools = await otel.points('mcp_discovery.tools');
    expect(tools.find((p) => p.attributes.server === 'paginated')?.value).toBe(25);

    const ops = await otel.points('mcp_discovery.operation.seconds');
    const discover = ops.find((p) => p.attributes.operation === 'discover');
    expect((discover?.value as Histogram | undefined)?.count).toBe(1);
    const probeOps = ops.filter((p) => p.attributes.operation === 'probe');
    expect(probeOps.reduce((n, p) => n + (p.value as Histogram).count, 0)).toBe(4);
    expect(probeOps.every((p) => p.attributes.kind === 'background')).toBe(true);

    const client = await otel.points('mcp.client.operation.duration');
    expect(client.some((p) => p.attributes['mcp.method.name'] === 'tools/list')).toBe(true);
  });
});

describe('trace context', () => {
  it('travels to the server in params._meta as W3C traceparent', async () => {
    const server = new McpServer({ name: 'meta-echo', version: '1.0.0' });
    server.registerTool('meta', { description: 'returns the traceparent it received' }, async (extra) => ({
      content: [{ type: 'text', text: String(extra._meta?.traceparent ?? '') }],
    }));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 't', version: '1' });
    await client.connect(new TracedTransport(clientSide, { networkTransport: 'pipe' }));
    otel.reset();
    const result = await withSpan('parent', {}, () => client.callTool({ name: 'meta', arguments: {} }));
    const call = otel.spans().find((s) => s.name === 'tools/call meta');
    expect(call?.attributes['gen_ai.tool.name']).toBe('meta');
    const text = (result.content as Array<{ text: string }>)[0]?.text;
    expect(text).toBe(`00-${call?.spanContext().traceId}-${call?.spanContext().spanId}-01`);
    await client.close();
  });
});
