import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createDatabase, pgEnv, startPostgres } from '../test/helpers/postgres.js';
import { ROOT } from '../test/helpers/servers.js';
import { type BenchResult, printTable } from './report.js';

/**
 * `hook` end to end: the built CLI spawned as Claude Code spawns it, timed from spawn to exit on a warm disk and
 * database, beside bare `node` starting an empty module (the floor no hook can beat). Then ingestion throughput
 * with K hooks at a time, and the hook's own start-to-recorded time as it stores it (`handle_ms`). Then the same
 * with `store.backend: postgres`, into a throwaway local PostgreSQL (skipped without its binaries): what loading
 * pg, connecting and one round trip add.
 */
const CLI = join(ROOT, 'dist/cli/main.js');
const FIXTURES = join(ROOT, 'test/fixtures/hooks');
const RUNS = 50;
const THROUGHPUT_EVENTS = 200;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;

function run(args: string[], input: string, env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(performance.now() - t) : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
    child.stdin.end(input);
  });
}

async function timed(n: number, args: string[], inputs: string[], env: Record<string, string> = {}) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) ms.push(await run(args, inputs[i % inputs.length] as string, env));
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) };
}

async function throughput(
  data: string,
  parallel: number,
  inputs: string[],
  env: Record<string, string> = {},
): Promise<number> {
  const args = [CLI, 'hook', '--data-dir', data];
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < THROUGHPUT_EVENTS) await run(args, inputs[next++ % inputs.length] as string, env);
    }),
  );
  return THROUGHPUT_EVENTS / ((performance.now() - t) / 1000);
}

const f = (ms: number) => `${ms.toFixed(0)} ms`;

/** The hook into PostgreSQL; undefined (and a line saying why) without PostgreSQL's binaries. */
async function benchPostgres(inputs: string[]) {
  const cluster = await startPostgres().catch((error: Error) => {
    console.log(`\nhook on PostgreSQL: skipped (${error.message.split('\n')[0]})`);
  });
  if (!cluster) return undefined;
  const data = mkdtempSync(join(tmpdir(), 'mcp-discovery-hook-bench-pg-'));
  try {
    const url = await createDatabase(cluster.info);
    const env = pgEnv(url);
    const args = [CLI, 'hook', '--data-dir', data];
    await timed(5, args, inputs, env); // the first creates the learning tables
    const hook = await timed(RUNS, args, inputs, env);
    const parallel4 = await throughput(data, 4, inputs, env);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ ms: number | null }>(
      'SELECT handle_ms AS ms FROM hook_events ORDER BY handle_ms',
    );
    await client.end();
    const handle = rows.flatMap((r) => (r.ms === null ? [] : [r.ms]));
    const expected = 5 + RUNS + THROUGHPUT_EVENTS;
    if (rows.length !== expected)
      throw new Error(`PostgreSQL: ${rows.length} events of ${expected}: some were lost`);
    printTable('hook on PostgreSQL (local server, SCRAM password): process start to exit', [
      { metric: `hook: p50 / p99 (${RUNS} runs)`, value: `${f(hook.p50)} / ${f(hook.p99)}` },
      {
        metric: 'hook start to event recorded (handle_ms): p50 / p99',
        value: `${f(percentile(handle, 0.5))} / ${f(percentile(handle, 0.99))}`,
      },
      { metric: 'ingestion, 4 hooks at a time', value: `${parallel4.toFixed(1)} events/s` },
      { metric: 'events recorded / sent', value: `${rows.length} / ${expected}` },
    ]);
    return {
      hookMs: hook,
      handleMs: { p50: percentile(handle, 0.5), p99: percentile(handle, 0.99) },
      eventsPerSecond: { parallel4 },
      events: { recorded: rows.length, sent: expected },
    };
  } finally {
    rmSync(data, { recursive: true, force: true });
    await cluster.stop();
  }
}

export async function benchHook(): Promise<BenchResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const inputs = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));
  const data = mkdtempSync(join(tmpdir(), 'mcp-discovery-hook-bench-'));
  const empty = join(data, 'empty.mjs');
  try {
    writeFileSync(empty, '');
    const hookArgs = [CLI, 'hook', '--data-dir', data];
    await timed(5, hookArgs, inputs); // first use creates and migrates the database; warm the disk cache
    await timed(5, [empty], ['']);
    const node = await timed(RUNS, [empty], ['']);
    const hook = await timed(RUNS, hookArgs, inputs);
    const sequential = await throughput(data, 1, inputs);
    const parallel4 = await throughput(data, 4, inputs);
    const parallel16 = await throughput(data, 16, inputs);
    const db = new Database(join(data, 'mcp-discovery.db'), { readonly: true });
    const handle = db
      .prepare<[], number>('SELECT handle_ms FROM hook_events WHERE handle_ms IS NOT NULL ORDER BY handle_ms')
      .pluck()
      .all();
    const events = db.prepare<[], number>('SELECT COUNT(*) FROM hook_events').pluck().get() ?? 0;
    db.close();
    const expected = 5 + RUNS + 3 * THROUGHPUT_EVENTS;
    if (events !== expected) throw new Error(`recorded ${events} events of ${expected}: some were lost`);
    printTable('hook: process start to exit (warm), and ingestion', [
      {
        metric: `bare node, empty module: p50 / p99 (${RUNS} runs)`,
        value: `${f(node.p50)} / ${f(node.p99)}`,
      },
      {
        metric: `hook: p50 / p99 (${RUNS} runs; target p50 <= 150 ms)`,
        value: `${f(hook.p50)} / ${f(hook.p99)}`,
      },
      { metric: 'hook over bare node at p50', value: f(hook.p50 - node.p50) },
      {
        metric: 'hook start to event recorded (handle_ms): p50 / p99',
        value: `${f(percentile(handle, 0.5))} / ${f(percentile(handle, 0.99))}`,
      },
      {
        metric: `ingestion, 1 at a time (${THROUGHPUT_EVENTS} events)`,
        value: `${sequential.toFixed(1)} events/s`,
      },
      { metric: 'ingestion, 4 hooks at a time', value: `${parallel4.toFixed(1)} events/s` },
      { metric: 'ingestion, 16 hooks at a time', value: `${parallel16.toFixed(1)} events/s` },
      { metric: 'events recorded / sent', value: `${events} / ${expected}` },
    ]);
    return {
      name: 'hook',
      data: {
        runs: RUNS,
        bareNodeMs: node,
        hookMs: hook,
        handleMs: { p50: percentile(handle, 0.5), p99: percentile(handle, 0.99) },
        eventsPerSecond: { parallel1: sequential, parallel4, parallel16 },
        events: { recorded: events, sent: expected },
        postgres: await benchPostgres(inputs),
      },
    };
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}
