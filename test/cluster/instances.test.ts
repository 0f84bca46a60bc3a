/**
 * Several `serve --http` instances sharing one real PostgreSQL: one leads (probes servers), the others follow;
 * a change recorded anywhere reaches every instance; killing the leader hands the lead to another, which goes
 * on discovering; a lost notification connection is re-established and followed by a full resync.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announce } from '../../src/cluster/announce.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/cli.js';
import { createDatabase, dropDatabase, pgEnv } from '../helpers/postgres.js';
import { type RunningServe, startServe, until } from '../helpers/serve.js';
import { EVERYTHING, leftoverProcesses, newMarker } from '../helpers/servers.js';
import { usePostgres } from '../store/helpers.js';

const cluster = usePostgres();
const marker = newMarker();
const home = mkdtempSync(join(tmpdir(), 'mcp-discovery-cluster-'));
let url: string;
let config: string;

interface Instance {
  name: string;
  serve: RunningServe;
  base: string;
  client: Client;
}
const instances: Instance[] = [];

const env = () => ({
  PATH: process.env.PATH,
  HOME: home,
  OTEL_TRACES_EXPORTER: 'none',
  OTEL_METRICS_EXPORTER: 'none',
  ...pgEnv(url),
});

/** Each instance's own settings file; `extra` is merged in (a change announced to the instances later). */
function writeSettings(name: string, extra: Record<string, unknown> = {}): string {
  const file = join(home, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({ server: { refreshIntervalSeconds: 0 }, schedule: { enabled: false }, ...extra }),
  );
  return file;
}

async function start(name: string): Promise<Instance> {
  const settings = writeSettings(name);
  const serve = await startServe({
    global: ['--settings', settings, '--data-dir', join(home, name)],
    flags: ['--config', config, '--no-user-configs'],
    env: env(),
  });
  const base = serve.base;
  const client = new Client({ name: `test-${name}`, version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
  const instance = { name, serve, base, client };
  instances.push(instance);
  return instance;
}

async function stop(instance: Instance, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  await instance.client.close().catch(() => undefined);
  await instance.serve.stop(signal);
}

const leads = async (i: Instance) =>
  (
    (await fetch(`${i.base}/readyz`).then((r) => r.json())) as { checks: { leader: string } }
  ).checks.leader.startsWith('yes');

async function finds(i: Instance, query: string, tool: string): Promise<true | undefined> {
  const r = (await i.client.callTool({ name: 'search_tools', arguments: { query } })) as unknown as {
    structuredContent: { results: { name: string }[] };
  };
  return r.structuredContent.results.some((x) => x.name === tool) ? true : undefined;
}

async function importTool(name: string, description: string): Promise<void> {
  const file = join(home, `${name}.jsonl`);
  writeFileSync(file, `${JSON.stringify({ server: 'imported', name, description })}\n`);
  const r = await runCli(['--data-dir', join(home, 'cli'), 'index', 'import', file], env());
  expect(r.code, r.stderr).toBe(0);
}

async function runCount(): Promise<number> {
  const store = await openStore({
    store: { backend: 'postgres', postgresUrl: url, poolSize: 1 },
    dataDir: home,
  } as never);
  try {
    return (await store.runs(100)).filter((r) => r.kind === 'discover').length;
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  url = await createDatabase(cluster());
  config = join(home, 'servers.json');
  writeFileSync(
    config,
    JSON.stringify({
      mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio', marker] } },
    }),
  );
  for (const name of ['a', 'b', 'c']) await start(name);
}, 120_000);

afterAll(async () => {
  for (const i of instances) await stop(i);
  await dropDatabase(cluster(), url).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
});

describe('three instances on one PostgreSQL', () => {
  it('elect exactly one leader, and only it discovers', async () => {
    const leading = await Promise.all(instances.map(leads));
    expect(leading.filter(Boolean)).toHaveLength(1);
    // The leader probed (that child has exited) and keeps one live session to follow list changes; followers
    // start no server at all until a tool call needs one.
    expect(leftoverProcesses(marker)).toHaveLength(1);
    const metrics = await Promise.all(instances.map((i) => fetch(`${i.base}/metrics`).then((r) => r.text())));
    expect(metrics.map((m) => m.match(/^mcp_discovery_leader\{[^}]*\} (\d)/m)?.[1]).sort()).toEqual([
      '0',
      '0',
      '1',
    ]);
  });

  it('serve what the leader discovered, on every instance', async () => {
    for (const i of instances) await until(() => finds(i, 'echo a message', 'echo'), `echo on ${i.name}`);
  });

  it('see a change recorded elsewhere and drop the cached answers it changes', async () => {
    const query = 'translate klingon poetry';
    // Cached on every instance first: the same query twice, so a stale cache would keep answering without it.
    for (const i of instances)
      for (let n = 0; n < 2; n++) expect(await finds(i, query, 'klingon_translate')).toBeUndefined();
    await importTool('klingon_translate', 'Translate klingon poetry into English verse');
    for (const i of instances)
      await until(() => finds(i, query, 'klingon_translate'), `the import on ${i.name}`);
  });

  it('recover every dropped database connection, resyncing what they missed', async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // Every connection of every instance: the coordinators' (lead and notifications) and the stores' pools.
      const ended = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      expect(ended.rowCount).toBeGreaterThanOrEqual(3);
    } finally {
      await admin.end();
    }
    // Recorded while the instances may still be reconnecting: the notification can be lost, the resync not.
    await importTool('vulcan_logic', 'Check a vulcan logic argument for soundness');
    for (const i of instances)
      await until(() => finds(i, 'vulcan logic argument', 'vulcan_logic'), `the resync on ${i.name}`);
    await until(
      async () => ((await Promise.all(instances.map(leads))).filter(Boolean).length === 1 ? true : undefined),
      'one leader again',
    );
    // The leader's store works again: a refresh through it records a run.
    const leader = instances[(await Promise.all(instances.map(leads))).indexOf(true)] as Instance;
    const before = await runCount();
    await leader.client.callTool({ name: 'refresh', arguments: {} });
    expect(await runCount()).toBeGreaterThan(before);
  });

  it('apply a settings change announced to them: search and cache settings read again', async () => {
    const results = async (i: Instance) =>
      (
        (await i.client.callTool({
          name: 'search_tools',
          arguments: { query: 'a message or a file' },
        })) as unknown as {
          structuredContent: { results: unknown[] };
        }
      ).structuredContent.results.length;
    expect(await results(instances[0] as Instance)).toBeGreaterThan(2);
    for (const i of instances) writeSettings(i.name, { search: { defaultLimit: 2 } });
    await announce({ store: { backend: 'postgres', postgresUrl: url, poolSize: 1 } } as never, 'settings');
    for (const i of instances)
      await until(async () => ((await results(i)) === 2 ? true : undefined), `the limit on ${i.name}`);
  });

  it('hand the lead to another instance when the leader dies, which goes on discovering', async () => {
    const flags = await Promise.all(instances.map(leads));
    const leader = instances[flags.indexOf(true)] as Instance;
    const runsBefore = await runCount();
    const t0 = Date.now();
    await stop(leader, 'SIGKILL');
    const others = instances.filter((i) => i !== leader);
    const next = await until(async () => {
      const now = await Promise.all(others.map(leads));
      return now.filter(Boolean).length === 1 ? others[now.indexOf(true)] : undefined;
    }, 'a new leader');
    const failoverMs = Date.now() - t0;
    expect(failoverMs).toBeLessThan(15_000);
    await until(
      async () => ((await runCount()) > runsBefore ? true : undefined),
      'a discovery run by the new leader',
    );
    await until(() => finds(next as Instance, 'echo a message', 'echo'), 'echo on the new leader');
  });
});
