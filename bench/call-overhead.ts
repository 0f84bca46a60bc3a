import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Hub } from '../src/server/hub.js';
import { connectSession } from '../src/server/mcp.js';
import { loadSettings } from '../src/settings/index.js';
import { EVERYTHING } from '../test/helpers/servers.js';
import { type BenchResult, printTable } from './report.js';

const CALLS = 500;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function timeCalls(call: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 50; i++) await call(); // warm up the JIT and the upstream process
  const ms: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await call();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) };
}

/** `call_tool` through the gateway (in-process MCP session) against a direct stdio call to the same server. */
export async function benchCallOverhead(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-discovery-call-bench-'));
  const config = join(dir, 'servers.json');
  writeFileSync(
    config,
    JSON.stringify({
      mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } },
    }),
  );
  const loaded = loadSettings({
    env: {},
    cwd: dir,
    flags: { dataDir: join(dir, 'data'), discovery: { userConfigs: false } },
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const hub = await Hub.start({ settings: loaded.settings, configFiles: [config] });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await connectSession(hub, serverSide, 'pipe');
  const viaUs = new Client({ name: 'bench', version: '1' });
  await viaUs.connect(clientSide);
  const direct = new Client({ name: 'bench-direct', version: '1' });
  await direct.connect(
    new StdioClientTransport({ command: process.execPath, args: [EVERYTHING, 'stdio'], stderr: 'ignore' }),
  );
  try {
    const args = { message: 'hello' };
    const d = await timeCalls(() => direct.callTool({ name: 'echo', arguments: args }));
    const g = await timeCalls(() =>
      viaUs.callTool({
        name: 'call_tool',
        arguments: { server: 'everything', name: 'echo', arguments: args },
      }),
    );
    const overhead = g.p50 - d.p50;
    printTable(`call_tool overhead (${CALLS} calls to server-everything echo)`, [
      { metric: 'direct call p50 / p99', value: `${d.p50.toFixed(3)} / ${d.p99.toFixed(3)} ms` },
      { metric: 'through call_tool p50 / p99', value: `${g.p50.toFixed(3)} / ${g.p99.toFixed(3)} ms` },
      { metric: 'overhead p50 (target <= 2 ms)', value: `${overhead.toFixed(3)} ms` },
    ]);
    return {
      name: 'call-overhead',
      data: {
        calls: CALLS,
        directP50Ms: d.p50,
        directP99Ms: d.p99,
        gatewayP50Ms: g.p50,
        gatewayP99Ms: g.p99,
        overheadP50Ms: overhead,
        targetMs: 2,
      },
    };
  } finally {
    await viaUs.close();
    await direct.close();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
