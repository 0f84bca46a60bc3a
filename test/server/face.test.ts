import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TracedTransport } from '../../src/discovery/traced-transport.js';
import { Hub } from '../../src/server/hub.js';
import { connectSession } from '../../src/server/mcp.js';
import { withSpan } from '../../src/telemetry/index.js';
import { CLI } from '../cli/cli.js';
import { EVERYTHING, FILESYSTEM, FIXTURE_SERVERS, leftoverProcesses, newMarker } from '../helpers/servers.js';
import { testSettings } from '../helpers/settings.js';
import { installTestTelemetry, type TestTelemetry } from '../helpers/telemetry.js';

const marker = newMarker();
let dir: string;
let files: string;
let config: string;
let otel: TestTelemetry;
let hub: Hub;
let client: Client;

type Structured<T> = {
  structuredContent: T;
  isError?: boolean;
  content: Array<{ type: string; text: string }>;
};
const call = async <T = Record<string, unknown>>(name: string, args: Record<string, unknown> = {}) =>
  (await client.callTool({ name, arguments: args })) as unknown as Structured<T>;

beforeAll(async () => {
  otel = installTestTelemetry();
  dir = mkdtempSync(join(tmpdir(), 'mcp-discovery-face-'));
  files = join(dir, 'files');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(files);
  writeFileSync(join(files, 'hello.txt'), 'hello from the filesystem server\n');
  config = join(dir, 'servers.json');
  writeFileSync(
    config,
    JSON.stringify({
      mcpServers: {
        everything: { command: process.execPath, args: [EVERYTHING, 'stdio', marker] },
        filesystem: { command: process.execPath, args: [FILESYSTEM, files, marker] },
        flaky: { command: process.execPath, args: [join(FIXTURE_SERVERS, 'flaky-tools.mjs'), marker] },
        changing: { command: process.execPath, args: [join(FIXTURE_SERVERS, 'changing-tools.mjs'), marker] },
      },
    }),
  );
  const settings = testSettings({
    cwd: dir,
    flags: {
      dataDir: join(dir, 'data'),
      discovery: { userConfigs: false },
      server: { callTimeoutMs: 1_500 },
    },
  });
  hub = await Hub.start({ settings, configFiles: [config] });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await connectSession(hub, serverSide, 'pipe');
  client = new Client({ name: 'test', version: '1' });
  await client.connect(new TracedTransport(clientSide, { networkTransport: 'pipe' }));
});

afterAll(async () => {
  await client?.close();
  await hub?.close();
  await otel.shutdown();
  expect(leftoverProcesses(marker)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

const textOf = (content: unknown) => String((content as { text?: unknown } | undefined)?.text);

/** A direct session to a server, to compare call_tool's results with. */
async function direct(command: string, args: string[]): Promise<Client> {
  const c = new Client({ name: 'direct', version: '1' });
  await c.connect(new StdioClientTransport({ command, args, stderr: 'ignore' }));
  return c;
}

describe('the MCP server face', () => {
  it('offers the gateway tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'analytics',
        'call_tool',
        'get_tool',
        'list_servers',
        'refresh',
        'search_tools',
        'suggest_prompts',
        'suggest_workflow',
        'suggest_resources',
      ].sort(),
    );
    expect(tools.every((t) => (t.description ?? '').length > 40)).toBe(true);
  });

  it('search_tools ranks the right tool with a parameter summary and a reason', async () => {
    const r = await call<{
      results: Array<{ server: string; name: string; parameters: string; reason: string }>;
    }>('search_tools', {
      query: 'read the text of a file',
      limit: 5,
    });
    const top = r.structuredContent.results.slice(0, 3).map((h) => `${h.server}/${h.name}`);
    expect(top).toContain('filesystem/read_text_file');
    const read = r.structuredContent.results.find((h) => h.name === 'read_text_file');
    expect(read?.parameters).toMatch(/path \(string, required\)/);
    expect(read?.reason.length).toBeGreaterThan(0);
  });

  it('get_tool gives the full definition; an unknown tool is a tool error', async () => {
    const r = await call<{ inputSchema: { properties: Record<string, unknown> } }>('get_tool', {
      server: 'everything',
      name: 'echo',
    });
    expect(Object.keys(r.structuredContent.inputSchema.properties)).toEqual(['message']);
    const missing = await call('get_tool', { server: 'everything', name: 'nope' });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]?.text).toContain('no tool "nope" on server "everything"');
  });

  it('call_tool returns exactly what a direct call returns (server-everything and server-filesystem)', async () => {
    const everything = await direct(process.execPath, [EVERYTHING, 'stdio', marker]);
    const filesystem = await direct(process.execPath, [FILESYSTEM, files, marker]);
    try {
      const viaUs = await call('call_tool', {
        server: 'everything',
        name: 'echo',
        arguments: { message: 'hi' },
      });
      expect(viaUs).toEqual(await everything.callTool({ name: 'echo', arguments: { message: 'hi' } }));
      const path = join(files, 'hello.txt');
      const read = await call('call_tool', {
        server: 'filesystem',
        name: 'read_text_file',
        arguments: { path },
      });
      expect(read).toEqual(await filesystem.callTool({ name: 'read_text_file', arguments: { path } }));
      expect(JSON.stringify(read)).toContain('hello from the filesystem server');
    } finally {
      await everything.close();
      await filesystem.close();
    }
  });

  it('call_tool: bad arguments, unknown tool, upstream timeout and upstream crash are tool errors, and serving goes on', async () => {
    const invalid = await call('call_tool', { server: 'everything' });
    expect(invalid.isError).toBe(true);
    expect(invalid.content[0]?.text).toMatch(/name/);
    const unknown = await call('call_tool', { server: 'everything', name: 'nope' });
    expect(unknown.content[0]?.text).toContain('no tool "nope" on server "everything"');
    const hang = await call('call_tool', { server: 'flaky', name: 'hang' });
    expect([hang.isError, hang.content[0]?.text]).toEqual([true, expect.stringMatching(/timed out/i)]);
    const die = await call('call_tool', { server: 'flaky', name: 'die' });
    expect([die.isError, die.content[0]?.text]).toEqual([
      true,
      expect.stringMatching(/calling flaky\/die failed: .*closed/i),
    ]);
    const again = await call('call_tool', {
      server: 'flaky',
      name: 'echo',
      arguments: { text: 'still here' },
    });
    expect(again.content[0]?.text).toBe('echo: still here');
  });

  it('suggest_resources and suggest_prompts use only what servers listed', async () => {
    const res = await call<{ resources: Array<{ reference: string; uri: string }> }>('suggest_resources', {
      task: 'a resource',
    });
    expect(res.structuredContent.resources.length).toBeGreaterThan(0);
    for (const r of res.structuredContent.resources) expect(r.reference).toBe(`@everything:${r.uri}`);
    const known = new Set(hub.catalog.catalog.entries.map((e) => e.uri));
    expect(res.structuredContent.resources.every((r) => known.has(r.uri))).toBe(true);
    const prompts = await call<{ prompts: Array<{ command: string }> }>('suggest_prompts', {
      task: 'a prompt with arguments',
    });
    expect(prompts.structuredContent.prompts[0]?.command).toMatch(/^\/mcp__everything__/);
  });

  it('list_servers, analytics and the catalog resources', async () => {
    const servers = await call<{ servers: Array<{ name: string; health: string; tools: number }> }>(
      'list_servers',
    );
    expect(servers.structuredContent.servers.map((s) => s.name).sort()).toEqual([
      'changing',
      'everything',
      'filesystem',
      'flaky',
    ]);
    const stats = await call<{ servers: { total: number }; catalog: { tools: number } }>('analytics');
    expect(stats.structuredContent.servers.total).toBe(4);
    expect(stats.structuredContent.catalog.tools).toBeGreaterThan(20);
    const all = await client.readResource({ uri: 'mcp-discovery://servers' });
    expect(JSON.parse(textOf(all.contents[0])).servers).toHaveLength(4);
    const echo = await client.readResource({ uri: 'mcp-discovery://tools/everything/echo' });
    expect(JSON.parse(textOf(echo.contents[0])).name).toBe('echo');
  });

  it('follows notifications/tools/list_changed from a live server', async () => {
    await vi.waitFor(() => expect(hub.catalog.entry('changing', 'added_later')).toBeDefined(), {
      timeout: 15_000,
      interval: 50,
    });
    const r = await call<{ results: Array<{ name: string }> }>('search_tools', {
      query: 'added_later',
      server: 'changing',
    });
    expect(r.structuredContent.results[0]?.name).toBe('added_later');
  });

  it('refresh probes again and reports changes; an unknown server is a tool error', async () => {
    const r = await call<{ added: string[]; removed: string[] }>('refresh', { server: 'everything' });
    expect(r.structuredContent).toMatchObject({ added: [], removed: [] });
    const unknown = await call('refresh', { server: 'nope' });
    expect(unknown.content[0]?.text).toContain('unknown server "nope"');
  });

  it('traces our SERVER span under the caller and the upstream CLIENT span under ours', async () => {
    otel.reset();
    await withSpan('agent', {}, () =>
      client.callTool({
        name: 'call_tool',
        arguments: { server: 'everything', name: 'echo', arguments: { message: 'x' } },
      }),
    );
    const spans = otel.spans();
    const clientSpan = spans.find((s) => s.name === 'tools/call call_tool' && s.kind === SpanKind.CLIENT);
    const serverSpan = spans.find((s) => s.name === 'tools/call call_tool' && s.kind === SpanKind.SERVER);
    const upstream = spans.find((s) => s.name === 'tools/call echo' && s.kind === SpanKind.CLIENT);
    expect(serverSpan?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId);
    expect(serverSpan?.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'call_tool',
    });
    expect(upstream?.parentSpanContext?.spanId).toBe(serverSpan?.spanContext().spanId);
    expect(upstream?.spanContext().traceId).toBe(clientSpan?.spanContext().traceId);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('"x"');
  });
});

describe('serve --stdio', () => {
  it('answers an SDK client over stdio and ends its children when the client goes', async () => {
    const own = newMarker();
    const cfg = join(dir, 'stdio.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio', own] } },
      }),
    );
    const c = new Client({ name: 'stdio-test', version: '1' });
    await c.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          CLI,
          '--data-dir',
          join(dir, 'stdio-data'),
          'serve',
          '--stdio',
          '--config',
          cfg,
          '--no-user-configs',
        ],
        env: { PATH: process.env.PATH ?? '', HOME: dir, OTEL_SDK_DISABLED: 'true' },
        stderr: 'ignore',
      }),
    );
    const r = (await c.callTool({
      name: 'call_tool',
      arguments: { server: 'everything', name: 'echo', arguments: { message: 'via stdio' } },
    })) as Structured<unknown>;
    expect(r.content[0]?.text).toBe('Echo: via stdio');
    await c.close();
    await vi.waitFor(() => expect(leftoverProcesses(own)).toEqual([]), { timeout: 10_000, interval: 50 });
  });
});
