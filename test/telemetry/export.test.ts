import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli.js';
import { FIXTURE_SERVERS, freePort, newMarker, tempHomeWithConfig } from '../helpers/servers.js';

type Received = { path: string; body: unknown };

/** A real OTLP/HTTP endpoint stand-in: it accepts the JSON the SDK's exporters POST and keeps it for the test. */
function otlpReceiver(port: number, received: Received[]): Promise<Server> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => {
      text += c;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text || '{}') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

let home: string;
let config: string;
const marker = newMarker();

beforeAll(() => {
  ({ home, config } = tempHomeWithConfig('mcp-discovery-otlp-', {
    paginated: { command: process.execPath, args: [join(FIXTURE_SERVERS, 'paginated.mjs'), marker] },
    crashy: {
      command: process.execPath,
      args: [join(FIXTURE_SERVERS, 'crash-at-start.mjs'), marker],
      env: { API_TOKEN: 'sup3r-s3cret' },
    },
  }));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const spansOf = (received: Received[]) =>
  received
    .filter((r) => r.path === '/v1/traces')
    .flatMap(
      (r) =>
        (
          r.body as {
            resourceSpans: Array<{
              resource: unknown;
              scopeSpans: Array<{ spans: Array<{ name: string; traceId: string }> }>;
            }>;
          }
        ).resourceSpans,
    )
    .flatMap((rs) =>
      rs.scopeSpans.flatMap((s) => s.spans.map((span) => ({ ...span, resource: rs.resource }))),
    );

const metricNames = (received: Received[]) =>
  received
    .filter((r) => r.path === '/v1/metrics')
    .flatMap(
      (r) =>
        (r.body as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string }> }> }> })
          .resourceMetrics,
    )
    .flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name)));

describe('the SDK bootstrap in the CLI', () => {
  it('exports traces, metrics and trace-linked logs over OTLP/HTTP, honouring OTEL_SERVICE_NAME', async () => {
    const port = await freePort();
    const received: Received[] = [];
    const server = await otlpReceiver(port, received);
    try {
      const r = await runCli(
        [
          '--data-dir',
          join(home, 'data'),
          '--log-level',
          'info',
          'discover',
          '--config',
          config,
          '--no-user-configs',
          '--json',
        ],
        {
          HOME: home,
          OTEL_SDK_DISABLED: undefined,
          OTEL_SERVICE_NAME: 'discovery-under-test',
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        },
      );
      expect(r.code).toBe(0);
      const spans = spansOf(received);
      const names = spans.map((s) => s.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'mcp_discovery.discover',
          'mcp_discovery.probe paginated',
          'mcp_discovery.probe crashy',
          'initialize',
          'tools/list',
        ]),
      );
      expect(JSON.stringify(spans[0]?.resource)).toContain('discovery-under-test');

      expect(metricNames(received)).toEqual(
        expect.arrayContaining([
          'mcp_discovery.server.probes',
          'mcp_discovery.operation.seconds',
          'mcp_discovery.servers',
          'mcp_discovery.tools',
          'mcp.client.operation.duration',
          'process.memory.usage',
        ]),
      );

      const logs = r.stderr
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { msg: string; trace_id?: string; server?: string });
      const probeLog = logs.find((l) => l.msg === 'probe finished' && l.server === 'paginated');
      expect(probeLog?.trace_id).toBe(spans.find((s) => s.name === 'mcp_discovery.discover')?.traceId);
      expect(JSON.stringify(received)).not.toContain('sup3r-s3cret');
      expect(r.stderr).not.toContain('sup3r-s3cret');
    } finally {
      server.close();
    }
  });

  it('with no collector listening, prints nothing and exits normally', async () => {
    const port = await freePort();
    const r = await runCli(
      ['--data-dir', join(home, 'data2'), 'discover', '--config', config, '--no-user-configs', '--json'],
      {
        HOME: home,
        OTEL_SDK_DISABLED: undefined,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).summary.servers).toBe(2);
  });
});
