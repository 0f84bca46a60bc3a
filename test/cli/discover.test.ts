import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscoveryRunSchema } from '../../src/discovery/index.js';
import {
  EVERYTHING,
  FIXTURE_SERVERS,
  leftoverProcesses,
  newMarker,
  ROOT,
  tempHomeWithConfig,
} from '../helpers/servers.js';
import { runCli } from './cli.js';

const marker = newMarker();
let home: string;
let config: string;
let env: Record<string, string>;

beforeAll(() => {
  ({ home, config } = tempHomeWithConfig('mcp-discovery-cli-', {
    everything: { command: process.execPath, args: [EVERYTHING, 'stdio', marker] },
    crashy: { command: process.execPath, args: [join(FIXTURE_SERVERS, 'crash-at-start.mjs'), marker] },
    socket: { type: 'websocket', url: 'ws://127.0.0.1:1' },
  }));
  env = { HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') };
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('mcp-discovery discover', () => {
  it('--json prints one document of the documented schema; a broken entry is reported, the rest probed', async () => {
    const r = await runCli(['discover', '--config', config, '--no-user-configs', '--json'], env);
    expect(r.code).toBe(0);
    const run = DiscoveryRunSchema.parse(JSON.parse(r.stdout));
    expect(run.servers.map((s) => [s.name, s.health])).toEqual([
      ['crashy', 'failed'],
      ['everything', 'healthy'],
    ]);
    expect(run.servers[1]?.sources).toEqual([{ kind: 'config', scope: 'explicit', file: config }]);
    expect(run.problems).toHaveLength(1);
    expect(run.problems[0]).toMatchObject({ level: 'error', file: config, server: 'socket', field: 'type' });
    expect(leftoverProcesses(marker)).toEqual([]);
  });

  it('prints a line per server as it finishes, then a summary', async () => {
    const r = await runCli(['discover', '--config', config, '--no-user-configs'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.includes('everything'))).toMatch(
      /^✔ everything\s+stdio\s+\d+ tools · \d+ resources · \d+ templates · \d+ prompts\s+\d+ ms$/,
    );
    expect(lines.find((l) => l.includes('crashy'))).toMatch(
      /^✖ crashy\s+stdio\s+failed: exited with code 3 during initialize: .*cannot open database/,
    );
    expect(r.stdout).toMatch(/^2 servers \(1 healthy, 1 failed\) in \d+\.\d s$/m);
    expect(r.stdout).toMatch(/^error: .*servers\.json: server "socket": field type: /m);
  });

  it('servers lists what the last run found', async () => {
    const dataDir = join(home, 'isolated');
    await runCli(['--data-dir', dataDir, 'discover', '--config', config, '--no-user-configs', '--json'], env);
    const r = await runCli(['--data-dir', dataDir, 'servers', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).servers.map((s: { name: string }) => s.name)).toEqual([
      'crashy',
      'everything',
    ]);
    const text = await runCli(['--data-dir', dataDir, 'servers'], env);
    expect(text.stdout).toMatch(/^✔ everything\s+stdio/m);
  });

  it('servers before any run says how to start one', async () => {
    const r = await runCli(['--data-dir', join(home, 'empty'), 'servers'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('run `mcp-discovery discover`');
  });

  it("reads the machine's client configs unless --no-user-configs", async () => {
    const project = join(home, 'project');
    mkdirSync(join(project, '.cursor'), { recursive: true });
    writeFileSync(
      join(project, '.cursor', 'mcp.json'),
      JSON.stringify({
        mcpServers: {
          'cursor-everything': { command: process.execPath, args: [EVERYTHING, 'stdio', marker] },
        },
      }),
    );
    const r = await runCli(['discover', '--json'], env, { cwd: project });
    const run = DiscoveryRunSchema.parse(JSON.parse(r.stdout));
    expect(run.servers.map((s) => s.name)).toEqual(['cursor-everything']);
    expect(run.servers[0]?.sources[0]).toMatchObject({ kind: 'cursor', scope: 'project' });
    const none = await runCli(['discover', '--json', '--no-user-configs'], env, { cwd: project });
    expect(DiscoveryRunSchema.parse(JSON.parse(none.stdout)).servers).toEqual([]);
  });

  it('the demo config discovers the three real servers from npm, memory writing into the data dir', async () => {
    const dataDir = join(home, 'demo');
    const r = await runCli(
      [
        '--data-dir',
        dataDir,
        'discover',
        '--config',
        'examples/demo.mcp.json',
        '--no-user-configs',
        '--json',
      ],
      env,
      {
        cwd: ROOT,
      },
    );
    const run = DiscoveryRunSchema.parse(JSON.parse(r.stdout));
    expect(run.servers.map((s) => [s.name, s.health])).toEqual([
      ['everything', 'healthy'],
      ['filesystem', 'healthy'],
      ['memory', 'healthy'],
    ]);
    expect(run.problems).toEqual([]);
  });

  it('bad usage and bad settings exit 2 with a message naming the fix', async () => {
    const usage = await runCli(['discover', '--concurrency', '0'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('expected a whole number of at least 1');
    const settings = await runCli(['discover'], { ...env, MCP_DISCOVERY_TIMEOUT: 'soon' });
    expect(settings.code).toBe(2);
    expect(settings.stderr).toMatch(/MCP_DISCOVERY_TIMEOUT \(discovery\.timeoutMs\): /);
    const unknown = await runCli(['disccover'], env);
    expect(unknown.code).toBe(2);
    const missing = await runCli(['discover', '--settings', join(home, 'none.json')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.json: cannot read settings file \(ENOENT\)/);
  });
});
