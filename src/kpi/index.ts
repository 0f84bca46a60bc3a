export { KPIS, kpiById, SERIES } from './definitions.js';
export {
  breachExpr,
  DASHBOARD_MATCHERS,
  JOB,
  kpiExpr,
  promDuration,
  RULE_MATCHERS,
  seriesSelector,
} from './promql.js';
export { RUNBOOK_BASE, runbookAnchor, runbookUrl } from './runbook.js';
export type { Kpi, Measure, Selector, Severity, Unit } from './schema.js';
export { assess, breaches, formatValue, severitiesOf, thresholdOf } from './thresholds.js';
