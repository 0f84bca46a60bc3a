import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeLearning } from '../../src/learning/metrics.js';
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
});
