import { type BatchObservableCallback, metrics } from '@opentelemetry/api';
import { KNOWN_EVENTS } from '../hooks/event.js';
import type { ResolvedSettings } from '../settings/index.js';
import { dbFile } from '../store/index.js';
import { log, METRIC_ATTR, METRIC_HOOK_EVENTS, METRIC_SUGGESTIONS } from '../telemetry/index.js';
import { loadLearned } from './load.js';
import { LearningStore } from './store.js';

/**
 * Hook events and suggestion acceptance as metrics. The `hook` process stays free of the OTel SDK (it must start
 * fast), so a long-running process reads the totals from the database whenever metrics are collected; Prometheus
 * derives rates and the acceptance ratio (`accepted / suggested`) from the two counters.
 */
export function observeLearning(settings: ResolvedSettings): { stop(): void } {
  const meter = metrics.getMeter('mcp-discovery');
  const events = meter.createObservableCounter(METRIC_HOOK_EVENTS, {
    description: 'Claude Code hook events recorded, by event',
  });
  const suggestions = meter.createObservableCounter(METRIC_SUGGESTIONS, {
    description: 'Suggestions returned to Claude Code, by result (accepted: used later in the session; open)',
  });
  const observe: BatchObservableCallback = (result) => {
    try {
      const store = LearningStore.open(dbFile(settings.dataDir));
      try {
        const counts = store.db
          .prepare<[], { event: string; n: number }>(
            'SELECT event, count(*) AS n FROM hook_events GROUP BY event',
          )
          .all();
        const byEvent = new Map<string, number>();
        // The attribute is an allow-list: an unknown event name counts as `other`, so series stay bounded.
        for (const { event, n } of counts) {
          const key = KNOWN_EVENTS.has(event) ? event : 'other';
          byEvent.set(key, (byEvent.get(key) ?? 0) + n);
        }
        for (const [event, n] of byEvent) result.observe(events, n, { [METRIC_ATTR.event]: event });
      } finally {
        store.close();
      }
      const { suggested, accepted } = loadLearned(settings).acceptance;
      result.observe(suggestions, accepted, { [METRIC_ATTR.result]: 'accepted' });
      result.observe(suggestions, suggested - accepted, { [METRIC_ATTR.result]: 'open' });
    } catch (error) {
      log.debug({ err: error }, 'learning metrics: could not read the database');
    }
  };
  meter.addBatchObservableCallback(observe, [events, suggestions]);
  return { stop: () => meter.removeBatchObservableCallback(observe, [events, suggestions]) };
}
