import { describe, expect, it } from 'vitest';
import { parseGlossary } from '../../src/search/glossary.js';
import { reference, tokenize } from '../../src/search/index.js';

describe('tokenize', () => {
  it('splits snake_case, camelCase, kebab-case and acronyms', () => {
    expect(tokenize('get_weather_by_city')).toEqual(['weather', 'citi']);
    expect(tokenize('npmVulnerabilities')).toEqual(['npm', 'vulner']);
    expect(tokenize('get-stock-price')).toEqual(['stock', 'price']);
    expect(tokenize('HTMLToText')).toEqual(['html', 'text']);
  });

  it('stems with Porter2, so inflections meet', () => {
    expect(tokenize('tracking')).toEqual(tokenize('track'));
    expect(tokenize('repositories')).toEqual(tokenize('repository'));
    expect(tokenize('generated')).toEqual(tokenize('generate'));
  });

  it('drops stop words and task filler', () => {
    expect(tokenize('Please help me to find the files that I want using the tool')).toEqual([
      'find',
      'file',
      'tool',
    ]);
  });

  it('turns Han text into character bigrams', () => {
    expect(tokenize('搜索关键词')).toEqual(['搜索', '索关', '关键', '键词']);
    expect(tokenize('天气 API')).toEqual(['天气', 'api']);
  });
});

describe('glossary', () => {
  it('parses rows and splits their terms on demand', () => {
    const g = parseGlossary('天气\tweather forecast\n搜索\tsearch\n');
    expect(g.size).toBe(2);
    expect(g.get('天气')).toEqual(['weather', 'forecast']);
    expect(g.has('新闻')).toBe(false);
  });
});

describe('reference', () => {
  it('names tools, prompts and resources the way they are used', () => {
    expect(reference({ kind: 'tool', server: 'git', name: 'git_log' })).toBe('git/git_log');
    expect(reference({ kind: 'prompt', server: 'everything', name: 'simple_prompt' })).toBe(
      '/mcp__everything__simple_prompt',
    );
    expect(reference({ kind: 'resource', server: 'fs', name: 'readme', uri: 'file:///README.md' })).toBe(
      '@fs:file:///README.md',
    );
  });
});
