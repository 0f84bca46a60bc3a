import type { Unit } from '../../src/kpi/index.js';

/**
 * The Go template function that prints a KPI's value as people read it, and what follows it: the same functions
 * in Grafana's and Prometheus's alert templates (`humanize1024` gives "510Mi", so bytes add the "B").
 */
export const HUMANIZE: Record<Unit, { fn: string; suffix: string }> = {
  s: { fn: 'humanizeDuration', suffix: '' },
  percentunit: { fn: 'humanizePercentage', suffix: '' },
  bytes: { fn: 'humanize1024', suffix: 'B' },
  short: { fn: 'humanize', suffix: '' },
};
