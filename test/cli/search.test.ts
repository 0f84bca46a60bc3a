import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/servers.js';
import { runCli } from './cli.js';

const BENCH = join(ROOT, '../shared/bench/livemcpbench');
const hasBench = existsSync(join(BENCH, 'tools.jsonl'));

let home: string;
let env: Record<string, string>;
const inData = (dir: string) => (args: string[], options?: { cwd?: string }) =>
  runCli(['--data-dir', dir, ...args], env, options);

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'mcp-discovery-search-'));
  env = { HOME: home, XDG_CONFIG_HOME: join(home, 'config') };
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe.skipIf(!hasBench)('search over the imported benchmark catalog', () => {
  const cli = () => inData(join(home, 'bench'));

  beforeAll(async () => {
    const r = await cli()([
      'index',
      'import',
      join(BENCH, 'tools.jsonl'),
      '--servers',
      join(BENCH, 'servers.jsonl'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ entries: 527, servers: 70 });
  });

  it('importing the same file again changes nothing', async () => {
    const r = await cli()(['index', 'import', join(BENCH, 'tools.jsonl'), '--json']);
    const result = JSON.parse(r.stdout);
    expect([result.added.length, result.changed.length, result.removed.length]).toEqual([0, 0, 0]);
  });

  it('an exact tool name ranks that tool first', async () => {
    const r = await cli()(['search', 'bing_search', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).hits[0].id).toBe('bing-cn-mcp/bing_search');
  });

  it('ranks for a task, with a reason per hit, and --explain shows the parts of the score', async () => {
    const r = await cli()(['search', 'search the web for news about a company', '--limit', '5', '--explain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1\. \S+\/\S+ {2}\(tool · \w+\) {2}\d+\.\d\d$/m);
    expect(r.stdout).toMatch(/^ {3}why: .+/m);
    expect(r.stdout).toMatch(/^ {3}score: .+ \d+\.\d\d/m);
    expect(r.stdout.match(/^\d\. /gm)).toHaveLength(5);
  });

  it('filters by server and category', async () => {
    const byServer = JSON.parse(
      (await cli()(['search', 'search', '--server', 'bing-cn-mcp', '--json'])).stdout,
    );
    expect(byServer.hits.length).toBeGreaterThan(0);
    expect(byServer.hits.every((h: { entry: { server: string } }) => h.entry.server === 'bing-cn-mcp')).toBe(
      true,
    );
    const byCategory = JSON.parse(
      (await cli()(['search', 'query rows', '--category', 'database', '--json'])).stdout,
    );
    expect(byCategory.hits.every((h: { category: string }) => h.category === 'database')).toBe(true);
  });

  it('refuses an empty query, an unknown server and an unknown category with exit 2', async () => {
    const empty = await cli()(['search', '  ']);
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringContaining('give a task to search for')]);
    const server = await cli()(['search', 'x', '--server', 'nope']);
    expect([server.code, server.stderr]).toEqual([
      2,
      expect.stringContaining('unknown server "nope"; known servers: '),
    ]);
    const category = await cli()(['search', 'x', '--category', 'gardening']);
    expect(category.code).toBe(2);
    expect(category.stderr).toContain("argument 'gardening' is invalid");
    const huge = await cli()(['search', 'x'.repeat(20_000)]);
    expect([huge.code, huge.stderr]).toEqual([2, expect.stringContaining('the limit is 10000')]);
  });

  it('--batch writes one ranked line per query and reports bad lines by number', async () => {
    const file = join(home, 'queries.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ id: 'a', query: 'bing search' })}\nnot json\n${JSON.stringify({ id: 'b', query: 'write a word document' })}\n`,
    );
    const r = await cli()(['search', '--batch', file, '--limit', '3']);
    expect(r.code).toBe(1);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['a', 'b']);
    expect(lines[0].ranked).toHaveLength(3);
    expect(lines[0].ranked[0]).toBe('bing-cn-mcp/bing_search');
    expect(r.stderr).toContain('line 2: not valid JSON');
  });

  it('the second identical search is a cache hit, across processes; cache clear forgets it', async () => {
    await cli()(['cache', 'clear']);
    const first = JSON.parse((await cli()(['search', 'create a chart', '--json'])).stdout);
    const second = JSON.parse((await cli()(['search', 'create a chart', '--json'])).stdout);
    expect([first.cached, second.cached]).toEqual([false, true]);
    expect(second.hits).toEqual(first.hits);
    const stats = JSON.parse((await cli()(['cache', 'stats', '--json'])).stdout).caches[0];
    expect(stats).toMatchObject({ name: 'search', hits: 1, misses: 1, hitRate: 0.5, size: 1 });
    await cli()(['cache', 'clear']);
    const after = JSON.parse((await cli()(['search', 'create a chart', '--json'])).stdout);
    expect(after.cached).toBe(false);
  });

  it('a change to the index invalidates cached results', async () => {
    await cli()(['search', 'frobnicate the widget', '--json']);
    const extra = join(home, 'extra.jsonl');
    writeFileSync(
      extra,
      `${JSON.stringify({ server: 'widgets', name: 'frobnicate_widget', description: 'Frobnicate a widget' })}\n`,
    );
    await cli()(['index', 'import', extra]);
    const r = JSON.parse((await cli()(['search', 'frobnicate the widget', '--json'])).stdout);
    expect(r.cached).toBe(false);
    expect(r.hits[0].id).toBe('widgets/frobnicate_widget');
  });
});

describe('index import of a broken file', () => {
  it('loads the good lines and reports the bad ones with their line numbers', async () => {
    const file = join(home, 'broken.jsonl');
    const good = (name: string) => JSON.stringify({ server: 's', name, description: `does ${name}` });
    writeFileSync(file, `${good('one')}\n{"server": "s", "name": 7}\n${good('two')}\n{"server": "s", "na`);
    const r = await inData(join(home, 'broken'))(['index', 'import', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^imported 2 entries of 1 servers/m);
    expect(r.stdout).toMatch(/line 2: name: /);
    expect(r.stdout).toMatch(/line 4: /);
  });

  it('a missing file is a usage error naming it', async () => {
    const r = await inData(join(home, 'missing'))(['index', 'import', join(home, 'nope.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.jsonl: cannot read (ENOENT)');
  });
});

describe('search over servers discovered for real', () => {
  const cli = () => inData(join(home, 'demo'));

  beforeAll(async () => {
    const r = await cli()(['discover', '--config', 'examples/demo.mcp.json', '--no-user-configs'], {
      cwd: ROOT,
    });
    expect(r.code).toBe(0);
  });

  it('finds the filesystem tool for a file task, resources as @server:uri, prompts as slash commands', async () => {
    const tools = JSON.parse(
      (await cli()(['search', 'read the contents of a text file', '--kind', 'tool', '--json'])).stdout,
    );
    expect(tools.hits.slice(0, 3).map((h: { id: string }) => h.id)).toContain('filesystem/read_text_file');
    const resources = await cli()(['search', 'resource', '--kind', 'resource']);
    expect(resources.stdout).toMatch(/^ ?\d+\. @everything:\S+/m);
    const prompts = await cli()(['search', 'prompt with arguments', '--kind', 'prompt']);
    expect(prompts.stdout).toMatch(/^ ?\d+\. \/mcp__everything__\S+/m);
  });

  it('discover again reports no changes; the catalog has no duplicates', async () => {
    const r = await cli()(['discover', '--config', 'examples/demo.mcp.json', '--no-user-configs', '--json'], {
      cwd: ROOT,
    });
    const run = JSON.parse(r.stdout);
    expect(run.changes).toMatchObject({ added: [], removed: [], changed: [] });
  });
});
