import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeServer } from '../../src/discovery/index.js';
import {
  EVERYTHING,
  FILESYSTEM,
  FIXTURE_SERVERS,
  fixture,
  freePort,
  leftoverProcesses,
  MEMORY,
  newMarker,
  type RunningServer,
  spec,
  startEverythingHttp,
  startEverythingSse,
  startHttp,
} from '../helpers/servers.js';

const options = { timeoutMs: 15_000, slowMs: 10_000, clientVersion: 'test' };
const marker = newMarker();
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'mcp-discovery-probe-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('real servers from npm', () => {
  it('server-everything over stdio: initialize, then every list the capabilities advertise', async () => {
    const r = await probeServer(
      spec('everything', {
        transport: 'stdio',
        command: process.execPath,
        args: [EVERYTHING, 'stdio', marker],
      }),
      options,
    );
    expect(r.health).toBe('healthy');
    expect(r.serverInfo?.name).toBe('mcp-servers/everything');
    expect(r.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.counts.tools).toBeGreaterThanOrEqual(10);
    expect(r.counts.resources).toBeGreaterThan(0);
    expect(r.counts.resourceTemplates).toBeGreaterThan(0);
    expect(r.counts.prompts).toBeGreaterThan(0);
    expect(r.tools.map((t) => t.name)).toContain('echo');
    expect(r.timings.initializeMs).toBeGreaterThan(0);
    expect(r.timings.toolsMs).toBeGreaterThan(0);
  });

  it('server-filesystem rooted in a temp folder', async () => {
    const r = await probeServer(
      spec('filesystem', { transport: 'stdio', command: process.execPath, args: [FILESYSTEM, tmp, marker] }),
      options,
    );
    expect(r.health).toBe('healthy');
    expect(r.tools.map((t) => t.name)).toContain('read_text_file');
  });

  it('server-memory writing into a temp file; env values stay out of the report', async () => {
    const r = await probeServer(
      spec('memory', {
        transport: 'stdio',
        command: process.execPath,
        args: [MEMORY, marker],
        env: { MEMORY_FILE_PATH: join(tmp, 'memory.jsonl') },
      }),
      options,
    );
    expect(r.health).toBe('healthy');
    expect(r.tools.map((t) => t.name)).toContain('create_entities');
    expect(r.envKeys).toEqual(['MEMORY_FILE_PATH']);
    expect(JSON.stringify(r)).not.toContain(join(tmp, 'memory.jsonl'));
  });

  describe('over the network', () => {
    let http: RunningServer;
    let sse: RunningServer;
    beforeAll(async () => {
      [http, sse] = await Promise.all([startEverythingHttp(), startEverythingSse()]);
    });
    afterAll(async () => {
      await Promise.all([http?.stop(), sse?.stop()]);
    });

    it('streamable HTTP', async () => {
      const r = await probeServer(spec('everything-http', { transport: 'http', url: http.url }), options);
      expect(r.health).toBe('healthy');
      expect(r.transport).toBe('http');
      expect(r.counts.tools).toBeGreaterThanOrEqual(10);
    });

    it('SSE', async () => {
      const r = await probeServer(spec('everything-sse', { transport: 'sse', url: sse.url }), options);
      expect(r.health).toBe('healthy');
      expect(r.transport).toBe('sse');
      expect(r.counts.tools).toBeGreaterThanOrEqual(10);
    });

    it('a bare URL tries streamable HTTP, then falls back to SSE', async () => {
      const viaHttp = await probeServer(spec('auto-http', { transport: 'auto', url: http.url }), options);
      const viaSse = await probeServer(spec('auto-sse', { transport: 'auto', url: sse.url }), options);
      expect([viaHttp.health, viaHttp.transport]).toEqual(['healthy', 'http']);
      expect([viaSse.health, viaSse.transport]).toEqual(['healthy', 'sse']);
    });
  });
});

describe('misbehaving servers', () => {
  it('follows pagination cursors to the exact counts', async () => {
    const r = await probeServer(fixture('paginated.mjs', marker), options);
    expect(r.health).toBe('healthy');
    expect(r.counts).toEqual({ tools: 25, resources: 12, resourceTemplates: 3, prompts: 7 });
    expect(new Set(r.tools.map((t) => t.name)).size).toBe(25);
  });

  it('a list that fails degrades the server and says which; the other lists still count', async () => {
    const r = await probeServer(
      fixture('paginated.mjs', marker, { PAGINATED_FAIL: 'prompts/list:-32603' }),
      options,
    );
    expect(r.health).toBe('degraded');
    expect(r.reason).toBe('prompts/list failed: MCP error -32603: prompts/list is broken here');
    expect(r.counts).toEqual({ tools: 25, resources: 12, resourceTemplates: 3, prompts: 0 });
  });

  it('resources without templates/list (older servers) is healthy', async () => {
    const r = await probeServer(
      fixture('paginated.mjs', marker, { PAGINATED_FAIL: 'resources/templates/list:-32601' }),
      options,
    );
    expect(r.health).toBe('healthy');
    expect(r.counts.resourceTemplates).toBe(0);
  });

  it('pagination that never ends is cut short and reported', async () => {
    const r = await probeServer(fixture('paginated.mjs', marker, { PAGINATED_LOOP: '1' }), options);
    expect(r.health).toBe('degraded');
    expect(r.reason).toBe('tools/list repeated a cursor after 2 pages');
  });

  it('a server that crashes at start: failed, exit code and stderr tail', async () => {
    const r = await probeServer(fixture('crash-at-start.mjs', marker), options);
    expect(r.health).toBe('failed');
    expect(r.reason).toMatch(/^exited with code 3 during initialize: .*fatal: cannot open database/);
  });

  it('a server that echoes its env values to stderr: the report shows them redacted', async () => {
    const r = await probeServer(
      fixture('crash-at-start.mjs', marker, { API_TOKEN: 'tok-123456789' }),
      options,
    );
    expect(r.reason).toContain('connecting with token [redacted]');
    expect(JSON.stringify(r)).not.toContain('tok-123456789');
  });

  it('a command that does not exist', async () => {
    const r = await probeServer(
      spec('ghost', { transport: 'stdio', command: 'mcp-discovery-no-such-command' }),
      options,
    );
    expect(r.health).toBe('failed');
    expect(r.reason).toContain('command not found: mcp-discovery-no-such-command');
  });

  it('a server that never answers initialize: timed out, and its whole process tree is ended', async () => {
    const own = newMarker();
    const r = await probeServer(fixture('never-initialize.mjs', own), { ...options, timeoutMs: 1_500 });
    expect(r.health).toBe('failed');
    expect(r.reason).toBe('timed out after 1500 ms during initialize');
    expect(leftoverProcesses(own)).toEqual([]);
  });

  it('a server that prints garbage to stdout: the reason quotes it', async () => {
    const r = await probeServer(fixture('garbage-stdout.mjs', marker), { ...options, timeoutMs: 1_500 });
    expect(r.health).toBe('failed');
    expect(r.reason).toMatch(
      /timed out after 1500 ms during initialize \(stdout had non-protocol output: ".+"\)/,
    );
  });

  it('a server that logs one line on stdout and then works is healthy', async () => {
    const r = await probeServer(fixture('noisy-then-ok.mjs', marker), options);
    expect(r.health).toBe('healthy');
    expect(r.counts.tools).toBe(2);
  });

  it('a server that exits in the middle of tools/list', async () => {
    const r = await probeServer(fixture('exit-mid-list.mjs', marker), options);
    expect(r.health).toBe('failed');
    expect(r.reason).toMatch(/^exited with code 1 during tools\/list: .*panic: list failed/);
  });

  it('a slow server is degraded, with the reason', async () => {
    const r = await probeServer(fixture('slow-start.mjs', marker, { SLOW_START_MS: '600' }), {
      ...options,
      slowMs: 300,
    });
    expect(r.health).toBe('degraded');
    expect(r.reason).toMatch(/^slow: \d+ ms > 300 ms$/);
    expect(r.counts).toEqual({ tools: 3, resources: 1, resourceTemplates: 0, prompts: 1 });
  });

  it('HTTP 401 is unauthorized, and header values stay out of the report', async () => {
    const server = await startHttp(join(FIXTURE_SERVERS, 'http-auth.mjs'), [], /listening/, '/mcp');
    try {
      const r = await probeServer(
        spec('locked', {
          transport: 'http',
          url: server.url,
          headers: { Authorization: 'Bearer s3cret-token' },
        }),
        options,
      );
      expect(r.health).toBe('unauthorized');
      expect(r.reason).toContain('HTTP 401');
      expect(r.headerKeys).toEqual(['Authorization']);
      expect(JSON.stringify(r)).not.toContain('s3cret-token');
    } finally {
      await server.stop();
    }
  });

  it('connection refused', async () => {
    const port = await freePort();
    const r = await probeServer(
      spec('closed', { transport: 'http', url: `http://127.0.0.1:${port}/mcp` }),
      options,
    );
    expect(r.health).toBe('failed');
    expect(r.reason).toBe('connection refused during initialize');
  });

  it('an entry that needs input is reported, not probed', async () => {
    const r = await probeServer(
      spec('needs', { transport: 'stdio', command: 'never-run' }, ['input:api-key']),
      options,
    );
    expect(r.health).toBe('needs-input');
    expect(r.reason).toBe('needs input: input:api-key');
  });

  it('leaves no child process behind', () => {
    expect(leftoverProcesses(marker)).toEqual([]);
  });
});
