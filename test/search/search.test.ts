import { describe, expect, it } from 'vitest';
import { buildSearchIndex, parseGlossary } from '../../src/search/index.js';
import type { Catalog, CatalogEntry, CatalogServer } from '../../src/store/catalog.js';

const tool = (
  server: string,
  name: string,
  description: string,
  properties: Record<string, string> = {},
): CatalogEntry => ({
  kind: 'tool',
  server,
  name,
  description,
  inputSchema: {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(properties).map(([k, d]) => [k, { type: 'string', description: d }]),
    ),
  },
});

const server = (name: string, description: string): CatalogServer => ({
  name,
  description,
  origin: 'imported',
});

const catalog: Catalog = {
  version: 1,
  servers: [
    server('files', 'Read and write files on the local disk.'),
    server('music', 'Audio analysis of songs: tempo, beats and spectral features with librosa.'),
    server('postgres', 'Query a PostgreSQL database with SQL.'),
    server('weather', '天气预报服务'),
  ],
  entries: [
    tool('files', 'read_file', 'Read the complete contents of a file from disk.', {
      path: 'Path of the file',
    }),
    tool('files', 'write_file', 'Create a new file or overwrite a file with new content.', {
      path: 'Where to write',
    }),
    tool('files', 'open_config', 'Open the config and read the config values; read config, open config.'),
    tool('music', 'load', 'Load an audio file.', { file: 'Path of the audio' }),
    tool('music', 'beat_track', 'Estimate beat positions of audio.'),
    tool(
      'music',
      'track_beats_tracking',
      'Beat tracking: beats, beat tracking and tracking of the beat in audio tracks.',
    ),
    tool('postgres', 'run_query', 'Run a read-only SQL query against the database.', {
      sql: 'The SQL statement',
    }),
    tool('weather', 'get_forecast', '获取指定城市的天气预报', { city: '城市名称' }),
    {
      kind: 'resource',
      server: 'files',
      name: 'changelog',
      uri: 'file:///project/CHANGELOG.md',
      description: 'Release notes',
    },
    {
      kind: 'prompt',
      server: 'postgres',
      name: 'explain_plan',
      description: 'Explain a query plan',
      arguments: [{ name: 'statement', description: 'The SQL statement to explain' }],
    },
  ],
};

const ids = (hits: Array<{ id: string }>) => hits.map((h) => h.id);

describe('search', () => {
  const index = buildSearchIndex(catalog);

  /** The first hit wins only by its name bonus: without it, the second would rank above it. */
  const winsByName = (query: string, id: string) => {
    const [first, second] = index.search(query, { limit: 2, explain: true });
    expect(first?.id).toBe(id);
    const bonus = first?.explain?.signals.exact_name ?? 0;
    expect((first?.score ?? 0) - bonus).toBeLessThan(second?.score ?? 0);
  };

  it('ranks a tool first when its name is written in the query', () => {
    winsByName('use read_file to open config and read config values', 'files/read_file');
  });

  it('ranks a tool whose name words appear as a phrase first', () => {
    winsByName('beat tracking', 'music/beat_track');
  });

  it('finds tools of a server that fits the task even when their own text does not match', () => {
    const hit = index.search('analyse the tempo and spectral features of a song', {
      limit: 5,
      explain: true,
    });
    const load = hit.find((h) => h.id === 'music/load');
    expect(Object.values(load?.explain?.fields ?? { none: 0 }).every((v) => v === 0)).toBe(true);
    expect(load?.explain?.signals.server_fit).toBeGreaterThan(0);
  });

  it("judges a server's fit by the task's own words, not by their expansions", () => {
    // 'retrieve' is in no text here; its expansions ('read', 'load', 'open') are, in the servers' text too.
    const hits = index.search('retrieve', { explain: true });
    expect(ids(hits)).toContain('files/read_file');
    for (const h of hits) expect(h.explain?.signals.server_fit).toBe(0);
  });

  it('filters by kind, server and category', () => {
    expect(ids(index.search('changelog release notes', { kind: 'resource' }))).toEqual([
      'files/resource:file:///project/CHANGELOG.md',
    ]);
    expect(ids(index.search('sql statement', { kind: ['prompt'] }))).toEqual([
      'postgres/prompt:explain_plan',
    ]);
    expect(index.search('file', { server: 'music' }).every((h) => h.entry.server === 'music')).toBe(true);
    const db = index.search('query', { category: 'database' });
    expect(db.length).toBeGreaterThan(0);
    expect(db.every((h) => h.category === 'database')).toBe(true);
  });

  it('explains a score as field and signal shares that add up to it', () => {
    for (const hit of index.search('read the sql database file', { explain: true })) {
      const parts = [
        ...Object.values(hit.explain?.fields ?? {}),
        ...Object.values(hit.explain?.signals ?? {}),
      ];
      expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(hit.score, 6);
    }
  });

  it('gives a reason naming the matched words and where they matched', () => {
    const hit = index.search('run an sql query', { limit: 1 })[0];
    expect(hit?.reason).toMatch(/matches .*'sql'.* in /);
  });

  it('returns nothing for an empty or blank query', () => {
    expect(index.search('')).toEqual([]);
    expect(index.search('   \n\t ')).toEqual([]);
  });

  it('reads only the first MAX_QUERY_TERMS distinct terms of a huge query', () => {
    const filler = Array.from({ length: 20_000 }, (_, i) => `w${i}`).join(' ');
    expect(filler.length).toBeGreaterThan(100_000);
    expect(ids(index.search(`database ${filler}`, { limit: 3 }))).toContain('postgres/run_query');
    expect(ids(index.search(`${filler} database`, { limit: 3 }))).not.toContain('postgres/run_query');
  });
});

describe('Chinese text', () => {
  const glossary = parseGlossary('天气\tweather\n预报\tforecast\n城市\tciti\n');

  it('matches a Chinese description from a Chinese query by character bigrams', () => {
    expect(buildSearchIndex(catalog).search('天气预报', { limit: 1 })[0]?.id).toBe('weather/get_forecast');
  });

  it('matches a Chinese description from an English query through the glossary', () => {
    const query = 'what will the weather be in each city';
    const withGlossary = buildSearchIndex(catalog, { glossary }).search(query, {
      explain: true,
      limit: 1,
    })[0];
    expect(withGlossary?.id).toBe('weather/get_forecast');
    expect(withGlossary?.explain?.fields.translated).toBeGreaterThan(0);
    expect(withGlossary?.reason).toMatch(/'weather'[^;]* in translated/);
    const without = buildSearchIndex(catalog)
      .search(query, { explain: true })
      .find((h) => h.id === 'weather/get_forecast');
    expect(without?.explain?.fields.translated ?? 0).toBe(0);
  });
});

describe('usage priors', () => {
  const twins: Catalog = {
    version: 1,
    servers: [],
    entries: [
      tool('a', 'send_message', 'Send a chat message.'),
      tool('b', 'send_message', 'Send a chat message.'),
    ],
  };
  const query = 'send a chat message to the team';

  it('moves a tool with a good record up and one with a bad record down', () => {
    const base = ids(buildSearchIndex(twins).search(query));
    expect(base).toEqual(['a/send_message', 'b/send_message']);
    const good = buildSearchIndex(twins, {
      priorWeight: 0.5,
      priors: (id) => (id === 'b/send_message' ? 1 : undefined),
    });
    expect(ids(good.search(query))[0]).toBe('b/send_message');
    const bad = buildSearchIndex(twins, {
      priorWeight: 0.5,
      priors: (id) => (id === 'a/send_message' ? -1 : undefined),
    });
    expect(ids(bad.search(query))[0]).toBe('b/send_message');
  });

  it('changes nothing for tools with no usage data', () => {
    const plain = buildSearchIndex(catalog).search('read the sql database file');
    const noData = buildSearchIndex(catalog, { priorWeight: 1, priors: () => undefined }).search(
      'read the sql database file',
    );
    expect(noData.map((h) => [h.id, h.score])).toEqual(plain.map((h) => [h.id, h.score]));
  });
});
