import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogSearch } from '../../src/catalog-search.js';
import { importCatalogFile } from '../../src/import-catalog.js';
import type { ResolvedSettings } from '../../src/settings/index.js';
import { testSettings } from '../helpers/settings.js';
import { installTestTelemetry, type TestTelemetry } from '../helpers/telemetry.js';

let otel: TestTelemetry;
let dir: string;

function settings(extra: Record<string, unknown> = {}): ResolvedSettings {
  return testSettings({ cwd: dir, flags: { dataDir: join(dir, 'data'), ...extra } });
}

beforeAll(async () => {
  otel = installTestTelemetry();
  dir = mkdtempSync(join(tmpdir(), 'mcp-discovery-catalog-search-'));
  const tools = join(dir, 'tools.jsonl');
  const line = (server: string, name: string, description: string) =>
    JSON.stringify({ server, name, description });
  writeFileSync(
    tools,
    [
      line('postgres', 'run_query', 'Run a read-only SQL query against the database'),
      line('files', 'read_file', 'Read the contents of a file'),
      line('mail', 'send_email', 'Send an email message to a recipient'),
    ].join('\n'),
  );
  await importCatalogFile(settings(), tools);
});
afterAll(async () => {
  await otel.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('CatalogSearch', () => {
  it('traces each search without the query text, times it as a request, and counts cache lookups', async () => {
    const catalog = await CatalogSearch.open(settings());
    try {
      otel.reset();
      const first = catalog.search({ query: 'send an email to alice' });
      const second = catalog.search({ query: 'send an email to alice' });
      expect(first.hits[0]?.id).toBe('mail/send_email');
      expect([first.cached, second.cached]).toEqual([false, true]);

      const spans = otel.spans().filter((s) => s.name === 'mcp_discovery.search');
      expect(spans).toHaveLength(2);
      expect(spans[0]?.attributes).toMatchObject({
        'mcp_discovery.search.query.length': 'send an email to alice'.length,
        'mcp_discovery.search.result.count': first.hits.length,
        'mcp_discovery.cache.hit': false,
      });
      expect(spans[1]?.attributes['mcp_discovery.cache.hit']).toBe(true);
      expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('alice');

      const ops = await otel.points('mcp_discovery.operation.seconds');
      const search = ops.find((p) => p.attributes.operation === 'search');
      expect(search?.attributes).toEqual({ operation: 'search', kind: 'request', outcome: 'success' });
      expect((search?.value as Histogram | undefined)?.count).toBe(2);
      const lookups = await otel.points('mcp_discovery.cache.requests');
      const bySearch = Object.fromEntries(
        lookups.filter((p) => p.attributes.cache === 'search').map((p) => [p.attributes.result, p.value]),
      );
      expect(bySearch).toEqual({ hit: 1, miss: 1 });
    } finally {
      await catalog.close();
    }
  });

  it('puts the query on the span only when search.recordQuery allows it', async () => {
    const catalog = await CatalogSearch.open(settings({ search: { recordQuery: true } }));
    try {
      otel.reset();
      catalog.search({ query: 'read a file for bob' });
      const span = otel.spans().find((s) => s.name === 'mcp_discovery.search');
      expect(span?.attributes['mcp_discovery.search.query.text']).toBe('read a file for bob');
    } finally {
      await catalog.close();
    }
  });
});
