import { type BatchObservableCallback, metrics } from '@opentelemetry/api';
import { KNOWN_EVENTS } from '../hooks/event.js';
import type { ResolvedSettings } from '../settings/index.js';
import {
  log,
  METRIC_ATTR,
  METRIC_HOOK_EVENTS,
  METRIC_SUGGESTIONS,
  METRIC_TOOL_USES,
} from '../telemetry/index.js';
import { acceptance } from './acceptance.js';
import { learningSourceId, withLearningSource } from './source.js';

/** Tools with their own series; the label stays bounded however many tools a catalog holds. */
const TOP_TOOLS = 20;

/** Uses per tool, the most used first, the tail folded into `other` (an ordering can change, a total cannot). */
function topTools(rows: readonly { tool: string; n: number }[]): Map<string, number> {
  const top = new Map(rows.slice(0, TOP_TOOLS).map(({ tool, n }) => [tool, n]));
  const rest = rows.slice(TOP_TOOLS).reduce((sum, { n }) => sum + n, 0);
  if (rest > 0) top.set('other', rest);
  return top;
}

/**
 * Hook events and suggestion acceptance as metrics. The `hook` process stays free of the OTel SDK (it must start
 * fast), so a long-running process reads the totals from the database whenever metrics are collected; Prometheus
 * derives rates and the acceptance ratio (`accepted / suggested`) from the two counters.
 *
 * The totals are the database's: on PostgreSQL every instance reports the same ones. Each series carries the
 * database's id (`learningSourceId`), so that dashboards take one value per database (the largest: an instance's
 * last reading can lag) and add up databases, never instances.
 */
export function observeLearning(settings: ResolvedSettings): { stop(): void } {
  const meter = metrics.getMeter('mcp-discovery');
  const store = { [METRIC_ATTR.store]: learningSourceId(settings) };
  const events = meter.createObservableCounter(METRIC_HOOK_EVENTS, {
    description: 'Claude Code hook events recorded, by event',
  });
  const suggestions = meter.createObservableCounter(METRIC_SUGGESTIONS, {
    description: 'Suggestions returned to Claude Code, by result (accepted: used later in the session; open)',
  });
  const toolUses = meter.createObservableCounter(METRIC_TOOL_USES, {
    description: `Tool uses Claude Code reported (PostToolUse), by tool: the ${TOP_TOOLS} most used, the rest as other`,
  });
  // Async: OTel waits for it at each collection; on PostgreSQL the totals are those of every machine's hooks.
  const observe: BatchObservableCallback = async (result) => {
    try {
      const { counts, suggested, accepted } = await withLearningSource(settings, async (source) => {
        const counts = await source.counts();
        return { counts, ...acceptance(await source.suggestions(), await source.events()) };
      });
      const byEvent = new Map<string, number>();
      // The attribute is an allow-list: an unknown event name counts as `other`, so series stay bounded.
      for (const { event, n } of counts.byEvent) {
        const key = KNOWN_EVENTS.has(event) ? event : 'other';
        byEvent.set(key, (byEvent.get(key) ?? 0) + n);
      }
      for (const [event, n] of byEvent) result.observe(events, n, { ...store, [METRIC_ATTR.event]: event });
      for (const [tool, n] of topTools(counts.byTool))
        result.observe(toolUses, n, { ...store, [METRIC_ATTR.tool]: tool });
      result.observe(suggestions, accepted, { ...store, [METRIC_ATTR.result]: 'accepted' });
      result.observe(suggestions, suggested - accepted, { ...store, [METRIC_ATTR.result]: 'open' });
    } catch (error) {
      log.debug({ err: error }, 'learning metrics: could not read the database');
    }
  };
  const observed = [events, suggestions, toolUses];
  meter.addBatchObservableCallback(observe, observed);
  return { stop: () => meter.removeBatchObservableCallback(observe, observed) };
}
