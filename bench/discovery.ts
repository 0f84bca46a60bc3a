import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDiscovery } from '../src/discovery/index.js';
import type { ServerSpec } from '../src/sources/spec.js';
import { EVERYTHING, FILESYSTEM, FIXTURE_SERVERS, MEMORY } from '../test/helpers/servers.js';
import { type BenchResult, printTable } from './report.js';

/** 20 real stdio servers from npm: the three reference servers, several instances each. */
function realServers(dir: string): ServerSpec[] {
  const make = (name: string, args: string[], env: Record<string, string> = {}): ServerSpec => ({
    name,
    target: { transport: 'stdio', command: process.execPath, args, env },
    sources: [{ kind: 'config', scope: 'explicit', file: 'bench' }],
    needsInput: [],
  });
  return Array.from({ length: 20 }, (_, i) => {
    if (i % 3 === 0) return make(`everything-${i}`, [EVERYTHING, 'stdio']);
    if (i % 3 === 1) return make(`filesystem-${i}`, [FILESYSTEM, dir]);
    return make(`memory-${i}`, [MEMORY], { MEMORY_FILE_PATH: join(dir, `memory-${i}.jsonl`) });
  });
}

/** CPU milliseconds used by this process and its reaped children (Linux /proc), to tell CPU-bound from slow. */
function cpuMs(): number {
  const own = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[13]) + Number(fields[14]); // cutime + cstime, in clock ticks of 10 ms
  return (own.user + own.system) / 1000 + ticks * 10;
}

const options = { batchSize: 50, timeoutMs: 30_000, slowMs: 30_000, clientVersion: 'bench' };

const IDLE_START_MS = 2_000;

/** The same run shape with servers that wait rather than compute: what the pool costs when CPU is not the limit. */
async function ioBound(): Promise<{ singleMs: number; c10Ms: number; c20Ms: number }> {
  const specs: ServerSpec[] = Array.from({ length: 20 }, (_, i) => ({
    name: `idle-${i}`,
    target: {
      transport: 'stdio',
      command: process.execPath,
      args: [join(FIXTURE_SERVERS, 'slow-start.mjs')],
      env: { SLOW_START_MS: String(IDLE_START_MS) },
    },
    sources: [{ kind: 'config', scope: 'explicit', file: 'bench' }],
    needsInput: [],
  }));
  const timed = async (list: ServerSpec[], concurrency: number) => {
    const t = performance.now();
    await runDiscovery(list, [], { ...options, concurrency });
    return Math.round(performance.now() - t);
  };
  return {
    singleMs: await timed(specs.slice(0, 1), 1),
    c10Ms: await timed(specs, 10),
    c20Ms: await timed(specs, 20),
  };
}

export async function benchDiscovery(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-discovery-bench-'));
  try {
    const specs = realServers(dir);
    await runDiscovery(specs.slice(0, 3), [], { ...options, concurrency: 3 }); // warm the disk cache

    const t1 = performance.now();
    const sequential = await runDiscovery(specs, [], { ...options, concurrency: 1 });
    const sequentialMs = performance.now() - t1;
    const slowestSingle = Math.max(...sequential.servers.map((s) => s.timings.totalMs));

    const c2 = cpuMs();
    const t2 = performance.now();
    const parallel = await runDiscovery(specs, [], { ...options, concurrency: 10 });
    const parallelMs = performance.now() - t2;
    const cpuFloorMs = (cpuMs() - c2) / availableParallelism();
    const healthy = parallel.servers.filter((s) => s.health === 'healthy').length;

    // On few cores, server start-up (about 0.5 s of CPU each for these Node servers) bounds the wall time.
    const sweep: Record<string, number> = {};
    for (const concurrency of [2, 4, 20]) {
      const t = performance.now();
      await runDiscovery(specs, [], { ...options, concurrency });
      sweep[concurrency] = Math.round(performance.now() - t);
    }
    const ratio = parallelMs / slowestSingle;
    const io = await ioBound();
    const rows = [
      { metric: 'servers (healthy at concurrency 10)', value: `${healthy}/${specs.length}` },
      { metric: 'one at a time: wall time', value: `${Math.round(sequentialMs)} ms` },
      { metric: 'slowest single probe', value: `${slowestSingle} ms` },
      { metric: 'concurrency 10: wall time', value: `${Math.round(parallelMs)} ms` },
      { metric: 'ratio wall / slowest single (target <= 1.5)', value: ratio.toFixed(2) },
      { metric: 'speed-up over one at a time', value: `${(sequentialMs / parallelMs).toFixed(1)}x` },
      ...Object.entries(sweep).map(([c, ms]) => ({
        metric: `concurrency ${c}: wall time`,
        value: `${ms} ms`,
      })),
      { metric: 'CPU floor at concurrency 10 (CPU time / cores)', value: `${Math.round(cpuFloorMs)} ms` },
      { metric: 'wall / CPU floor', value: (parallelMs / cpuFloorMs).toFixed(2) },
      { metric: 'cores', value: String(availableParallelism()) },
      {
        metric: `I/O-bound: 20 servers idle ${IDLE_START_MS} ms at start, single probe`,
        value: `${io.singleMs} ms`,
      },
      {
        metric: 'I/O-bound: concurrency 10 wall (two waves)',
        value: `${io.c10Ms} ms (ratio ${(io.c10Ms / io.singleMs).toFixed(2)})`,
      },
      {
        metric: 'I/O-bound: concurrency 20 wall (one wave)',
        value: `${io.c20Ms} ms (ratio ${(io.c20Ms / io.singleMs).toFixed(2)})`,
      },
    ];
    printTable('discovery: 20 real stdio servers', rows);
    return {
      name: 'discovery',
      data: {
        servers: specs.length,
        healthy,
        sequentialMs: Math.round(sequentialMs),
        slowestSingleMs: slowestSingle,
        parallelMs: Math.round(parallelMs),
        ratio: Number(ratio.toFixed(3)),
        wallMsByConcurrency: { 1: Math.round(sequentialMs), 10: Math.round(parallelMs), ...sweep },
        cpuFloorMs: Math.round(cpuFloorMs),
        target: 1.5,
        cores: availableParallelism(),
        ioBound: { idleStartMs: IDLE_START_MS, ...io },
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
