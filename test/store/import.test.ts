import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSearchIndex, defaultTables } from '../../src/search/index.js';
import { type CatalogEntry, parseImportFile, parseServersFile } from '../../src/store/index.js';
import { ROOT } from '../helpers/servers.js';
import { BACKENDS, ids, report, run, tempStores, tool } from './helpers.js';

const BENCH = join(ROOT, '..', 'shared', 'bench', 'livemcpbench');
const line = (o: unknown) => JSON.stringify(o);
const schema = { type: 'object', properties: {} };

describe('parseImportFile', () => {
  it('loads the good lines and reports each bad one with its line number and field', () => {
    const text = [
      line({ id: 'a/one', server: 'a', name: 'one', description: 'first', inputSchema: schema }),
      '',
      line({ server: 'a', description: 'no name' }),
      line({ server: 'b', name: 7 }),
      line({ server: 'b', name: 'two', kind: 'prompt', title: 'Two' }),
      line({ server: 'a', name: 'one', description: 'again' }),
      '{"server": "b", "name": "half", "descr',
    ].join('\n');
    const { entries, problems } = parseImportFile(text);
    expect(entries).toEqual([
      { kind: 'tool', server: 'a', name: 'one', description: 'first', inputSchema: schema },
      { kind: 'prompt', server: 'b', name: 'two', title: 'Two', description: '' },
    ]);
    expect(problems.map((p) => `line ${p.line}: ${p.message}`)).toEqual([
      'line 3: name: expected string',
      'line 4: name: expected string',
      'line 6: a/one: already on line 1',
      expect.stringMatching(/^line 7: invalid JSON/),
    ]);
  });

  it('reads the JSON-array form, with line numbers of the elements and a half-written tail', () => {
    const text = `[\n${line({ server: 'a', name: 'one' })},\n${line({ server: 'a', name: '' })},\n{"server": "a", "name": "tw`;
    const { entries, problems } = parseImportFile(text);
    expect(entries.map((e) => e.name)).toEqual(['one']);
    expect(problems[0]).toEqual({ line: 3, message: 'name: must not be empty' });
    expect(problems[1]).toMatchObject({ line: 4, message: expect.stringMatching(/^invalid JSON/) });
  });

  it('reads a servers file of {server, title, description}', () => {
    const text = [
      line({ server: 'a', title: 'A', description: 'does a', category: 'x' }),
      line({ title: 'no name' }),
    ].join('\n');
    expect(parseServersFile(text)).toEqual({
      servers: [{ name: 'a', title: 'A', description: 'does a' }],
      problems: [{ line: 2, message: 'server: expected string' }],
    });
  });
});

describe.each(BACKENDS)('importCatalog (%s)', (backend) => {
  const t = tempStores(backend);

  it('marks servers imported, and removes only within servers present in the import', async () => {
    const store = await t.open(await t.location());
    await store.recordRun(run([report('probed', { tools: [tool('p')] })]));
    const first = await store.importCatalog(
      {
        servers: [{ name: 'a', title: 'Server A', description: 'does a' }],
        entries: [
          { kind: 'tool', server: 'a', name: 'x', description: '' },
          { kind: 'tool', server: 'b', name: 'y', description: '' },
        ],
      },
      'tools.jsonl',
    );
    expect(first).toMatchObject({ servers: 2, entries: 2, removed: [] });
    expect(first.added.map((c) => c.name)).toEqual(['x', 'y']);
    const second = await store.importCatalog(
      { servers: [], entries: [{ kind: 'tool', server: 'a', name: 'z', description: '' }] },
      'more.jsonl',
    );
    expect(second.removed).toEqual([{ server: 'a', kind: 'tool', name: 'x' }]);
    expect(await ids(store)).toEqual(['a/z', 'b/y', 'probed/p']);
    const { servers } = await store.catalog();
    expect(servers.find((s) => s.name === 'a')).toEqual({
      name: 'a',
      title: 'Server A',
      description: 'does a',
      origin: 'imported',
    });
    expect((await store.runs(1))[0]).toMatchObject({ kind: 'import', origin: 'more.jsonl' });
  });

  it.skipIf(!existsSync(BENCH))(
    'loads LiveMCPBench (527 tools over 70 servers); the same file again changes nothing',
    async () => {
      const { entries, problems } = parseImportFile(readFileSync(join(BENCH, 'tools.jsonl'), 'utf8'));
      const { servers } = parseServersFile(readFileSync(join(BENCH, 'servers.jsonl'), 'utf8'));
      expect(problems).toEqual([]);
      const db = await t.location();
      let store = await t.open(db);
      const first = await store.importCatalog({ servers, entries }, 'tools.jsonl');
      expect(first).toMatchObject({ servers: 70, entries: 527 });
      expect(first.added).toHaveLength(527);
      const catalog = await store.catalog();
      expect(catalog.entries).toHaveLength(527);
      expect(new Set(catalog.entries.map((e) => e.server)).size).toBe(70);
      await store.close();
      store = await t.open(db);
      const again = await store.importCatalog({ servers, entries }, 'tools.jsonl');
      expect(again).toMatchObject({ added: [], removed: [], changed: [] });
      expect(await store.version()).toBe(catalog.version);
    },
  );
});

describe('the same catalog from SQLite and PostgreSQL', () => {
  const lite = tempStores('sqlite');
  const shared = tempStores('postgres');

  it.skipIf(!existsSync(BENCH))(
    'the first 300 LiveMCPBench tools read back identically, key order included, and search ranks them the same',
    async () => {
      const head = readFileSync(join(BENCH, 'tools.jsonl'), 'utf8').split('\n').slice(0, 300).join('\n');
      const { entries, problems } = parseImportFile(head);
      const { servers } = parseServersFile(readFileSync(join(BENCH, 'servers.jsonl'), 'utf8'));
      expect(problems).toEqual([]);
      // Server names a locale orders unlike bytes (case, punctuation), and schema keys JSONB would reorder.
      const odd: CatalogEntry[] = ['Zeta', 'alpha', '_under', 'beta_1', 'beta-2', 'Ärger'].map((server) => ({
        kind: 'tool',
        server,
        name: 'probe',
        description: `probe ${server}`,
        inputSchema: {
          type: 'object',
          properties: { a_rather_long_name: { type: 'string' }, b: { type: 'number' } },
        },
      }));
      const input = { servers, entries: [...entries, ...odd] };
      const a = await lite.open(await lite.location());
      const b = await shared.open(await shared.location());
      const [fromA, fromB] = [
        await a.importCatalog(input, 'tools.jsonl'),
        await b.importCatalog(input, 'tools.jsonl'),
      ];
      expect(fromB.added).toEqual(fromA.added);
      const [ca, cb] = [await a.catalog(), await b.catalog()];
      expect(cb.entries).toHaveLength(306);
      expect(cb.entries.map((e) => JSON.stringify(e))).toEqual(ca.entries.map((e) => JSON.stringify(e)));
      expect(cb.servers.map((e) => JSON.stringify(e))).toEqual(ca.servers.map((e) => JSON.stringify(e)));
      const queries = readFileSync(join(BENCH, 'queries.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { query: string }).query);
      const [ia, ib] = [buildSearchIndex(ca, defaultTables()), buildSearchIndex(cb, defaultTables())];
      const ranked = (i: typeof ia, q: string) => i.search(q, { limit: 10 }).map((h) => `${h.id} ${h.score}`);
      for (const q of queries) expect(ranked(ib, q)).toEqual(ranked(ia, q));
    },
  );
});

if (!existsSync(BENCH)) console.warn(`skipping the LiveMCPBench import test: ${BENCH} is missing`);
