import type { Kpi, Severity, Unit } from './schema.js';

export function thresholdOf(kpi: Kpi, severity: Severity): number | undefined {
  return severity === 'critical' ? kpi.critical : kpi.warning;
}

/** The severities a KPI alerts on, most severe first. */
export function severitiesOf(kpi: Kpi): Severity[] {
  return (['critical', 'warning'] as const).filter((severity) => thresholdOf(kpi, severity) !== undefined);
}

export function breaches(kpi: Kpi, value: number, threshold: number): boolean {
  return kpi.direction === 'above' ? value > threshold : value < threshold;
}

/** The most severe threshold the value is past, with that threshold; undefined while healthy. */
export function assess(kpi: Kpi, value: number): { severity: Severity; threshold: number } | undefined {
  for (const severity of severitiesOf(kpi)) {
    const threshold = thresholdOf(kpi, severity);
    if (threshold !== undefined && breaches(kpi, value, threshold)) return { severity, threshold };
  }
  return undefined;
}

const MiB = 1024 * 1024;

/** A value as people read it: 512 ms, 73.2 %, 180 MiB. */
export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 's':
      return value < 1 ? `${Number((value * 1000).toPrecision(3))} ms` : `${Number(value.toPrecision(3))} s`;
    case 'percentunit':
      return `${Number((value * 100).toFixed(1))} %`;
    case 'bytes':
      return `${Number((value / MiB).toFixed(1))} MiB`;
    case 'short':
      return String(Number(value.toPrecision(4)));
  }
}
