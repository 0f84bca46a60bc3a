import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ServerSpec, Target } from '../../src/sources/spec.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FIXTURE_SERVERS = join(ROOT, 'test/fixtures/servers');
export const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const FILESYSTEM = join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
export const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');

/** A unique argument given to every server a test starts, so leftover processes can be found with `ps`. */
export const newMarker = () => `--test-marker=${randomUUID()}`;

export function leftoverProcesses(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

export function spec(
  name: string,
  target: Partial<Target> & { transport: Target['transport'] },
  needsInput: string[] = [],
): ServerSpec {
  const full = target.transport === 'stdio' ? { args: [], env: {}, ...target } : { headers: {}, ...target };
  return {
    name,
    target: full as Target,
    sources: [{ kind: 'config', scope: 'explicit', file: 'test' }],
    needsInput,
  };
}

export const fixture = (script: string, marker: string, env: Record<string, string> = {}) =>
  spec(script.replace(/\.mjs$/, ''), {
    transport: 'stdio',
    command: process.execPath,
    args: [join(FIXTURE_SERVERS, script), marker],
    env,
  });

/** A temporary home with an MCP config file in it (`{"mcpServers": ...}`), for tests that run the CLI. */
export function tempHomeWithConfig(
  prefix: string,
  servers: Record<string, unknown>,
): { home: string; config: string } {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const config = join(home, 'servers.json');
  writeFileSync(config, JSON.stringify({ mcpServers: servers }));
  return { home, config };
}

/** A port free a moment ago (nothing listens on it until someone takes it). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts a real HTTP MCP server and resolves once it has said on stderr that it listens (no sleeping). */
export async function startHttp(
  command: string,
  args: string[],
  readyPattern: RegExp,
  path: string,
): Promise<RunningServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [command, ...args], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((res, rej) => {
    let seen = '';
    child.stderr?.on('data', (c: Buffer) => {
      seen += c.toString();
      if (readyPattern.test(seen)) res();
    });
    child.once('exit', (code) => rej(new Error(`server exited with ${code}: ${seen}`)));
  });
  return {
    port,
    url: `http://127.0.0.1:${port}${path}`,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGKILL');
      }),
  };
}

export const startEverythingHttp = () =>
  startHttp(EVERYTHING, ['streamableHttp'], /listening on port/, '/mcp');
export const startEverythingSse = () => startHttp(EVERYTHING, ['sse'], /running on port/, '/sse');
