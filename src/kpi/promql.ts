import type { Kpi, Selector } from './schema.js';

/** The job both paths give the app: the scrape job in prometheus/prometheus.yml and OTLP's service.name. */
export const JOB = 'mcp-discovery';

/** Label matchers that scope alert rules to the app, so another service's host metrics never trip them. */
export const RULE_MATCHERS = `job="${JOB}"`;

/** Label matchers of the dashboards' template variables. */
export const DASHBOARD_MATCHERS = 'job=~"$job", instance=~"$instance"';

const BY = 'by (job, instance)';

/** 300 -> "5m", 3600 -> "1h": the largest whole unit, as Prometheus and Grafana write durations. */
export function promDuration(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export function seriesSelector(selector: Selector, matchers: string): string {
  const labels = Object.entries(selector.match).map(([key, value]) => `${key}="${value}"`);
  if (matchers) labels.push(matchers);
  return `${selector.metric}{${labels.join(', ')}}`;
}

/**
 * The KPI's value per job and instance over its window, as PromQL. A ratio returns nothing without traffic (so
 * no alert can fire on 0/0) and 0, not nothing, when the numerator's series does not exist yet (all misses).
 */
export function kpiExpr(kpi: Kpi, matchers: string, windowSeconds = kpi.windowSeconds): string {
  const window = promDuration(windowSeconds);
  const m = kpi.measure;
  switch (m.type) {
    case 'ratio': {
      const num = `sum ${BY} (increase(${seriesSelector(m.numerator, matchers)}[${window}]))`;
      const den = `sum ${BY} (increase(${seriesSelector(m.denominator, matchers)}[${window}]))`;
      return `(${num} or ${den} * 0) / ${den} and ${den} > 0`;
    }
    case 'average':
      return `max ${BY} (avg_over_time(${seriesSelector(m.gauge, matchers)}[${window}]))`;
    case 'slope':
      return `max ${BY} (deriv(${seriesSelector(m.gauge, matchers)}[${window}])) * ${m.perSeconds}`;
    case 'instances':
      return `count(${seriesSelector(m.gauge, matchers)}) or vector(0)`;
  }
}

/** PromQL comparison that holds while the KPI is past `threshold` in its bad direction. */
export function breachExpr(kpi: Kpi, matchers: string, threshold: number): string {
  return `(${kpiExpr(kpi, matchers)}) ${kpi.direction === 'above' ? '>' : '<'} ${threshold}`;
}
