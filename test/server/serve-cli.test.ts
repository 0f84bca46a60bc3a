import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../cli/cli.js';
import { leftoverProcesses, ROOT } from '../helpers/servers.js';

const TOKEN = 'test-token-0123456789abcdef';
let home: string;
let child: ChildProcess;
let mcpUrl: string;
let catalogLine = '';

/** Starts `serve --http` on a free port and resolves with the URL it prints (no sleeping: we wait for the line). */
function startServe(args: string[]): Promise<{ child: ChildProcess; mcpUrl: string; metricsUrl: string }> {
  const proc = spawn(
    process.execPath,
    [CLI, '--data-dir', join(home, 'data'), 'serve', '--http', '--port', '0', ...args],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: home, MCP_DISCOVERY_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => {
      out += c;
      const mcp = out.match(/serving MCP at (\S+)/)?.[1];
      catalogLine = out.match(/^catalog: .*$/m)?.[0] ?? '';
      const metrics = out.match(/metrics at (\S+)/)?.[1];
      if (mcp && metrics) resolve({ child: proc, mcpUrl: mcp, metricsUrl: metrics });
    });
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mcp-discovery-serve-'));
  ({ child, mcpUrl } = await startServe(['--config', 'examples/demo.mcp.json', '--no-user-configs']));
});

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
});

describe('serve --http (the npm start job)', () => {
  it('discovers the demo servers before serving and says what it found', () => {
    expect(catalogLine).toMatch(/^catalog: 3 servers, \d+ tools, \d+ resources, \d+ templates, \d+ prompts$/);
  });

  it('refuses a client without the token and serves one with it', async () => {
    const anonymous = new Client({ name: 'anon', version: '1' });
    await expect(anonymous.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)))).rejects.toMatchObject(
      {
        code: 401,
        message: expect.stringContaining('Unauthorized: send Authorization: Bearer <token>'),
      },
    );
    const c = new Client({ name: 'ok', version: '1' });
    await c.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
      }),
    );
    const r = (await c.callTool({
      name: 'search_tools',
      arguments: { query: 'echo a message' },
    })) as unknown as {
      structuredContent: { results: Array<{ name: string }> };
    };
    expect(r.structuredContent.results[0]?.name).toBe('echo');
    await c.close();
  });

  it('serves /metrics with the contract names and /healthz without a token', async () => {
    const base = mcpUrl.replace(/\/mcp$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const text = await (
      await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    ).text();
    for (const name of [
      'mcp_discovery_operation_seconds_bucket',
      'mcp_discovery_server_probes_total',
      'mcp_discovery_servers',
      'mcp_discovery_tools',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('ends every server it started on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(leftoverProcesses('server-everything/dist/index.js')).toEqual([]);
  });

  it('refuses to bind beyond loopback without a token, before probing anything', async () => {
    const r = await runCli(
      ['--data-dir', join(home, 'open'), 'serve', '--http', '--host', '0.0.0.0', '--no-discover'],
      { HOME: home },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'refusing to listen on 0.0.0.0 without a token: set --token or MCP_DISCOVERY_TOKEN, or bind 127.0.0.1',
    );
  });
});
