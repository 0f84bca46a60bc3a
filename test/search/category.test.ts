import { describe, expect, it } from 'vitest';
import { CategorySchema, categorize } from '../../src/search/index.js';
import type { CatalogEntry } from '../../src/store/catalog.js';

const entry = (server: string, name: string, description = ''): CatalogEntry => ({
  kind: 'tool',
  server,
  name,
  description,
});

describe('categorize', () => {
  it.each([
    ['postgres', 'run_query', 'Run a SQL query against the database', 'database'],
    ['playwright', 'browser_click', 'Click an element on the page', 'web_automation'],
    ['filesystem', 'read_file', 'Read a file from disk', 'file_operations'],
    ['memory', 'create_entities', 'Add entities to the knowledge graph', 'memory_management'],
    ['http', 'call_endpoint', 'Send a request to a REST API endpoint', 'api_integration'],
    ['git', 'git_commit', 'Record changes to the repository', 'development'],
    ['charts', 'generate_bar_chart', 'Plot statistics as a bar chart', 'analytics'],
    ['slack', 'post_message', 'Send a message to a channel', 'communication'],
    ['misc', 'coin_flip', 'Flip a coin', 'other'],
  ] as const)('%s/%s is %s', (server, name, description, category) => {
    expect(categorize(entry(server, name, description))).toBe(category);
  });

  it('weighs the name above the description', () => {
    expect(categorize(entry('x', 'send_email', 'Reads the file and the database row to mail'))).toBe(
      'communication',
    );
  });

  it('uses the server title too', () => {
    expect(categorize(entry('x', 'run', ''), { name: 'x', title: 'Docker', origin: 'probed' })).toBe(
      'development',
    );
  });

  it('only returns members of the schema', () => {
    expect(CategorySchema.options).toContain(categorize(entry('a', 'b')));
  });
});
