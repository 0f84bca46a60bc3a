import {
  breachExpr,
  formatValue,
  KPIS,
  type Kpi,
  promDuration,
  RULE_MATCHERS,
  runbookUrl,
  type Severity,
  severitiesOf,
  thresholdOf,
  type Unit,
} from '../../src/kpi/index.js';
import { HUMANIZE } from './humanize.js';

/** `{{ $value | humanizeDuration }}`: the rule's value through the same function Grafana's rules use. */
export function humanizedValue(unit: Unit): string {
  const { fn, suffix } = HUMANIZE[unit];
  return `{{ $value | ${fn} }}${suffix}`;
}

export function alertName(kpi: Kpi, severity: Severity): string {
  const camel = kpi.id.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
  return `McpDiscovery${camel}${severity === 'critical' ? 'Critical' : 'Warning'}`;
}

export interface PromRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function promRule(kpi: Kpi, severity: Severity): PromRule {
  const threshold = thresholdOf(kpi, severity) as number;
  return {
    alert: alertName(kpi, severity),
    expr: breachExpr(kpi, RULE_MATCHERS, threshold),
    for: promDuration(kpi.pendingSeconds),
    labels: { severity, kpi: kpi.id, service: 'mcp-discovery' },
    annotations: {
      summary: `${kpi.title} is ${humanizedValue(kpi.unit)} (${severity} threshold ${formatValue(threshold, kpi.unit)})`,
      description: kpi.description,
      threshold: formatValue(threshold, kpi.unit),
      window: promDuration(kpi.windowSeconds),
      runbook_url: runbookUrl(kpi),
    },
  };
}

/** alerting/rules.yml: the Grafana rules' twins for stacks that alert in Prometheus and Alertmanager. */
export function prometheusRules(): object {
  return {
    groups: [
      {
        name: 'mcp-discovery-kpis',
        interval: '1m',
        rules: KPIS.flatMap((kpi) => severitiesOf(kpi).map((severity) => promRule(kpi, severity))),
      },
    ],
  };
}
