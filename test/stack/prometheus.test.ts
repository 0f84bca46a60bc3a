/**
 * Every PromQL expression of every dashboard panel and alert rule, run against a real Prometheus (Debian's 2.42,
 * installed by .ci/run) that scrapes a real `serve --http` doing real work: discovery of real servers, one of
 * them failing, searches that hit and miss the cache, tool calls through the gateway and hook events.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KPIS, kpiExpr, RULE_MATCHERS } from '../../src/kpi/index.js';
import { runCli } from '../cli/cli.js';
import { type RunningServe, startServe, until } from '../helpers/serve.js';
import { EVERYTHING, FIXTURE_SERVERS, freePort, MEMORY, newMarker, ROOT } from '../helpers/servers.js';

const marker = newMarker();
let home: string;
let dataDir: string;
let app: RunningServe;
let prometheus: ChildProcess;
let metricsUrl: string;
let appUrl: string;
let promUrl: string;
let client: Client;

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: never[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result;
}

/** Waits until `expr` has a result: the scrapes we need, not a guess at how long they take. */
const seen = (expr: string, what: string) =>
  until(async () => ((await query(expr)).length > 0 ? true : undefined), `Prometheus see ${what} (${expr})`);

async function hookEvent(fixture: string, fields: Record<string, string>): Promise<string> {
  const event = JSON.parse(readFileSync(join(ROOT, `test/fixtures/hooks/${fixture}.json`), 'utf8'));
  const input = JSON.stringify({ ...event, ...fields });
  // Context on: the prompt gets suggestions, which the learning later counts as accepted or open.
  const r = await runCli(
    ['hook', '--data-dir', dataDir],
    { HOME: home, MCP_DISCOVERY_HOOK_CONTEXT: '1' },
    { input },
  );
  expect(r.code).toBe(0);
  return r.stdout;
}

const toolUse = (id: string, tool: string) =>
  hookEvent('post-tool-use', { tool_use_id: id, tool_name: tool });

async function searchTwice(query: string): Promise<void> {
  for (let i = 0; i < 2; i++) await client.callTool({ name: 'search_tools', arguments: { query } });
}

/** The same query the scrape would see at the same moment: scrape count so far. */
const scrapes = async () =>
  Number((await query('count_over_time(up{job="mcp-discovery"}[10m])'))[0]?.value[1] ?? 0);

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mcp-discovery-prom-'));
  dataDir = join(home, 'data');
  const config = join(home, 'servers.json');
  writeFileSync(
    config,
    JSON.stringify({
      mcpServers: {
        everything: { command: process.execPath, args: [EVERYTHING, 'stdio', marker] },
        memory: {
          command: process.execPath,
          args: [MEMORY, marker],
          env: { MEMORY_FILE_PATH: join(home, 'm.jsonl') },
        },
        broken: { command: process.execPath, args: [join(FIXTURE_SERVERS, 'crash-at-start.mjs'), marker] },
      },
    }),
  );
  const settings = join(home, 'settings.json');
  writeFileSync(
    settings,
    JSON.stringify({ monitor: { intervalSeconds: 1 }, server: { refreshIntervalSeconds: 0 } }),
  );
  await toolUse('toolu_before_1', 'mcp__everything__echo');

  app = await startServe({
    global: ['--settings', settings, '--data-dir', dataDir],
    flags: ['--config', config, '--no-user-configs'],
    env: { PATH: process.env.PATH, HOME: home, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' },
  });
  appUrl = app.base;
  metricsUrl = `${appUrl}/metrics`;
  client = new Client({ name: 'prometheus-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${appUrl}/mcp`)));
  // Phase one creates every series (a cache miss and a hit among them) before Prometheus's first scrape: a
  // series born between two scrapes would have its first counts in Prometheus's baseline but not the monitor's.
  await searchTwice('echo a message');

  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  const target = new URL(metricsUrl);
  writeFileSync(
    join(home, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: mcp-discovery\n    metrics_path: /metrics\n    static_configs:\n      - targets: ['${target.host}']\n`,
  );
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${join(home, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(home, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ],
    { env: { PATH: process.env.PATH }, stdio: 'ignore' },
  );
  await until(async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined), 'Prometheus ready');
  await seen('count_over_time(up{job="mcp-discovery"}[10m]) >= 2', 'two scrapes of the app');

  // Phase two: every counter moves after Prometheus has its baseline, so rates and KPI ratios have data.
  for (let i = 0; i < 10; i++) await searchTwice(`task number ${i} read a file`);
  await client.callTool({
    name: 'call_tool',
    arguments: { server: 'everything', tool: 'echo', arguments: { message: 'hi' } },
  });
  await client.callTool({ name: 'refresh', arguments: {} });
  const context = await hookEvent('user-prompt-submit', { prompt: 'echo a message back to me' });
  expect(context, 'the prompt got suggestions').toContain('echo');
  await toolUse('toolu_after_1', 'mcp__everything__echo');
  await toolUse('toolu_after_2', 'mcp__memory__read_graph');
  const before = await scrapes();
  await seen(
    `count_over_time(up{job="mcp-discovery"}[10m]) >= ${before + 3}`,
    'three scrapes after the work',
  );
}, 180_000);

afterAll(async () => {
  await client?.close().catch(() => undefined);
  await app?.stop();
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((r) => prometheus.once('exit', r));
    prometheus.kill('SIGTERM');
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
});

/** Grafana's variables as a dashboard with "All" selected over the last five minutes would send them. */
function substitute(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range', '5m')
    .replaceAll('$__interval', '15s')
    .replaceAll('$job', '.+')
    .replaceAll('$instance', '.+');
}

interface Found {
  where: string;
  expr: string;
}

function dashboardExpressions(): Found[] {
  const found: Found[] = [];
  const dir = join(ROOT, 'grafana/dashboards');
  type Panel = {
    title?: string;
    panels?: Panel[];
    targets?: { expr?: string; datasource?: { uid?: string } }[];
  };
  const walk = (file: string, panels: Panel[]) => {
    for (const panel of panels) {
      for (const t of panel.targets ?? [])
        if (t.expr && t.datasource?.uid === 'prometheus')
          found.push({ where: `${file}: ${panel.title}`, expr: t.expr });
      walk(file, panel.panels ?? []);
    }
  };
  for (const file of readdirSync(dir)) walk(file, JSON.parse(readFileSync(join(dir, file), 'utf8')).panels);
  return found;
}

function ruleExpressions(): Found[] {
  const grafana = parse(readFileSync(join(ROOT, 'grafana/provisioning/alerting/rules.yaml'), 'utf8'));
  const found: Found[] = [];
  for (const group of grafana.groups)
    for (const rule of group.rules)
      for (const q of rule.data)
        if (q.datasourceUid === 'prometheus')
          found.push({ where: `Grafana rule ${rule.uid}`, expr: q.model.expr });
  const twins = parse(readFileSync(join(ROOT, 'alerting/rules.yml'), 'utf8'));
  for (const group of twins.groups)
    for (const rule of group.rules) {
      // A twin's expression is `(<KPI value>) > <threshold>`: the value part must return data; the comparison
      // returning nothing is the healthy case.
      const value = (rule.expr as string).match(/^\((.*)\) [<>] [\d.e+-]+$/)?.[1];
      expect(value, `${rule.alert} is (value) <op> threshold`).toBeDefined();
      found.push({ where: `Prometheus rule ${rule.alert}`, expr: value as string });
    }
  return found;
}

describe('every dashboard and alert expression against a real Prometheus', () => {
  it('returns data for every Prometheus query of every dashboard panel', async () => {
    const expressions = dashboardExpressions();
    expect(expressions.length).toBeGreaterThan(20);
    const empty: string[] = [];
    for (const { where, expr } of expressions)
      if ((await query(substitute(expr))).length === 0) empty.push(`${where}: ${expr}`);
    expect(empty).toEqual([]);
  });

  it('returns data for the value query of every Grafana rule and Prometheus rule', async () => {
    const expressions = ruleExpressions();
    expect(expressions.length).toBe(20);
    const empty: string[] = [];
    for (const { where, expr } of expressions)
      if ((await query(expr)).length === 0) empty.push(`${where}: ${expr}`);
    expect(empty).toEqual([]);
  });

  it('resolves the dashboards template variables', async () => {
    const res = await fetch(`${promUrl}/api/v1/label/job/values?match[]=process_memory_usage`);
    const jobs = (await res.json()) as { data: string[] };
    expect(jobs.data).toContain('mcp-discovery');
    const instances = await fetch(
      `${promUrl}/api/v1/label/instance/values?match[]=${encodeURIComponent('process_memory_usage{job=~".+"}')}`,
    ).then((r) => r.json() as Promise<{ data: string[] }>);
    expect(instances.data).toHaveLength(1);
  });

  it('counts the failing server as a failed probe', async () => {
    const failed = await query('sum(mcp_discovery_server_probes_total{server="broken", outcome!="success"})');
    expect(Number(failed[0]?.value[1])).toBeGreaterThanOrEqual(2);
  });
});

describe('the in-process monitor and Prometheus', () => {
  /**
   * Tolerances: Prometheus extrapolates `increase` towards the window's edges and samples on its own 1 s
   * schedule, the monitor on its own; ratios agree within 0.05, averages within 10 %. RSS growth is left out: a
   * least-squares slope over one minute of samples taken at different moments is noise.
   */
  it('agree on the KPI values of the same run', async () => {
    const readings = (await fetch(`${appUrl}/kpi`).then((r) => r.json())) as {
      kpis: { kpi: string; value: number | null }[];
    };
    const compared: string[] = [];
    for (const kpi of KPIS.filter((k) => k.headline)) {
      const local = readings.kpis.find((r) => r.kpi === kpi.id)?.value;
      const remote = Number((await query(kpiExpr(kpi, RULE_MATCHERS)))[0]?.value[1]);
      expect(local, `${kpi.id}: the monitor has a value`).toBeTypeOf('number');
      expect(Number.isFinite(remote), `${kpi.id}: Prometheus has a value`).toBe(true);
      const tolerance = kpi.unit === 'percentunit' ? 0.05 : Math.abs(remote) * 0.1;
      expect(
        Math.abs((local as number) - remote),
        `${kpi.id}: monitor ${local} vs Prometheus ${remote}`,
      ).toBeLessThanOrEqual(tolerance);
      compared.push(kpi.id);
    }
    expect(compared).toEqual(['response_time', 'cache_hit_rate', 'discovery_success_rate', 'memory_rss']);
  });
});
