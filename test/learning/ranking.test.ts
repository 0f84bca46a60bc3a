import { describe, expect, it } from 'vitest';
import { CatalogSearch } from '../../src/catalog-search.js';
import { learn } from '../../src/learning/model.js';
import { usagePriors } from '../../src/learning/priors.js';
import { SettingsSchema } from '../../src/settings/index.js';
import type { Catalog } from '../../src/store/index.js';
import { call, NOW } from './helpers.js';

const settings = { ...SettingsSchema.parse({}), dataDir: '/nonexistent' };

const tool = (server: string, name: string, description: string) => ({
  kind: 'tool' as const,
  server,
  name,
  description,
  inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
});

// Two chat servers that fit "send a message" equally well: without usage the tie keeps catalog order.
const catalog: Catalog = {
  version: 1,
  servers: ['slack', 'teams', 'files'].map((name) => ({ name, origin: 'imported' as const })),
  entries: [
    tool('slack', 'post_message', 'Send a message to a team channel'),
    tool('teams', 'post_message', 'Send a message to a team chat'),
    tool('files', 'read_file', 'Read a file from disk'),
  ],
};

const QUERY = 'send a message';

function ranked(usage?: ReturnType<typeof priorsFrom>) {
  return CatalogSearch.build(catalog, settings, undefined, usage)
    .search({ query: QUERY })
    .hits.map((h) => [h.id, h.score]);
}

function priorsFrom(events: ReturnType<typeof call>) {
  const { stats } = learn(events, [], { nowMs: NOW, halfLifeDays: 30, minPatternSupport: 2 });
  return { priors: usagePriors(stats), stamp: String(events.length) };
}

const repeat = (n: number, f: () => ReturnType<typeof call>) => Array.from({ length: n }, f).flat();

describe('usage-aware ranking', () => {
  it('ranks exactly as without priors when there is no usage data', () => {
    const plain = ranked();
    expect(plain.map(([id]) => id)).toEqual(['slack/post_message', 'teams/post_message']);
    expect(plain[0]?.[1]).toBe(plain[1]?.[1]);
    expect(ranked(priorsFrom([]))).toEqual(plain);
    // Usage of an unrelated tool moves nothing either.
    expect(ranked(priorsFrom(repeat(10, () => call('s', 'mcp__files__read_file'))))).toEqual(plain);
  });

  it('moves a tool with a strong success record up for an ambiguous query', () => {
    const usage = priorsFrom(repeat(10, () => call('s', 'mcp__teams__post_message')));
    expect(ranked(usage).map(([id]) => id)).toEqual(['teams/post_message', 'slack/post_message']);
  });

  it('moves a failing tool down', () => {
    const plain = new Map(ranked() as [string, number][]);
    const usage = priorsFrom(repeat(10, () => call('s', 'mcp__slack__post_message', 'failure')));
    const after = ranked(usage);
    expect(after.map(([id]) => id)).toEqual(['teams/post_message', 'slack/post_message']);
    expect(new Map(after as [string, number][]).get('slack/post_message')).toBeLessThan(
      plain.get('slack/post_message') as number,
    );
  });
});
