import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { type Kpi, kpiById, SERIES } from '../../src/kpi/index.js';
import { evaluateKpi } from '../../src/monitor/evaluate.js';
import { type PromSeries, type Sample, toPromSeries } from '../../src/monitor/series.js';

const MiB = 1024 * 1024;
const kpi = (id: string): Kpi => {
  const found = kpiById(id);
  if (!found) throw new Error(`no KPI ${id}`);
  return found;
};
const s = (name: string, value: number, labels: Record<string, string> = {}): PromSeries => ({
  name,
  labels,
  value,
});
/** One sample per entry, `seconds` apart on the monotonic clock (the wall clock deliberately unrelated). */
const script = (seconds: number, rows: PromSeries[][], start = 1_000_000): Sample[] =>
  rows.map((series, i) => ({ mono: start + i * seconds * 1000, wall: 5 - i, series }));

const requests = (sum: number, count: number) => [
  s(SERIES.operationSecondsSum, sum, { kind: 'request' }),
  s(SERIES.operationSecondsCount, count, { kind: 'request' }),
  // Other kinds are not request operations and must not count.
  s(SERIES.operationSecondsSum, 1000, { kind: 'probe' }),
  s(SERIES.operationSecondsCount, 1, { kind: 'probe' }),
];
const cache = (hit: number | undefined, miss: number) => [
  ...(hit === undefined ? [] : [s(SERIES.cacheRequests, hit, { cache: 'search', result: 'hit' })]),
  s(SERIES.cacheRequests, miss, { cache: 'search', result: 'miss' }),
];
const rss = (...values: number[]) => values.map((v, i) => s(SERIES.processMemory, v, { instance: `i${i}` }));

describe('evaluateKpi: ratio', () => {
  it('response_time is increase(sum) / increase(count) of request operations', () => {
    const samples = script(60, [requests(10, 100), requests(25, 130), requests(40, 160)]);
    expect(evaluateKpi(kpi('response_time'), samples)).toBe(30 / 60);
  });

  it('cache_hit_rate is hits / all lookups over the window, exactly as by hand', () => {
    const samples = script(600, [cache(10, 5), cache(13, 9), cache(20, 10)]);
    // hits 20-10 = 10; all (20+10)-(10+5) = 15
    expect(evaluateKpi(kpi('cache_hit_rate'), samples)).toBe(10 / 15);
  });

  it('a missing hit series (all misses) is 0, not undefined', () => {
    const samples = script(600, [cache(undefined, 5), cache(undefined, 9)]);
    expect(evaluateKpi(kpi('cache_hit_rate'), samples)).toBe(0);
  });

  it('flat counters (no traffic) give no value, whatever the numerator', () => {
    expect(evaluateKpi(kpi('cache_hit_rate'), script(600, [cache(3, 5), cache(3, 5)]))).toBeUndefined();
    expect(evaluateKpi(kpi('response_time'), script(60, [requests(9, 3), requests(9, 3)]))).toBeUndefined();
    expect(evaluateKpi(kpi('response_time'), script(60, [[], []]))).toBeUndefined();
    expect(evaluateKpi(kpi('response_time'), [])).toBeUndefined();
  });

  it('a counter reset inside the window counts as a restart from zero', () => {
    // count 100 -> 130 (+30), restart, 0 -> 20 (+20, not -110); sum 50 -> 80 (+30), restart, 10 (+10)
    const samples = script(60, [requests(50, 100), requests(80, 130), requests(10, 20)]);
    expect(evaluateKpi(kpi('response_time'), samples)).toBe(40 / 50);
  });

  it('ignores samples older than the window; the first one inside is the baseline', () => {
    // 850 s steps: the first sample is 4250 s before the last, outside cache_hit_rate's hour.
    const samples = script(850, [
      cache(0, 1000),
      cache(10, 1000),
      cache(20, 1000),
      cache(30, 1000),
      cache(40, 1000),
      cache(50, 1010),
    ]);
    // Inside: hits 10 -> 50 (+40), misses 1000 -> 1010 (+10). With the old sample: 50 / 60.
    expect(evaluateKpi(kpi('cache_hit_rate'), samples)).toBe(40 / 50);
  });

  it('tells series apart by label set, not by the order labels were written in', () => {
    const hit = (value: number, reversed: boolean) =>
      s(
        SERIES.cacheRequests,
        value,
        reversed ? { result: 'hit', cache: 'a' } : { cache: 'a', result: 'hit' },
      );
    const samples = script(600, [
      [hit(10, false), s(SERIES.cacheRequests, 0, { result: 'miss' })],
      [hit(14, true), s(SERIES.cacheRequests, 4, { result: 'miss' })],
    ]);
    expect(evaluateKpi(kpi('cache_hit_rate'), samples)).toBe(4 / 8);
  });
});

describe('evaluateKpi: gauges', () => {
  it('memory_rss is the average over the window of the largest series', () => {
    const samples = script(140, [
      rss(1, 900 * MiB), // 420 s before the last: outside the 5-minute window
      rss(2, 100 * MiB),
      rss(3, 200 * MiB),
      rss(400 * MiB, 300 * MiB),
    ]);
    expect(evaluateKpi(kpi('memory_rss'), samples)).toBe(200 * MiB);
    const old = script(55, [rss(900 * MiB), ...Array.from({ length: 6 }, () => rss(100 * MiB))]);
    expect(evaluateKpi(kpi('memory_rss'), old)).toBe(100 * MiB);
  });

  it('memory_growth is the least-squares slope per hour of a linear series', () => {
    // +1 KiB per second, sampled every minute for an hour: 3600 KiB/h.
    const samples = script(
      60,
      Array.from({ length: 61 }, (_, i) => rss(300 * MiB + i * 60 * 1024)),
    );
    expect(evaluateKpi(kpi('memory_growth'), samples)).toBeCloseTo(3600 * 1024, 6);
    // A single sample has no slope; a flat series has none to speak of.
    expect(evaluateKpi(kpi('memory_growth'), samples.slice(0, 1))).toBeUndefined();
    expect(evaluateKpi(kpi('memory_growth'), script(60, [rss(5), rss(5), rss(5)]))).toBe(0);
  });

  it('app_up is 1 while the last sample has the gauge and 0 once it is gone', () => {
    const up = script(60, [[], rss(1)]);
    const gone = script(60, [rss(1), rss(1), []]);
    expect(evaluateKpi(kpi('app_up'), up)).toBe(1);
    expect(evaluateKpi(kpi('app_up'), gone)).toBe(0);
  });
});

/** Collects on demand, as test/helpers/telemetry.ts does, but without registering anything globally. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

describe('toPromSeries', () => {
  it('names series as the Prometheus exporter does: _total for counters, _sum/_count for histograms', async () => {
    const reader = new OnDemandReader();
    const provider = new MeterProvider({ readers: [reader] });
    const meter = provider.getMeter('test');
    const requestsCounter = meter.createCounter('mcp_discovery.cache.requests');
    requestsCounter.add(3, { cache: 'search', result: 'hit' });
    requestsCounter.add(1, { cache: 'search', result: 'miss' });
    const seconds = meter.createHistogram('mcp_discovery.operation.seconds', { unit: 's' });
    seconds.record(0.25, { kind: 'request' });
    seconds.record(0.5, { kind: 'request' });
    meter.createGauge('process.memory.usage', { unit: 'By' }).record(123, { 'process.pid': 7 });
    meter.createUpDownCounter('mcp_discovery.sessions.active').add(2);

    const series = toPromSeries((await reader.collect()).resourceMetrics);
    await provider.shutdown();

    expect(series).toEqual(
      expect.arrayContaining([
        { name: 'mcp_discovery_cache_requests_total', labels: { cache: 'search', result: 'hit' }, value: 3 },
        { name: 'mcp_discovery_cache_requests_total', labels: { cache: 'search', result: 'miss' }, value: 1 },
        { name: 'mcp_discovery_operation_seconds_sum', labels: { kind: 'request' }, value: 0.75 },
        { name: 'mcp_discovery_operation_seconds_count', labels: { kind: 'request' }, value: 2 },
        { name: 'process_memory_usage', labels: { process_pid: '7' }, value: 123 },
        // Not monotonic: no _total.
        { name: 'mcp_discovery_sessions_active', labels: {}, value: 2 },
      ]),
    );
    expect(series).toHaveLength(6);
    // The real KPI reads these series as produced.
    const sample: Sample = { mono: 0, wall: 0, series };
    const later: Sample = {
      mono: 60_000,
      wall: 0,
      series: series.map((x) => ({ ...x, value: x.value * 2 })),
    };
    expect(evaluateKpi(kpi('cache_hit_rate'), [sample, later])).toBe(3 / 4);
  });
});
