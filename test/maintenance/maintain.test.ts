import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheFile } from '../../src/cache/index.js';
import { importCatalogFile } from '../../src/import-catalog.js';
import { MIN_LOOKUPS, maintainCache } from '../../src/maintenance/cache.js';
import { checkDeps, summarise } from '../../src/maintenance/deps.js';
import { MaintenanceLineSchema, maintainLogs, rotatedAt } from '../../src/maintenance/logs.js';
import { TaskBusyError } from '../../src/maintenance/task.js';
import type { ResolvedSettings } from '../../src/settings/index.js';
import { testSettings } from '../helpers/settings.js';
import { installTestTelemetry } from '../helpers/telemetry.js';

let root: string;
let settings: ResolvedSettings;
const logs = () => join(settings.dataDir, 'logs');

function load(settingsFile?: string): ResolvedSettings {
  return testSettings({ cwd: root, settingsFile, flags: { dataDir: join(root, 'data') } });
}

/** The search cache as the CLI saves it between runs, with these counts. */
function savedCache(hits: number, misses: number): void {
  const counters = { hits, misses, evictions: 0 };
  writeFileSync(
    cacheFile(settings.dataDir),
    JSON.stringify({ catalogVersion: 1, caches: { search: { entries: [], counters } } }),
  );
}

/** A running server's status.json with this mean response time. */
function serverResponse(seconds: number): void {
  const reading = {
    kpi: 'response_time',
    title: 'Average response time',
    unit: 's',
    window: 300,
    value: seconds,
    firing: [],
  };
  const memory = { rss: 1, heapUsed: 1, heapTotal: 1, external: 1 };
  const status = {
    at: new Date().toISOString(),
    pid: process.pid,
    intervalSeconds: 15,
    kpis: [reading],
    memory,
  };
  writeFileSync(join(settings.dataDir, 'status.json'), JSON.stringify(status));
}

const maintenanceLines = () =>
  readFileSync(join(logs(), 'maintenance.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => MaintenanceLineSchema.parse(JSON.parse(l)));

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'mcp-discovery-maintain-'));
  settings = load();
  const tools = join(root, 'tools.jsonl');
  writeFileSync(tools, JSON.stringify({ server: 'srv', name: 'read_file', description: 'reads a file' }));
  await importCatalogFile(settings, tools);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('maintain cache', () => {
  it(`clears under the cache_hit_rate warning threshold (30 %) once there are ${MIN_LOOKUPS} lookups`, async () => {
    savedCache(1, MIN_LOOKUPS - 2);
    const few = await maintainCache({ settings, env: {} });
    expect(few.changes).toEqual([]);
    expect(few.notes[0]).toBe(`kept the cache: ${MIN_LOOKUPS - 1} lookups, under ${MIN_LOOKUPS} to judge by`);

    savedCache(5, 15); // 25 % of 20
    const r = await maintainCache({ settings, env: {} });
    expect(r.stats).toMatchObject({ hits: 5, misses: 15, hitRate: 0.25 });
    expect(r.changes).toEqual([
      { action: 'cleared', reason: expect.stringContaining('25 % < 30 %'), before: r.stats },
    ]);
    expect(existsSync(cacheFile(settings.dataDir))).toBe(false);
    expect(maintenanceLines().map((l) => [l.task, l.changes.length])).toEqual([
      ['cache', 0],
      ['cache', 1],
    ]);

    savedCache(6, 14); // 30 %: not under the threshold
    expect((await maintainCache({ settings, env: {} })).changes).toEqual([]);
  });

  it('doubles the TTL in the settings file when responses are slow, keeping its comments, up to the cap', async () => {
    const file = join(root, 'mcp-discovery.yaml');
    writeFileSync(file, '# tuned by ops\nlogLevel: warn # quiet\ncache:\n  ttlSeconds: 1200\n');
    settings = load(file);
    serverResponse(0.8); // past the 500 ms warning
    const r = await maintainCache({ settings, settingsFile: file, env: {} });
    expect(r.response).toEqual({ seconds: 0.8, source: 'server' });
    expect(r.changes).toEqual([
      {
        action: 'ttl-raised',
        from: 1200,
        to: 2400,
        file,
        reason: expect.stringContaining('800 ms > 500 ms'),
      },
    ]);
    expect(readFileSync(file, 'utf8')).toBe(
      '# tuned by ops\nlogLevel: warn # quiet\ncache:\n  ttlSeconds: 2400\n',
    );
    expect(maintenanceLines().at(-1)?.changes).toEqual([
      expect.objectContaining({ action: 'ttl-raised', to: 2400 }),
    ]);

    settings = load(file);
    expect((await maintainCache({ settings, settingsFile: file, env: {} })).changes[0]).toMatchObject({
      to: 3600,
    });
    settings = load(file);
    const capped = await maintainCache({ settings, settingsFile: file, env: {} });
    expect(capped.changes).toEqual([]);
    expect(capped.notes).toContain(
      'kept the TTL at 3600 s: at the cap of 3600 s (response time: 800 ms > 500 ms (Average response time warning threshold))',
    );
  });

  it('writes a JSON settings file in place and only recommends when the file cannot decide the TTL', async () => {
    serverResponse(2);
    const file = join(root, 'mcp-discovery.json');
    writeFileSync(file, '{\n  "logLevel": "warn"\n}\n');
    await maintainCache({ settings, settingsFile: file, env: {} });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ logLevel: 'warn', cache: { ttlSeconds: 600 } });

    const overridden = await maintainCache({
      settings,
      settingsFile: file,
      env: { MCP_DISCOVERY_CACHE_TTL: '300' },
    });
    expect(overridden.changes).toEqual([]);
    expect(overridden.recommendations[0]?.how).toContain('set MCP_DISCOVERY_CACHE_TTL=600');
    const none = await maintainCache({ settings, env: {} });
    expect(none.recommendations[0]?.how).toContain(
      'no settings file in use; put cache.ttlSeconds: 600 in one',
    );
  });
});

describe('maintain logs', () => {
  it('rotates our logs, deletes only our rotated files past the retention by the date in their name', async () => {
    mkdirSync(logs(), { recursive: true });
    const now = new Date('2026-11-25T14:30:00Z');
    const put = (name: string, text = 'x\n') => writeFileSync(join(logs(), name), text);
    put('metrics.jsonl', '{"a":1}\n');
    put('alerts.log', '');
    put('metrics-20261001T000000Z.jsonl'); // 55 days old: deleted
    put('alerts-20261020T120000Z-1.log'); // 36 days: deleted
    put('maintenance-20261110T000000Z.log'); // 15 days: kept
    const foreign = [
      'notes.txt',
      'metrics-old.jsonl',
      'metrics-20200101T000000Z.jsonl.bak',
      'other-20200101T000000Z.log',
    ];
    for (const f of foreign) put(f);
    mkdirSync(join(logs(), 'alerts-20200101T000000Z.log')); // a folder, whatever its name
    // mtime says the opposite of the names: it must not matter.
    utimesSync(join(logs(), 'metrics-20261001T000000Z.jsonl'), now, now);
    utimesSync(join(logs(), 'maintenance-20261110T000000Z.log'), new Date(0), new Date(0));

    const r = await maintainLogs({ settings, retentionDays: 30, now });
    expect(r.rotated).toEqual([{ from: 'metrics.jsonl', to: 'metrics-20261125T143000Z.jsonl', bytes: 8 }]);
    expect(r.deleted).toEqual(['alerts-20261020T120000Z-1.log', 'metrics-20261001T000000Z.jsonl']);
    expect(r.kept).toEqual(['maintenance-20261110T000000Z.log', 'metrics-20261125T143000Z.jsonl']);
    expect(readFileSync(join(logs(), 'metrics-20261125T143000Z.jsonl'), 'utf8')).toBe('{"a":1}\n');
    expect(readFileSync(join(logs(), 'metrics.jsonl'), 'utf8')).toBe('');
    expect(readdirSync(logs()).sort()).toEqual(
      [
        ...foreign,
        'alerts-20200101T000000Z.log',
        'alerts.log',
        'maintenance-20261110T000000Z.log',
        'maintenance.log',
        'metrics-20261125T143000Z.jsonl',
        'metrics.jsonl',
      ].sort(),
    );
    expect(maintenanceLines()).toEqual([
      { task: 'logs', at: now.toISOString(), changes: [{ rotated: r.rotated, deleted: r.deleted }] },
    ]);

    // Same second again: the next free name, never an overwrite.
    put('metrics.jsonl', '{"b":2}\n');
    const again = await maintainLogs({ settings, now });
    expect(again.rotated.map((f) => f.to)).toEqual([
      'metrics-20261125T143000Z-1.jsonl',
      'maintenance-20261125T143000Z.log',
    ]);
  });

  it('reads the rotation time from the name, and keeps a name whose stamp is no date', () => {
    expect(new Date(rotatedAt('metrics-20261125T143000Z-2.jsonl')).toISOString()).toBe(
      '2026-11-25T14:30:00.000Z',
    );
    expect(rotatedAt('alerts-20261340T000000Z.log')).toBeNaN();
  });
});

describe('maintain deps', () => {
  // Recorded from npm 11.19.1 here (trimmed): `npm outdated --json` in this repo and in a project without
  // node_modules (no `current`), and its error documents offline and from a registry that refuses audits.
  const outdated = {
    '@opentelemetry/api': {
      current: '1.9.1',
      wanted: '1.9.1',
      latest: '1.10.0',
      dependent: 'main',
      location: '/work/main/node_modules/@opentelemetry/api',
    },
    zod: { wanted: '4.6.7', latest: '4.6.7', dependent: 'tmp.04DJubuiGf' },
  };
  const refused = (url: string) => ({
    error: {
      code: 'ECONNREFUSED',
      summary: `FetchError: request to ${url} failed, reason: connect ECONNREFUSED 127.0.0.1:9`,
      detail:
        "If you are behind a proxy, please make sure that the 'proxy' config is set properly.  See: 'npm help config'",
    },
  });
  const auditOffline = {
    message:
      'request to http://127.0.0.1:9/-/npm/v1/security/advisories/bulk failed, reason: connect ECONNREFUSED 127.0.0.1:9',
    error: { summary: '', detail: '' },
  };
  const audit405 = {
    message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    method: 'POST',
    uri: 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    statusCode: 405,
    body: '',
    error: { summary: '', detail: '' },
  };
  const noLock = {
    error: {
      code: 'ENOLOCK',
      summary: 'This command requires an existing lockfile.',
      detail: 'Try creating one first with: npm i --package-lock-only',
    },
  };
  // The registry here answers audits with 405, so this one is npm 11's own test snapshot of `npm audit --json` (trimmed).
  const auditReport = {
    auditReportVersion: 2,
    vulnerabilities: {
      'test-dep-a': {
        name: 'test-dep-a',
        severity: 'high',
        isDirect: true,
        via: [],
        effects: [],
        range: '*',
        nodes: ['node_modules/test-dep-a'],
        fixAvailable: false,
      },
    },
    metadata: {
      vulnerabilities: { info: 0, low: 0, moderate: 0, high: 1, critical: 0, total: 1 },
      dependencies: { prod: 2, dev: 0, optional: 0, peer: 0, peerOptional: 0, total: 1 },
    },
  };

  it('summarises outdated packages and vulnerabilities by severity', () => {
    expect(summarise(outdated, auditReport)).toEqual({
      registry: 'reachable',
      outdated: {
        count: 2,
        packages: [
          { name: '@opentelemetry/api', current: '1.9.1', wanted: '1.9.1', latest: '1.10.0' },
          { name: 'zod', current: null, wanted: '4.6.7', latest: '4.6.7' },
        ],
      },
      vulnerabilities: { info: 0, low: 0, moderate: 0, high: 1, critical: 0, total: 1 },
      problems: [],
    });
    expect(summarise({}, auditReport).outdated).toEqual({ count: 0, packages: [] });
  });

  it('tells an unreachable registry and an unavailable audit from a real failure', () => {
    const offline = summarise(refused('http://127.0.0.1:9/zod'), auditOffline);
    expect(offline).toMatchObject({
      registry: 'unreachable',
      outdated: null,
      vulnerabilities: null,
      problems: [],
    });
    expect(offline.reason).toMatch(
      /^outdated: ECONNREFUSED: .*; audit: request to http:\/\/127\.0\.0\.1:9\//,
    );
    for (const audit of [audit405, noLock]) {
      const r = summarise(outdated, audit);
      expect(r).toMatchObject({ registry: 'reachable', vulnerabilities: null, problems: [] });
      expect(r.reason).toMatch(/^audit not available: /);
    }
    const broken = summarise({ error: { code: 'EJSONPARSE', summary: 'Invalid package.json' } }, auditReport);
    expect(broken.problems).toEqual(['npm outdated: EJSONPARSE: Invalid package.json']);
    expect(summarise(refused('https://bob:s3cret@npm.example/x'), auditReport).reason).not.toContain(
      's3cret',
    );
  });

  it('says the registry is unreachable, without retrying for a minute, when npm cannot get to it', async () => {
    const t0 = Date.now();
    const r = await checkDeps({
      settings,
      env: { ...process.env, npm_config_registry: 'http://127.0.0.1:9/' },
    });
    expect(r).toMatchObject({ registry: 'unreachable', outdated: null, vulnerabilities: null, problems: [] });
    expect(r.reason).toContain('ECONNREFUSED');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});

describe('every maintenance task', () => {
  it('emits one mcp_discovery.maintenance {task} span each', async () => {
    const otel = installTestTelemetry();
    try {
      await maintainCache({ settings, env: {} });
      await maintainLogs({ settings });
      await checkDeps({ settings, env: { ...process.env, npm_config_registry: 'http://127.0.0.1:9/' } });
      expect(
        otel
          .spans()
          .filter((s) => s.name.startsWith('mcp_discovery.maintenance'))
          .map((s) => s.name),
      ).toEqual([
        'mcp_discovery.maintenance cache',
        'mcp_discovery.maintenance logs',
        'mcp_discovery.maintenance deps',
      ]);
    } finally {
      await otel.shutdown();
    }
  });

  it('waits its turn: TaskBusyError while another task holds the lock', async () => {
    writeFileSync(
      join(settings.dataDir, 'maintenance.lock'),
      JSON.stringify({ pid: process.pid, task: 'vacuum' }),
    );
    await expect(maintainLogs({ settings })).rejects.toBeInstanceOf(TaskBusyError);
  });
});
