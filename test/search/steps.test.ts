import { describe, expect, it } from 'vitest';
import { buildSearchIndex } from '../../src/search/index.js';
import { impliedSteps } from '../../src/search/steps.js';
import type { Catalog, CatalogEntry } from '../../src/store/catalog.js';

describe('impliedSteps', () => {
  it('reads what the task does with a path from the verb before it', () => {
    expect(impliedSteps('Summarise the news and save it as Markdown to /root/notes/news.md.')).toEqual([
      'write file',
    ]);
    expect(impliedSteps('Read the data under /data/people.xlsx and tell me the mean age')).toEqual([
      'read file',
    ]);
    expect(impliedSteps('Compare C:\\logs\\a.txt and write a report to ~/out/diff.txt')).toEqual([
      'read file',
      'write file',
    ]);
  });

  it('takes a path without a file name, or one followed by "folder", for a folder', () => {
    expect(impliedSteps('What files are in my /root/music folder?')).toEqual(['list directory files']);
    expect(impliedSteps('Read every paper in ./papers/')).toEqual(['list directory files']);
  });

  it('takes dates relative to today as a need for the current date', () => {
    for (const q of ['trains to Shanghai next Wednesday', 'BTC over the last 24h', 'hotels for tomorrow'])
      expect(impliedSteps(q)).toEqual(['current date time']);
  });

  it('implies nothing for a plain task, a URL or a fraction', () => {
    for (const q of ['weather in Paris', 'open https://example.org/a/b.html', 'what is 3/4 of 12', ''])
      expect(impliedSteps(q)).toEqual([]);
  });
});

const tool = (server: string, name: string, description: string): CatalogEntry => ({
  kind: 'tool',
  server,
  name,
  description,
});

/**
 * Many tools about reports in Markdown files, one that writes files: the task's words favour the others, and
 * "put" is no synonym of "write" in the lexicon, so only the implied step can lift `write_file`.
 */
const catalog: Catalog = {
  version: 1,
  servers: [],
  entries: [
    tool('files', 'write_file', 'Create a new file or overwrite an existing one.'),
    tool('files', 'read_file', 'Read a file from disk.'),
    ...['summary', 'digest', 'outline', 'brief', 'overview', 'abstract', 'recap', 'synopsis', 'review'].map(
      (kind) => tool('docs', `${kind}_to_markdown`, `Generate a research ${kind} report as a Markdown file.`),
    ),
    tool('docs', 'research_notes', 'Research notes in Markdown for a report.'),
  ],
};

describe('search with implied steps', () => {
  const index = buildSearchIndex(catalog);
  const query = 'Generate a research summary report as Markdown and put it in /root/out/report.md';

  it('lifts the best tool for an implied step into the first five, and says why', () => {
    const hits = index.search(query, { limit: 10, explain: true });
    const at = hits.findIndex((h) => h.id === 'files/write_file');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(5);
    const hit = hits[at];
    expect(hit?.explain?.signals.implied_step).toBeGreaterThan(0);
    expect(hit?.reason).toContain("a step the task implies ('write file')");
    const shares = Object.values(hit?.explain?.fields ?? {}).reduce((a, b) => a + b, 0);
    const signals = Object.values(hit?.explain?.signals ?? {}).reduce((a, b) => a + b, 0);
    expect(shares + signals).toBeCloseTo(hit?.score ?? 0, 6);
  });

  it('leaves the task’s own best match first and lifts nothing without a path', () => {
    expect(index.search(query, { limit: 1 })[0]?.entry.server).toBe('docs');
    const plain = index.search('Generate a research summary report as Markdown', {
      limit: 10,
      explain: true,
    });
    expect(plain.every((h) => (h.explain?.signals.implied_step ?? 0) === 0)).toBe(true);
  });

  it('keeps the filters: a step does not bring in an entry the filters exclude', () => {
    const hits = index.search(query, { limit: 10, server: 'docs' });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.entry.server === 'docs')).toBe(true);
  });
});
