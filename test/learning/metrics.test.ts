import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeLearning } from '../../src/learning/metrics.js';
import { learningSourceId } from '../../src/learning/source.js';
import { testSettings } from '../helpers/settings.js';
import { installTestTelemetry, type TestTelemetry } from '../helpers/telemetry.js';
import { hookFixture, runHook, tempDirs } from '../hooks/helpers.js';

let otel: TestTelemetry;
beforeAll(() => {
  otel = installTestTelemetry();
});
afterAll(async () => {
  await otel.shutdown();
});
const dir = tempDirs('mcp-discovery-learning-metrics-');

describe('learning metrics', () => {
  it('count recorded hook events by event, from the database the hook wrote', async () => {
    const dataDir = join(dir(), 'data');
    for (const name of ['session-start', 'pre-tool-use', 'post-tool-use', 'post-tool-use', 'notification']) {
      expect((await runHook(dataDir, hookFixture(name))).code).toBe(0);
    }
    const settings = testSettings({ cwd: dataDir, flags: { dataDir } });
    const observer = observeLearning(settings);
    try {
      const points = await otel.points('mcp_discovery.hook.events');
      expect(new Set(points.map((p) => p.attributes.store))).toEqual(new Set([learningSourceId(settings)]));
      const byEvent = Object.fromEntries(points.map((p) => [p.attributes.event, p.value]));
      expect(byEvent).toEqual({ SessionStart: 1, PreToolUse: 1, PostToolUse: 2, other: 1 });
      const suggestions = await otel.points('mcp_discovery.suggestions');
      expect(Object.fromEntries(suggestions.map((p) => [p.attributes.result, p.value]))).toEqual({
        accepted: 0,
        open: 0,
      });
    } finally {
      observer.stop();
    }
  });

  it('label their series with the database they read: one id per database, whoever reads it', () => {
    const sqlite = (dataDir: string) => ({ dataDir, store: { backend: 'sqlite' as const } });
    const postgres = (postgresUrl: string) => ({
      dataDir: '/unused',
      store: { backend: 'postgres' as const, postgresUrl },
    });
    const a = learningSourceId(sqlite('/srv/a'));
    expect(learningSourceId(sqlite('/srv/a/'))).toBe(a);
    expect(learningSourceId(sqlite('/srv/b'))).not.toBe(a);
    expect(a).toMatch(/^sqlite-[0-9a-f]{12}$/);
    // Instances may log in as different users: the database is the same.
    const pg = learningSourceId(postgres('postgres://alice:secret@db.internal:5432/discovery'));
    expect(learningSourceId(postgres('postgres://bob:other@db.internal/discovery'))).toBe(pg);
    expect(learningSourceId(postgres('postgres://alice:secret@db.internal:5432/other'))).not.toBe(pg);
    expect(pg).toMatch(/^postgres-[0-9a-f]{12}$/);
  });
});
