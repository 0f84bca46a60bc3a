import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** One series as Prometheus names it, with its labels and current value. */
export interface PromSeries {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A snapshot of every series at one moment; `mono` is a monotonic clock in ms, `wall` the date for people. */
export interface Sample {
  mono: number;
  wall: number;
  series: PromSeries[];
}

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_:]/g, '_');

// DataPointType of @opentelemetry/sdk-metrics, by value: the SDK is loaded lazily, so its enums are not imported.
const HISTOGRAM = 0;
const EXPONENTIAL_HISTOGRAM = 1;
const GAUGE = 2;
const SUM = 3;

/**
 * The same names the Prometheus exporter gives on /metrics (monotonic sums gain `_total`, histograms `_sum` and
 * `_count`, no unit suffix), so the in-process monitor and the dashboards evaluate the same series.
 */
export function toPromSeries(metrics: ResourceMetrics): PromSeries[] {
  const out: PromSeries[] = [];
  for (const scope of metrics.scopeMetrics)
    for (const metric of scope.metrics) {
      const base = sanitize(metric.descriptor.name);
      for (const point of metric.dataPoints) {
        const labels = Object.fromEntries(
          Object.entries(point.attributes).map(([key, value]) => [sanitize(key), String(value)]),
        );
        const value = point.value as number | { sum?: number; count: number };
        if (metric.dataPointType === SUM || metric.dataPointType === GAUGE) {
          const total = metric.dataPointType === SUM && metric.isMonotonic && !base.endsWith('_total');
          out.push({ name: total ? `${base}_total` : base, labels, value: value as number });
        } else if (metric.dataPointType === HISTOGRAM || metric.dataPointType === EXPONENTIAL_HISTOGRAM) {
          const histogram = value as { sum?: number; count: number };
          out.push({ name: `${base}_sum`, labels, value: histogram.sum ?? 0 });
          out.push({ name: `${base}_count`, labels, value: histogram.count });
        }
      }
    }
  return out;
}
