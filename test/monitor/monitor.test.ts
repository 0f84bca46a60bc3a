import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Kpi, kpiById, SERIES } from '../../src/kpi/index.js';
import { KpiSchema } from '../../src/kpi/schema.js';
import { type Alert, AlertSchema } from '../../src/monitor/alert.js';
import { Monitor, type MonitorOptions } from '../../src/monitor/monitor.js';
import { RotatingFile } from '../../src/monitor/rotating-file.js';
import type { PromSeries } from '../../src/monitor/series.js';
import { KpiReadingSchema } from '../../src/monitor/status.js';

const HOUR = 3_600_000;
const BASE_WALL = Date.parse('2026-11-25T14:30:00.000Z');
const root = mkdtempSync(join(tmpdir(), 'monitor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const real = (id: string): Kpi => KpiSchema.parse(kpiById(id));
/** response_time over 15 s with 30 s pending: with 10 s ticks, a tick's value is its requests' duration. */
const latency = KpiSchema.parse({
  ...kpiById('response_time'),
  id: 'latency',
  title: 'Latency',
  windowSeconds: 15,
  pendingSeconds: 30,
});
const instant = KpiSchema.parse({ ...latency, id: 'instant', critical: undefined, pendingSeconds: 0 });

/** A handler that records what it receives; `until(n)` resolves once `n` alerts have arrived. */
function recorder(name = 'recorder') {
  const received: Alert[] = [];
  let wake = () => {};
  return {
    name,
    received,
    async send(alert: Alert) {
      received.push(alert);
      wake();
    },
    until: (n: number) =>
      new Promise<void>((resolve) => {
        wake = () => received.length >= n && resolve();
        wake();
      }),
  };
}

/** A Monitor on an injected clock; `tick(perRequest)` advances it one step with 10 requests of that duration. */
function scripted(options: Partial<MonitorOptions> = {}, stepMs = 10_000) {
  const clock = { mono: -stepMs, wall: BASE_WALL - stepMs };
  const counters = { sum: 0, count: 0 };
  const series = (): PromSeries[] => [
    { name: SERIES.operationSecondsSum, labels: { kind: 'request' }, value: counters.sum },
    { name: SERIES.operationSecondsCount, labels: { kind: 'request' }, value: counters.count },
    { name: 'host_cpu_seconds_total', labels: {}, value: 1 },
  ];
  let gate: Promise<void> = Promise.resolve();
  const monitor = new Monitor({
    collect: async () => gate.then(series),
    intervalMs: stepMs,
    repeatMs: 0,
    kpis: [latency],
    clock: () => ({ ...clock }),
    ...options,
  });
  const tick = (perRequest: number | null, wallJumpMs = 0) => {
    clock.mono += stepMs;
    clock.wall += stepMs + wallJumpMs;
    counters.sum += 10 * (perRequest ?? 0);
    counters.count += perRequest === null ? 0 : 10;
    return monitor.tick();
  };
  /** The next collections wait until the returned function is called. */
  const hold = () => {
    let release = () => {};
    gate = new Promise<void>((resolve) => (release = resolve));
    return release;
  };
  return { monitor, tick, clock, hold };
}
const pick = (events: Alert[]) => events.map((e) => `${e.event} ${e.severity}`);

describe('Monitor alert lifecycle', () => {
  it('real response_time: fires once the 5m average passes a threshold for 120 s, with that threshold', async () => {
    const handler = recorder();
    const { monitor, tick, clock } = scripted({ kpis: [real('response_time')], handlers: [handler] }, 40_000);
    // 40 s ticks: the 5-minute window holds 7 intervals. Healthy (0.1 s) until it is full of them.
    for (let i = 0; i < 9; i++) expect(await tick(0.1)).toEqual([]);
    // Slow (2 s) intervals: after k of them the window's mean is (19k + 7) / 70 s.
    const raised: Alert[][] = [];
    for (let k = 1; k <= 8; k++) raised.push(await tick(2));
    // Past 0.5 s from k = 2, past 1 s from k = 4; each fires 120 s (3 ticks) later, not a tick earlier.
    expect(raised.map(pick)).toEqual([[], [], [], [], ['fired warning'], [], ['fired critical'], []]);
    const [warning] = raised[4] ?? [];
    const [critical] = raised[6] ?? [];
    const firedAt = (k: number) => new Date(clock.wall - (8 - k) * 40_000).toISOString();
    expect(warning).toMatchObject({
      id: `response_time:warning:${Date.parse(firedAt(5))}`,
      kpi: 'response_time',
      severity: 'warning',
      value: 102 / 70,
      threshold: 0.5,
      window: '5m',
      startedAt: firedAt(5),
    });
    expect(warning?.message).toBe(
      'Average response time is 1.46 s, above the warning threshold 500 ms over 5m (critical too)',
    );
    expect(critical).toMatchObject({ severity: 'critical', value: 2, threshold: 1, startedAt: firedAt(7) });
    expect(AlertSchema.parse(critical)).toEqual(critical);
    await monitor.stop();
    expect(handler.received).toEqual([warning, critical]);
  });

  it('fires once, repeats every repeatMs, resolves once; readings() follow', async () => {
    const { monitor, tick } = scripted({ repeatMs: 60_000 });
    expect(pick(await tick(0.7))).toEqual([]); // t = 0, the baseline
    for (const t of [10, 20, 30]) expect(await tick(0.7), `t=${t}`).toEqual([]);
    const [fired] = await tick(0.7); // t = 40: breaching since t = 10 for 30 s
    expect(fired).toMatchObject({ event: 'fired', severity: 'warning', value: 0.7, threshold: 0.5 });
    expect(monitor.readings()).toEqual([
      { kpi: 'latency', title: 'Latency', unit: 's', window: 15, value: 0.7, firing: ['warning'] },
    ]);
    const later: string[] = [];
    for (let t = 50; t <= 160; t += 10) for (const e of pick(await tick(0.7))) later.push(`${t}: ${e}`);
    expect(later).toEqual(['100: repeated warning', '160: repeated warning']);
    const [resolved] = await tick(0.1); // t = 170
    expect(resolved).toMatchObject({ event: 'resolved', id: fired?.id, value: 0.1, threshold: 0.5 });
    expect(resolved?.resolvedAt).toBe(new Date(BASE_WALL + 170_000).toISOString());
    expect(await tick(0.1)).toEqual([]);
    expect(monitor.readings().map((r) => KpiReadingSchema.parse(r))).toEqual([
      { kpi: 'latency', title: 'Latency', unit: 's', window: 15, value: 0.1, firing: [] },
    ]);
  });

  it('a value exactly at the threshold is not a breach', async () => {
    const { tick } = scripted();
    for (let i = 0; i < 10; i++) expect(await tick(0.5)).toEqual([]);
  });

  it('never alerts on a ratio without traffic (real cache_hit_rate), but does once misses flow', async () => {
    const counts = { hit: 0, miss: 0 };
    const collect = async (): Promise<PromSeries[]> => [
      { name: SERIES.cacheRequests, labels: { result: 'hit' }, value: counts.hit },
      { name: SERIES.cacheRequests, labels: { result: 'miss' }, value: counts.miss },
    ];
    const handler = recorder();
    const kpis = [real('cache_hit_rate')];
    const { monitor, tick } = scripted({ kpis, collect, handlers: [handler] }, 60_000);
    for (let i = 0; i < 180; i++) expect(await tick(null)).toEqual([]); // three flat hours
    expect(monitor.readings()[0]?.value).toBeNull();
    const raised: string[][] = [];
    for (let i = 0; i < 7; i++) {
      counts.miss += 10;
      raised.push(pick(await tick(null)));
    }
    // Hit rate 0 from the first miss; pending 300 s = 5 ticks.
    expect(raised).toEqual([[], [], [], [], [], ['fired critical', 'fired warning'], []]);
    await monitor.stop();
    expect(pick(handler.received)).toEqual(['fired critical', 'fired warning']);
  });

  it('a wall-clock jump of ±2 h neither fires, repeats nor resolves early', async () => {
    const { tick } = scripted({ repeatMs: 60_000 });
    // Breaching from t = 10; the wall clock jumps while pending (20) and while firing (50, 70, 110).
    const jumps: Record<number, number> = { 20: 2 * HOUR, 50: -2 * HOUR, 70: 2 * HOUR, 110: -2 * HOUR };
    const seen: string[] = [];
    for (let t = 0; t <= 110; t += 10)
      for (const e of pick(await tick(0.7, jumps[t]))) seen.push(`${t}: ${e}`);
    expect(seen).toEqual(['40: fired warning', '100: repeated warning']);
  });
});

describe('Monitor delivery', () => {
  it('a handler that throws or rejects stops neither another (added by addHandler) nor the next tick', async () => {
    const calls = { throws: 0, rejects: 0 };
    const fail = (name: 'throws' | 'rejects') => () => {
      calls[name]++;
      if (name === 'throws') throw new Error('sync');
      return Promise.reject(new Error('async'));
    };
    const [throws, rejects] = [
      { name: 'throws', send: fail('throws') },
      { name: 'rejects', send: fail('rejects') },
    ];
    const handler = recorder('mine');
    const { monitor, tick } = scripted({ kpis: [instant], handlers: [throws, rejects] });
    monitor.addHandler(handler);
    await tick(0.1);
    expect(pick(await tick(0.7))).toEqual(['fired warning']);
    await handler.until(1);
    expect(pick(await tick(0.1))).toEqual(['resolved warning']);
    await handler.until(2);
    await monitor.stop();
    expect(pick(handler.received)).toEqual(['fired warning', 'resolved warning']);
    expect(calls).toEqual({ throws: 2, rejects: 2 });
  });

  it('writes one alert-log line per event, one metrics line per tick, and calls onTick', async () => {
    const dir = join(root, 'logs');
    const onTick: number[] = [];
    const { monitor, tick } = scripted({
      kpis: [instant],
      alertLog: new RotatingFile(dir, 'alerts.log', 1 << 20),
      metricsLog: new RotatingFile(dir, 'metrics.jsonl', 1 << 20),
      onTick: async (readings, at) => void onTick.push(at.mono, readings.length),
    });
    const events = [...(await tick(0.1)), ...(await tick(0.7)), ...(await tick(0.1)), ...(await tick(0.1))];
    await monitor.stop();
    const lines = (name: string) =>
      readFileSync(join(dir, name), 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
    expect(lines('alerts.log').map((l) => AlertSchema.parse(l))).toEqual(events);
    expect(pick(events)).toEqual(['fired warning', 'resolved warning']);
    const metrics = lines('metrics.jsonl');
    expect(metrics.map((m) => m.kpis.instant)).toEqual([null, 0.7, 0.1, 0.1]);
    expect(metrics[3]).toEqual({
      at: new Date(BASE_WALL + 30_000).toISOString(),
      kpis: { instant: 0.1 },
      series: [
        { name: SERIES.operationSecondsSum, labels: { kind: 'request' }, value: 10 },
        { name: SERIES.operationSecondsCount, labels: { kind: 'request' }, value: 40 },
      ],
    });
    expect(onTick).toEqual([0, 1, 10_000, 1, 20_000, 1, 30_000, 1]);
  });

  it('stop() waits for the tick under way and for the deliveries it starts', async () => {
    const order: string[] = [];
    let deliver = () => {};
    const slow = {
      name: 'slow',
      send: () =>
        new Promise<void>((resolve) => (deliver = resolve)).then(() => void order.push('delivered')),
    };
    const { monitor, tick, hold } = scripted({ kpis: [instant], handlers: [slow] });
    await tick(0.1);
    const collected = hold();
    const ticking = tick(0.7);
    const stopping = monitor.stop().then(() => order.push('stopped'));
    const turn = () => new Promise((resolve) => setImmediate(resolve)); // an event-loop turn, not a timed wait
    await turn();
    expect(order).toEqual([]); // the tick is still collecting
    collected();
    expect(pick(await ticking)).toEqual(['fired warning']);
    await turn();
    expect(order).toEqual([]); // its delivery is still under way
    deliver();
    await stopping;
    expect(order).toEqual(['delivered', 'stopped']);
  });

  it('a failing onTick does not lose the events of its tick', async () => {
    const { tick } = scripted({ kpis: [instant], onTick: () => Promise.reject(new Error('disk full')) });
    await tick(0.1);
    expect(pick(await tick(0.7))).toEqual(['fired warning']);
    expect(pick(await tick(0.1))).toEqual(['resolved warning']);
  });
});
