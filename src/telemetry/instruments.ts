import { type Counter, type Gauge, type Histogram, type MeterProvider, metrics } from '@opentelemetry/api';
import {
  METRIC_CACHE_ENTRIES,
  METRIC_CACHE_REQUESTS,
  METRIC_CATALOG_CHANGES,
  METRIC_LEADER,
  METRIC_MCP_CLIENT_OPERATION_DURATION,
  METRIC_OPERATION_SECONDS,
  METRIC_SERVER_PROBES,
  METRIC_SERVERS,
  METRIC_TOOLS,
} from './semconv.js';

/** Seconds, from sub-millisecond searches to the slowest probe a timeout allows. */
const SECONDS_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

export interface Instruments {
  operationSeconds: Histogram;
  cacheRequests: Counter;
  serverProbes: Counter;
  servers: Gauge;
  tools: Gauge;
  cacheEntries: Gauge;
  catalogChanges: Counter;
  leader: Gauge;
  mcpClientOperationDuration: Histogram;
}

function create(provider: MeterProvider): Instruments {
  const meter = provider.getMeter('mcp-discovery');
  const seconds = { unit: 's', advice: { explicitBucketBoundaries: SECONDS_BUCKETS } };
  return {
    operationSeconds: meter.createHistogram(METRIC_OPERATION_SECONDS, {
      description: 'Duration of an operation, by operation, kind (request or background) and outcome',
      ...seconds,
    }),
    cacheRequests: meter.createCounter(METRIC_CACHE_REQUESTS, {
      description: 'Cache lookups, by cache and result (hit or miss)',
    }),
    serverProbes: meter.createCounter(METRIC_SERVER_PROBES, {
      description: 'Server probes, by server, transport and outcome (success, failure, timeout)',
    }),
    servers: meter.createGauge(METRIC_SERVERS, {
      description: 'Servers known after the last discovery run, by health',
      unit: '{server}',
    }),
    tools: meter.createGauge(METRIC_TOOLS, { description: 'Tools listed by each server', unit: '{tool}' }),
    cacheEntries: meter.createGauge(METRIC_CACHE_ENTRIES, {
      description: 'Entries held by each cache',
      unit: '{entry}',
    }),
    catalogChanges: meter.createCounter(METRIC_CATALOG_CHANGES, {
      description: 'Catalog entries a discovery run added, removed or changed (by content hash), by change',
    }),
    leader: meter.createGauge(METRIC_LEADER, {
      description: 'Whether this instance leads: 1 while it probes servers and runs the schedule, else 0',
    }),
    mcpClientOperationDuration: meter.createHistogram(METRIC_MCP_CLIENT_OPERATION_DURATION, {
      description: 'Duration of MCP requests sent to servers (MCP semantic conventions)',
      ...seconds,
    }),
  };
}

const byProvider = new WeakMap<MeterProvider, Instruments>();

/**
 * The instruments of the global meter provider. Created on first use and again if the provider changes, because
 * the metrics API has no proxy: instruments made before the SDK starts would stay no-ops.
 */
export function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  let found = byProvider.get(provider);
  if (!found) {
    found = create(provider);
    byProvider.set(provider, found);
  }
  return found;
}
