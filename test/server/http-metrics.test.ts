import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpFace, startHttpFace } from '../../src/server/http.js';
import { instruments, startTelemetry, type Telemetry } from '../../src/telemetry/index.js';

let telemetry: Telemetry;
let face: HttpFace;
const ARGV_TOKEN = 'argv-token-3f9a';

beforeAll(async () => {
  // A token given as `--token` sits in process.argv while the SDK detects its resource.
  process.argv.push('--token', ARGV_TOKEN);
  try {
    // No OTLP endpoint and OTEL_SDK_DISABLED unset: Prometheus alone must still start the SDK.
    telemetry = await startTelemetry({ serviceVersion: 'test', env: {}, prometheus: true });
  } finally {
    process.argv.splice(-2);
  }
  face = await startHttpFace({
    host: '127.0.0.1',
    port: 0,
    connect: async () => {},
    ready: async () => ({ ok: true, checks: {} }),
    metrics: telemetry.metricsHandler,
  });
});
afterAll(async () => {
  await face.close();
  await telemetry.shutdown();
});

/** `# TYPE <name> <type>` lines: the metric families exactly as Prometheus will name them. */
const families = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.startsWith('# TYPE '))
      .map((line) => line.split(' ').slice(2, 4)),
  );

describe('/metrics with startTelemetry({ prometheus: true })', () => {
  it('serves the DESIGN contract names: _total on counters, no unit suffix, host memory', async () => {
    const i = instruments();
    i.operationSeconds.record(0.004, { operation: 'search', kind: 'request', outcome: 'success' });
    i.serverProbes.add(1, { server: 'a', transport: 'stdio', outcome: 'success' });
    i.cacheRequests.add(1, { cache: 'search', result: 'hit' });
    i.servers.record(2, { health: 'healthy' });
    i.tools.record(7, { server: 'a' });

    const res = await fetch(face.metricsUrl);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(families(text)).toMatchObject({
      mcp_discovery_operation_seconds: 'histogram',
      mcp_discovery_server_probes_total: 'counter',
      mcp_discovery_cache_requests_total: 'counter',
      mcp_discovery_servers: 'gauge',
      mcp_discovery_tools: 'gauge',
      process_memory_usage: 'gauge',
    });
    expect(text).toContain('mcp_discovery_operation_seconds_bucket{');
    expect(text).not.toMatch(/_seconds_seconds|_total_total/);
  });

  it('keeps the command line, and a token on it, out of target_info', async () => {
    const text = await (await fetch(face.metricsUrl)).text();
    expect(text).toContain('target_info{');
    expect(text).not.toContain(ARGV_TOKEN);
  });
});
