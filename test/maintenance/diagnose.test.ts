import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerReport } from '../../src/discovery/report.js';
import {
  type DiagnoseOutcome,
  type Diagnosis,
  diagnose,
  suggestFix,
} from '../../src/maintenance/diagnose.js';
import {
  EVERYTHING,
  FIXTURE_SERVERS,
  freePort,
  leftoverProcesses,
  newMarker,
  type RunningServer,
  startHttp,
  tempHomeWithConfig,
} from '../helpers/servers.js';
import { testSettings } from '../helpers/settings.js';
import { installTestTelemetry } from '../helpers/telemetry.js';

const marker = newMarker();
const node = (script: string, env: Record<string, string> = {}) => ({
  command: process.execPath,
  args: [join(FIXTURE_SERVERS, script), marker],
  env,
});
let home: string;
let config: string;
let auth: RunningServer;
let closed: string;

beforeAll(async () => {
  auth = await startHttp(join(FIXTURE_SERVERS, 'http-auth.mjs'), [], /listening/, '/mcp');
  closed = `http://127.0.0.1:${await freePort()}/mcp`;
  ({ home, config } = tempHomeWithConfig('mcp-discovery-diagnose-', {
    everything: { command: process.execPath, args: [EVERYTHING, 'stdio', marker] },
    crashy: node('crash-at-start.mjs'),
    silent: node('never-initialize.mjs'),
    chatty: node('garbage-stdout.mjs'),
    'mid-list': node('exit-mid-list.mjs'),
    slow: node('slow-start.mjs', { SLOW_START_MS: '1200' }),
    missing: { command: 'mcp-discovery-no-such-command', args: [marker] },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a VS Code input placeholder is the data under test
    vscode: { command: process.execPath, args: ['${input:api-token}', marker] },
    locked: { type: 'http', url: auth.url },
    refused: { type: 'http', url: closed },
  }));
});
afterAll(async () => {
  await auth.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Long enough for the slow server (1.2 s, then Node and the SDK loading) on a loaded two-core machine. */
const TIMEOUT_MS = 5_000;

function run(server?: string, discovery: Record<string, number> = {}): Promise<DiagnoseOutcome> {
  const settings = testSettings({
    cwd: home,
    flags: {
      dataDir: join(home, 'data'),
      discovery: { userConfigs: false, timeoutMs: TIMEOUT_MS, ...discovery },
    },
  });
  const context = { home, cwd: home, platform: 'linux' as const, env: {} };
  return diagnose({ settings, server, configFiles: [config], context });
}

const byName = (o: DiagnoseOutcome) =>
  new Map((o.ok ? o.result.servers : []).map((d): [string, Diagnosis] => [d.name, d]));

describe('diagnose', () => {
  it('probes every server now: health, reason, each step timed, stderr and a fix for each failure', async () => {
    const out = byName(await run());
    const everything = out.get('everything');
    expect(everything).toMatchObject({ health: 'healthy', transport: 'stdio' });
    expect(everything?.fix).toBeUndefined();
    for (const step of ['connectMs', 'initializeMs', 'toolsMs', 'resourcesMs', 'promptsMs'] as const)
      expect(everything?.timings[step]).toBeGreaterThan(0);
    const fixes = Object.fromEntries([...out].map(([name, d]) => [name, [d.health, d.fix]]));
    expect(fixes).toEqual({
      everything: ['healthy', undefined],
      crashy: [
        'failed',
        expect.stringMatching(
          /^it stopped during initialize: run `\S+node \S+crash-at-start\.mjs --test-marker=\S+` by hand; its stderr \(below\) shows why$/,
        ),
      ],
      silent: [
        'failed',
        expect.stringMatching(
          new RegExp(`^no answer to initialize within discovery\\.timeoutMs \\(${TIMEOUT_MS} ms\\): raise`),
        ),
      ],
      chatty: ['failed', expect.stringMatching(/^the server writes other text to stdout/)],
      'mid-list': ['failed', expect.stringMatching(/^it stopped during tools\/list: run /)],
      slow: ['healthy', undefined],
      missing: [
        'failed',
        expect.stringMatching(/^install mcp-discovery-no-such-command or put its folder on PATH/),
      ],
      vscode: ['needs-input', expect.stringMatching(/^fill in input:api-token: VS Code asks for an input/)],
      locked: [
        'unauthorized',
        expect.stringMatching(
          /^the server refused the credentials: check the token in the headers or environment \(none is configured\)/,
        ),
      ],
      refused: [
        'failed',
        `nothing listens at ${closed}: start the server, or fix the host and port in the config`,
      ],
    });
    expect(out.get('crashy')?.stderrTail).toContain('fatal: cannot open database /nope');
    expect(out.get('crashy')?.timings.toolsMs).toBeUndefined(); // it never got past initialize
    expect(leftoverProcesses(marker)).toEqual([]);
  });

  it('names the slowest step of a server past discovery.slowMs', async () => {
    const out = byName(await run('slow', { slowMs: 300 }));
    expect(out.get('slow')).toMatchObject({ health: 'degraded', reason: expect.stringMatching(/^slow: /) });
    expect(out.get('slow')?.fix).toMatch(
      /^it answered, but took \d+ ms, past discovery\.slowMs \(300 ms\); the slowest step was initialize \(\d+(\.\d)? ms\): raise discovery\.slowMs/,
    );
    expect(leftoverProcesses(marker)).toEqual([]);
  });

  it('an unknown server is refused with the names it knows', async () => {
    const out = await run('nope');
    expect(out).toEqual({
      ok: false,
      unknown: 'nope',
      known: [
        'chatty',
        'crashy',
        'everything',
        'locked',
        'mid-list',
        'missing',
        'refused',
        'silent',
        'slow',
        'vscode',
      ],
    });
  });

  it('suggests a fix for the failures no fixture produces', () => {
    const base: ServerReport = {
      name: 's',
      sources: [],
      transport: 'http',
      url: 'https://mcp.example.com/mcp',
      envKeys: [],
      headerKeys: ['Authorization'],
      health: 'failed',
      incomplete: [],
      timings: { totalMs: 5 },
      counts: { tools: 0, resources: 0, resourceTemplates: 0, prompts: 0 },
      tools: [],
      resources: [],
      resourceTemplates: [],
      prompts: [],
    };
    const fix = (over: Partial<ServerReport>) =>
      suggestFix({ ...base, ...over }, { timeoutMs: 10_000, slowMs: 5_000 });
    expect(fix({ reason: 'host not found during connect' })).toMatch(
      /^the host of https:\/\/mcp\.example\.com\/mcp does not resolve/,
    );
    expect(fix({ reason: 'HTTP 404 during initialize' })).toMatch(
      /^the server answered HTTP 404: check the URL's path/,
    );
    expect(fix({ reason: 'network error during connect: certificate expired' })).toMatch(
      /^the network failed/,
    );
    expect(fix({ health: 'unauthorized', reason: 'HTTP 401 during initialize' })).toMatch(
      /in the headers \(Authorization\)/,
    );
    expect(fix({ reason: 'timed out after 10000 ms during prompts/list' })).toMatch(
      /^prompts\/list did not finish within discovery\.timeoutMs \(10000 ms\)/,
    );
    expect(
      fix({ transport: 'stdio', command: 'x', reason: 'timed out after 10000 ms during initialize' }),
    ).toMatch(
      /^no answer to initialize within discovery\.timeoutMs \(10000 ms\): raise discovery\.timeoutMs .* run `x` by hand/,
    );
    expect(fix({ transport: 'stdio', command: 'x', reason: 'command not executable: x' })).toMatch(
      /^make x executable/,
    );
    expect(fix({ health: 'degraded', reason: 'prompts/list failed: boom' })).toMatch(
      /^a list failed or was cut short/,
    );
    expect(fix({ reason: 'protocol error during initialize: bad' })).toMatch(
      /^it answered with something that is not MCP/,
    );
  });

  it('traces the task as mcp_discovery.maintenance diagnose, the probe inside it', async () => {
    const otel = installTestTelemetry();
    try {
      await run('crashy');
      const spans = otel.spans();
      const task = spans.find((s) => s.name === 'mcp_discovery.maintenance diagnose');
      expect(task?.attributes['mcp_discovery.maintenance.task']).toBe('diagnose');
      const probe = spans.find((s) => s.name === 'mcp_discovery.probe crashy');
      expect(probe?.spanContext().traceId).toBe(task?.spanContext().traceId);
    } finally {
      await otel.shutdown();
    }
  });
});
