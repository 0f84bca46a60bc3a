/**
 * The learning on `store.backend: postgres` reads the events every machine's hook wrote into the shared database,
 * and learns exactly what it learns from SQLite for the same events; a running instance picks up new usage when a
 * hook announces it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PgCoordinator } from '../../src/cluster/postgres.js';
import { insertPgEvents, insertPgSuggestions } from '../../src/hooks/pg-record.js';
import { insertEvents, openHookDb } from '../../src/hooks/record.js';
import { usageSections } from '../../src/learning/analytics.js';
import { loadLearned, loadUsagePriors } from '../../src/learning/load.js';
import { observeLearning } from '../../src/learning/metrics.js';
import { reviewPatterns } from '../../src/learning/review.js';
import { learningSourceId } from '../../src/learning/source.js';
import { insertSuggestions } from '../../src/learning/store.js';
import { Hub } from '../../src/server/hub.js';
import type { ResolvedSettings } from '../../src/settings/index.js';
import { openStore } from '../../src/store/index.js';
import { migratePg } from '../../src/store/postgres/migrations.js';
import { createDatabase, pgEnv } from '../helpers/postgres.js';
import { testSettings } from '../helpers/settings.js';
import { installTestTelemetry, type TestTelemetry } from '../helpers/telemetry.js';
import { runHook, tempDirs } from '../hooks/helpers.js';
import { inSession } from '../hooks/pg-helpers.js';
import { usePostgres } from '../store/helpers.js';
import { NOW_MS, recordedSessions } from './recorded.js';

const cluster = usePostgres();
const dir = tempDirs('mcp-discovery-learning-pg-');
let otel: TestTelemetry;
beforeAll(() => {
  otel = installTestTelemetry();
});
afterAll(async () => {
  await otel.shutdown();
});

function settingsOf(dataDir: string, env: Record<string, string> = {}): ResolvedSettings {
  return testSettings({
    env,
    cwd: dataDir,
    flags: { dataDir, discovery: { userConfigs: false }, server: { refreshIntervalSeconds: 0 } },
  });
}

/** The fixture sessions recorded into a fresh SQLite data directory and a fresh PostgreSQL database. */
async function recordedInBoth(): Promise<{ sqlite: ResolvedSettings; postgres: ResolvedSettings }> {
  const { events, suggestions } = recordedSessions();
  const sqliteDir = dir();
  const db = await openHookDb(sqliteDir);
  insertEvents(db, events);
  insertSuggestions(db, suggestions);
  db.close();
  const url = await createDatabase(cluster());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migratePg(client, 'test');
    // In two batches, as two hooks would send them.
    await insertPgEvents(client, events.slice(0, 20));
    await insertPgEvents(client, events.slice(20));
    await insertPgSuggestions(client, suggestions);
  } finally {
    await client.end();
  }
  return { sqlite: settingsOf(sqliteDir), postgres: settingsOf(dir(), pgEnv(url)) };
}

describe('learning from PostgreSQL', () => {
  it('learns the same tool stats, priors, patterns and acceptance as from SQLite for the same events', async () => {
    const { sqlite, postgres } = await recordedInBoth();
    const fromSqlite = await loadLearned(sqlite, NOW_MS);
    const fromPg = await loadLearned(postgres, NOW_MS);
    // The fixture exercises every part: failures, proxied calls, resources, patterns and taken suggestions.
    expect(fromSqlite.events).toHaveLength(recordedSessions().events.length);
    expect(fromSqlite.stats.get('weather/forecast')?.failures).toBe(3);
    expect(fromSqlite.stats.get('github/create_issue')?.calls).toBe(2);
    expect(fromSqlite.patterns.length).toBeGreaterThan(0);
    expect(fromSqlite.acceptance).toMatchObject({ suggested: 8, accepted: 7 });
    expect(fromPg).toEqual(fromSqlite);
    expect(reviewPatterns(fromPg)).toEqual(reviewPatterns(fromSqlite));
    expect(usageSections(fromPg)).toEqual(usageSections(fromSqlite));

    const priorsSqlite = await loadUsagePriors(sqlite, NOW_MS);
    const priorsPg = await loadUsagePriors(postgres, NOW_MS);
    expect(priorsPg?.stamp).toBe(priorsSqlite?.stamp);
    const ids = [...fromSqlite.stats.keys(), 'docs/resource:file:///guide.md', 'never/used'];
    const priors = (p: typeof priorsPg) => ids.map((id) => [id, p?.priors(id)]);
    expect(priors(priorsPg)).toEqual(priors(priorsSqlite));
    expect(priors(priorsPg).filter(([, v]) => v !== undefined)).toHaveLength(fromSqlite.stats.size + 1);
  });

  it('exports the same learning metrics as from SQLite', async () => {
    const { sqlite, postgres } = await recordedInBoth();
    // Each database's series carry its id: compared here without it.
    const observe = async (settings: ResolvedSettings) => {
      const store = learningSourceId(settings);
      const observer = observeLearning(settings);
      try {
        const out: Record<string, unknown> = {};
        for (const name of [
          'mcp_discovery.hook.events',
          'mcp_discovery.suggestions',
          'mcp_discovery.tool.uses',
        ])
          out[name] = Object.fromEntries(
            (await otel.points(name))
              .filter((p) => p.attributes.store === store)
              .map(({ attributes: { store: _, ...rest }, value }) => [JSON.stringify(rest), value]),
          );
        return out;
      } finally {
        observer.stop();
      }
    };
    const fromSqlite = await observe(sqlite);
    expect(fromSqlite['mcp_discovery.suggestions']).toEqual({
      '{"result":"accepted"}': 7,
      '{"result":"open"}': 1,
    });
    expect(await observe(postgres)).toEqual(fromSqlite);
  });

  it("reloads a running instance's priors when a hook on another machine records usage, once per burst", async () => {
    const url = await createDatabase(cluster());
    const settings = settingsOf(dir(), pgEnv(url));
    const store = await openStore(settings);
    // Two tools that fit the query equally: without usage the tie keeps catalog order (slack first).
    const tool = (server: string) => ({
      kind: 'tool' as const,
      server,
      name: 'post_message',
      description: 'Send a message to a team channel',
    });
    await store.importCatalog(
      { servers: [{ name: 'slack' }, { name: 'teams' }], entries: [tool('slack'), tool('teams')] },
      'test',
    );
    await store.close();
    const coordinator = await PgCoordinator.start({ url, instance: 'learning-test', pollMs: 200 });
    const hub = await Hub.start({ settings, coordinator, discoverOnStart: false, configFiles: [] });
    try {
      const top = () => hub.catalog.search({ query: 'send a message' }).hits[0]?.id;
      expect(top()).toBe('slack/post_message');
      const machine = dir();
      for (let i = 0; i < 3; i++) {
        const use = { tool_name: 'mcp__teams__post_message', tool_use_id: `toolu_${i}` };
        const input = JSON.stringify({ ...JSON.parse(inSession('post-tool-use', 'elsewhere')), ...use });
        const r = await runHook(machine, input, pgEnv(url));
        expect([r.code, r.stderr]).toEqual([0, '']);
      }
      const deadline = Date.now() + 10_000;
      while (top() !== 'teams/post_message' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(top()).toBe('teams/post_message');

      // A burst of events from many machines: one reload answers the lot instead of one reload per event.
      const reads = vi.spyOn(hub.store, 'catalog');
      const burst = new pg.Client({ connectionString: url });
      await burst.connect();
      await burst.query(
        `SELECT pg_notify('mcp_discovery', json_build_object('topic', 'learning', 'from', 'hook', 'n', i)::text)
         FROM generate_series(1, 50) AS i`,
      );
      await burst.end();
      const quiet = Date.now() + 10_000;
      while (reads.mock.calls.length === 0 && Date.now() < quiet) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      expect(reads.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(reads.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      await hub.close();
    }
  });
});
