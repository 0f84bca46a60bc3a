import type { Kpi, Selector } from '../kpi/index.js';
import type { PromSeries, Sample } from './series.js';

const matches = (series: PromSeries, selector: Selector) =>
  series.name === selector.metric &&
  Object.entries(selector.match).every(([key, value]) => series.labels[key] === value);

/** A series' identity is its name and label set, as in Prometheus: the order labels were written in does not count. */
const keyOf = (series: PromSeries) => {
  const labels = Object.entries(series.labels).sort(([a], [b]) => (a < b ? -1 : 1)); // names are unique
  return `${series.name}${JSON.stringify(labels)}`;
};

/** Each matching series' values in time order, keyed by identity. */
function tracks(samples: readonly Sample[], selector: Selector): Map<string, { t: number; v: number }[]> {
  const found = new Map<string, { t: number; v: number }[]>();
  for (const sample of samples)
    for (const series of sample.series) {
      if (!matches(series, selector)) continue;
      const key = keyOf(series);
      const track = found.get(key) ?? [];
      found.set(key, track);
      track.push({ t: sample.mono, v: series.value });
    }
  return found;
}

/**
 * Prometheus's `increase` without extrapolation: the sum of rises between consecutive samples, a drop counted
 * as a restart from zero. Like Prometheus, a series' first sample in the window is its baseline.
 */
function increase(samples: readonly Sample[], selector: Selector): number {
  let total = 0;
  for (const track of tracks(samples, selector).values())
    for (let i = 1; i < track.length; i++) {
      const [prev, cur] = [track[i - 1]?.v ?? 0, track[i]?.v ?? 0];
      total += cur >= prev ? cur - prev : cur;
    }
  return total;
}

/** Least-squares slope per second, as Prometheus's `deriv`. */
function slope(track: { t: number; v: number }[]): number | undefined {
  if (track.length < 2) return undefined;
  const n = track.length;
  const mt = track.reduce((s, p) => s + p.t / 1000, 0) / n;
  const mv = track.reduce((s, p) => s + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of track) {
    num += (p.t / 1000 - mt) * (p.v - mv);
    den += (p.t / 1000 - mt) ** 2;
  }
  return den === 0 ? undefined : num / den;
}

const maxOf = (values: (number | undefined)[]) => {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? Math.max(...defined) : undefined;
};

/**
 * The KPI's value over its window ending at the last sample, computed as its PromQL in src/kpi computes it;
 * undefined when there is nothing to judge (no traffic for a ratio, too few samples).
 */
export function evaluateKpi(kpi: Kpi, samples: readonly Sample[]): number | undefined {
  const last = samples.at(-1);
  if (!last) return undefined;
  const inWindow = samples.filter((s) => s.mono >= last.mono - kpi.windowSeconds * 1000);
  const m = kpi.measure;
  switch (m.type) {
    case 'ratio': {
      const den = increase(inWindow, m.denominator);
      return den > 0 ? increase(inWindow, m.numerator) / den : undefined;
    }
    case 'average':
      return maxOf(
        [...tracks(inWindow, m.gauge).values()].map((t) => t.reduce((s, p) => s + p.v, 0) / t.length),
      );
    case 'slope': {
      const perSecond = maxOf([...tracks(inWindow, m.gauge).values()].map(slope));
      return perSecond === undefined ? undefined : perSecond * m.perSeconds;
    }
    case 'instances':
      return last.series.some((s) => matches(s, m.gauge)) ? 1 : 0;
  }
}
