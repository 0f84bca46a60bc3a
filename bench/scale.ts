import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pg from 'pg';
import { importCatalogFile } from '../src/import-catalog.js';
import { loadSettings } from '../src/settings/index.js';
import { createDatabase, pgEnv, startPostgres } from '../test/helpers/postgres.js';
import { type BenchResult, printTable } from './report.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const BENCH = join(ROOT, '../shared/bench/livemcpbench');
const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const LOAD_SECONDS = 10;
/** A fresh instance runs unoptimized code for its first seconds: each is loaded this long, unmeasured, first. */
const WARM_SECONDS = 3;
const CONNECTIONS = 10;
const REFRESH_SECONDS = 2;
const WATCH_SECONDS = 20;
const FAILOVERS = 3;

/**
 * autocannon in a worker thread (the load must not share an instance's event loop, and each request needs a fresh
 * JSON-RPC id: see http-load.ts). Queries rotate over the benchmark's 95, so each request runs a search.
 */
const LOAD_WORKER = `
const { parentPort, workerData: w } = require('node:worker_threads');
const autocannon = require(w.autocannon);
let n = 0;
const setupRequest = (req) => {
  n++;
  const body = { jsonrpc: '2.0', id: n, method: 'tools/call',
    params: { name: 'search_tools', arguments: { query: w.queries[n % w.queries.length] } } };
  return { ...req, body: JSON.stringify(body) };
};
const latencies = [];
const run = autocannon({ ...w.options, requests: [{ setupRequest }] });
run.on('response', (_c, status, _b, ms) => { if (status < 300) latencies.push(ms); });
run.then((r) => parentPort.postMessage({ requests: r.totalCompletedRequests, seconds: r.duration,
  failures: r.non2xx + r.errors + r.timeouts, latencies }));
`;

interface Load {
  requests: number;
  seconds: number;
  failures: number;
  latencies: number[];
}
interface Instance {
  name: string;
  child: ChildProcess;
  base: string;
}

const queries = readFileSync(join(BENCH, 'queries.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { query: string }).query);

function load(base: string, headers: Record<string, string>, connections: number, duration: number) {
  const autocannon = createRequire(import.meta.url).resolve('autocannon');
  const options = { url: `${base}/mcp`, method: 'POST', connections, duration, headers };
  return new Promise<Load>((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, { eval: true, workerData: { autocannon, queries, options } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** One load per instance, all at once, on one MCP session each: a balancer's round-robin split, without its cost. */
async function loadSplit(instances: Instance[], seconds = LOAD_SECONDS) {
  const sessions = await Promise.all(
    instances.map(async (i) => {
      const transport = new StreamableHTTPClientTransport(new URL(`${i.base}/mcp`));
      const client = new Client({ name: 'bench-scale', version: '1' });
      await client.connect(transport);
      const headers = {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': transport.sessionId ?? '',
        'mcp-protocol-version': transport.protocolVersion ?? '',
      };
      return { base: i.base, client, headers };
    }),
  );
  try {
    const per = Math.ceil(CONNECTIONS / instances.length);
    const loads = await Promise.all(sessions.map((s) => load(s.base, s.headers, per, seconds)));
    const all = loads.flatMap((l) => l.latencies).sort((a, b) => a - b);
    return {
      rps: loads.reduce((sum, l) => sum + l.requests / l.seconds, 0),
      p99Ms: all[Math.min(all.length - 1, Math.floor(0.99 * all.length))] ?? 0,
      failures: loads.reduce((sum, l) => sum + l.failures, 0),
    };
  } finally {
    for (const s of sessions) await s.client.close();
  }
}

const leads = async (i: Instance): Promise<boolean> =>
  (
    (await (await fetch(`${i.base}/readyz`)).json()) as { checks: { leader: string } }
  ).checks.leader.startsWith('yes');

/** Throughput, discovery runs per period, and failover time of `serve --http` instances on one PostgreSQL. */
export async function benchScale(): Promise<BenchResult> {
  if (!existsSync(CLI)) throw new Error(`bench scale: ${CLI} is missing: run npm run build first`);
  const cluster = await startPostgres();
  const home = mkdtempSync(join(tmpdir(), 'mcp-discovery-bench-scale-'));
  const running: Instance[] = [];
  const url = await createDatabase(cluster.info);
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    ...pgEnv(url),
  };
  const start = async (name: string, refresh: number, config?: string): Promise<Instance> => {
    const settings = join(home, `${name}.json`);
    // A one-entry cache: rotating queries miss it, so every request measures a search, not a lookup.
    const schedule = { enabled: false };
    writeFileSync(
      settings,
      JSON.stringify({ server: { refreshIntervalSeconds: refresh }, schedule, cache: { maxEntries: 1 } }),
    );
    const args = ['--settings', settings, '--data-dir', join(home, name), 'serve', '--http', '--port', '0'];
    args.push('--no-user-configs', ...(config ? ['--config', config] : ['--no-discover']));
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      const look = (c: Buffer) => {
        out += c;
        const m = out.match(/metrics at (\S+)\/metrics/);
        if (m) resolve(m[1] as string);
      };
      child.stdout?.on('data', look);
      child.stderr?.on('data', look);
      child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${out}`)));
    });
    running.push({ name, child, base });
    return { name, child, base };
  };
  const stop = async (i: Instance, signal: NodeJS.Signals = 'SIGTERM') => {
    running.splice(
      running.findIndex((r) => r.child === i.child),
      1,
    );
    if (i.child.exitCode !== null || i.child.signalCode !== null) return;
    const exited = new Promise((r) => i.child.once('exit', r));
    i.child.kill(signal);
    await exited;
  };
  const discoverRuns = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM runs WHERE kind = 'discover'`);
    await client.end();
    return rows[0].n as number;
  };
  try {
    const flags = { dataDir: join(home, 'import'), store: { backend: 'postgres', postgresUrl: url } };
    const loaded = loadSettings({ env: {}, cwd: home, flags });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    await importCatalogFile(loaded.settings, join(BENCH, 'tools.jsonl'), join(BENCH, 'servers.jsonl'));

    // (a) Search throughput: one instance, then two with the load split between them.
    const a = await start('a', 0);
    await loadSplit([a], WARM_SECONDS);
    const one = await loadSplit([a]);
    const b = await start('b', 0);
    await loadSplit([b], WARM_SECONDS);
    const two = await loadSplit([a, b]);
    await stop(a);
    await stop(b);

    // (b) Discovery runs while two instances refresh every REFRESH_SECONDS: only the leader probes.
    const config = join(home, 'servers.json');
    const memory = {
      command: process.execPath,
      args: [MEMORY],
      env: { MEMORY_FILE_PATH: join(home, 'm.jsonl') },
    };
    writeFileSync(config, JSON.stringify({ mcpServers: { memory } }));
    const pair = [await start('c', REFRESH_SECONDS, config), await start('d', REFRESH_SECONDS, config)];
    const [runs0, t0] = [await discoverRuns(), Date.now()];
    await new Promise((r) => setTimeout(r, WATCH_SECONDS * 1000));
    const runs = (await discoverRuns()) - runs0;
    const watched = (Date.now() - t0) / 1000;
    const leaders = (await Promise.all(pair.map(leads))).filter(Boolean).length;

    // (c) Failover: SIGKILL the leader, time until another's /readyz says it leads (polled every 50 ms).
    const failoverMs: number[] = [];
    for (let n = 0; n < FAILOVERS; n++) {
      const flags = await Promise.all(running.map(leads));
      const leader = running[flags.indexOf(true)] as Instance;
      const others = running.filter((i) => i !== leader);
      const t = performance.now();
      await stop(leader, 'SIGKILL');
      while (!(await Promise.all(others.map(leads))).includes(true)) {
        if (performance.now() - t > 30_000) throw new Error('bench scale: no new leader within 30 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      failoverMs.push(performance.now() - t);
      await start(`${leader.name}${n}`, REFRESH_SECONDS, config);
    }

    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const expected = watched / REFRESH_SECONDS;
    printTable(
      `scale: serve --http instances on one PostgreSQL (${availableParallelism()} cores, uncached)`,
      [
        { metric: `1 instance, ${CONNECTIONS} connections: req/s`, value: one.rps.toFixed(0) },
        { metric: '1 instance: p99 latency', value: ms(one.p99Ms) },
        {
          metric: `2 instances, ${CONNECTIONS / 2} connections each: req/s (sum)`,
          value: two.rps.toFixed(0),
        },
        { metric: '2 instances: p99 latency (all requests)', value: ms(two.p99Ms) },
        { metric: 'failures (1 / 2 instances)', value: `${one.failures} / ${two.failures}` },
        {
          metric: `discover runs in ${watched.toFixed(1)} s, 2 instances refreshing every ${REFRESH_SECONDS} s`,
          value: `${runs} (one leader: about ${expected.toFixed(1)})`,
        },
        { metric: 'instances leading', value: String(leaders) },
        {
          metric: `failover after SIGKILL of the leader (x${FAILOVERS})`,
          value: failoverMs.map(ms).join(', '),
        },
      ],
    );
    const r1 = (v: number) => Number(v.toFixed(1));
    return {
      name: 'scale',
      data: {
        cores: availableParallelism(),
        loadSeconds: LOAD_SECONDS,
        connections: CONNECTIONS,
        queries: queries.length,
        oneInstance: { requestsPerSecond: Math.round(one.rps), p99Ms: r1(one.p99Ms), failures: one.failures },
        twoInstances: {
          requestsPerSecond: Math.round(two.rps),
          p99Ms: r1(two.p99Ms),
          failures: two.failures,
        },
        discovery: { refreshSeconds: REFRESH_SECONDS, watchedSeconds: r1(watched), runs, leaders },
        failoverMs: failoverMs.map(r1),
      },
    };
  } finally {
    for (const i of [...running]) await stop(i);
    await cluster.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
