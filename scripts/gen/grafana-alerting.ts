import {
  ContactPointBuilder,
  NotificationPolicyBuilder,
  NotificationTemplateBuilder,
  QueryBuilder,
  RuleBuilder,
} from '@grafana/grafana-foundation-sdk/alerting';
import { TypeReduceBuilder, TypeThresholdBuilder } from '@grafana/grafana-foundation-sdk/expr';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import {
  formatValue,
  KPIS,
  type Kpi,
  kpiExpr,
  promDuration,
  RULE_MATCHERS,
  runbookUrl,
  type Severity,
  severitiesOf,
  thresholdOf,
} from '../../src/kpi/index.js';
import { HUMANIZE } from './humanize.js';
import { PROMETHEUS } from './panels.js';

/** Grafana-managed alert rules live in this folder; the Overview's alert list shows it. */
export const FOLDER = 'mcp-discovery';
const EXPRESSIONS = { type: '__expr__', uid: '__expr__' };

/**
 * Grafana expands `$VAR` in provisioning files, so every `$` meant for Grafana's own templates is written `$$`.
 * Environment references (`$SLACK_WEBHOOK_URL`) are added after escaping.
 */
export function escapeDollars(text: string): string {
  return text.replaceAll('$', '$$$$');
}

export function ruleUid(kpi: Kpi, severity: Severity): string {
  return `mcpd-${kpi.id}-${severity}`;
}

function rule(kpi: Kpi, severity: Severity, threshold: number): object {
  const window = promDuration(kpi.windowSeconds);
  const { fn, suffix } = HUMANIZE[kpi.unit];
  const value = `{{ ${fn} $values.B.Value }}${suffix}`;
  const built = new RuleBuilder(`${kpi.title} ${severity}`)
    .uid(ruleUid(kpi, severity))
    .condition('C')
    .withQuery(
      new QueryBuilder('A')
        .datasourceUid(PROMETHEUS.uid)
        .relativeTimeRange({ from: kpi.windowSeconds, to: 0 })
        .model(
          new DataqueryBuilder()
            .datasource(PROMETHEUS)
            .expr(kpiExpr(kpi, RULE_MATCHERS))
            .instant()
            .refId('A'),
        ),
    )
    .withQuery(
      new QueryBuilder('B')
        .datasourceUid(EXPRESSIONS.uid)
        .model(
          new TypeReduceBuilder()
            .refId('B')
            .datasource(EXPRESSIONS)
            .expression('A')
            .reducer('last')
            .settings({ mode: 'dropNN' }),
        ),
    )
    .withQuery(
      new QueryBuilder('C').datasourceUid(EXPRESSIONS.uid).model(
        new TypeThresholdBuilder()
          .refId('C')
          .datasource(EXPRESSIONS)
          .expression('B')
          .conditions([
            { evaluator: { type: kpi.direction === 'above' ? 'gt' : 'lt', params: [threshold] } },
          ]),
      ),
    )
    .forDuration(promDuration(kpi.pendingSeconds))
    // A ratio without traffic returns nothing, which is healthy; the down rule must fire on silence.
    .noDataState(kpi.measure.type === 'instances' ? 'Alerting' : 'OK')
    .execErrState('Error')
    .labels({ severity, kpi: kpi.id, service: 'mcp-discovery' })
    .annotations({
      summary: escapeDollars(
        `${kpi.title} is ${value} (${severity} threshold ${formatValue(threshold, kpi.unit)})`,
      ),
      description: kpi.description,
      value: escapeDollars(value),
      threshold: formatValue(threshold, kpi.unit),
      window,
      runbook_url: runbookUrl(kpi),
    })
    .build();
  const { uid, title, condition, data, noDataState, execErrState, annotations, labels } = built;
  return {
    uid,
    title,
    condition,
    data,
    noDataState,
    execErrState,
    for: built.for,
    annotations,
    labels,
    isPaused: false,
  };
}

export function alertRules(): object {
  const rules = KPIS.flatMap((kpi) =>
    severitiesOf(kpi).map((severity) => rule(kpi, severity, thresholdOf(kpi, severity) as number)),
  );
  return {
    apiVersion: 1,
    groups: [{ orgId: 1, name: 'mcp-discovery-kpis', folder: FOLDER, interval: '1m', rules }],
  };
}

const TITLE = '{{ template "mcp-discovery.title" . }}';
const MESSAGE = '{{ template "mcp-discovery.message" . }}';

/** One contact point per channel; their secrets come from the environment Grafana runs with. */
export function contactPoints(): object {
  const points = [
    new ContactPointBuilder()
      .uid('mcpd-email')
      .name('mcp-discovery-email')
      .type('email')
      .settings({ addresses: '$ALERT_EMAIL_TO', singleEmail: true, subject: TITLE, message: MESSAGE }),
    new ContactPointBuilder()
      .uid('mcpd-slack')
      .name('mcp-discovery-slack')
      .type('slack')
      .settings({ url: '$SLACK_WEBHOOK_URL', title: TITLE, text: MESSAGE }),
    new ContactPointBuilder()
      .uid('mcpd-webhook')
      .name('mcp-discovery-webhook')
      .type('webhook')
      .settings({ url: '$ALERT_WEBHOOK_URL', httpMethod: 'POST', title: TITLE, message: MESSAGE }),
  ].map((builder) => builder.build());
  return {
    apiVersion: 1,
    contactPoints: points.map(({ name, uid, type, settings }) => ({
      orgId: 1,
      name,
      receivers: [{ uid, type, settings, disableResolveMessage: false }],
    })),
  };
}

/**
 * Critical alerts page every channel fast and repeat hourly; warnings skip email, wait longer and repeat every
 * four hours. `continue` lets one alert reach several contact points.
 */
export function policies(): object {
  const route = (severity: Severity, receiver: string) => {
    const critical = severity === 'critical';
    return new NotificationPolicyBuilder()
      .receiver(receiver)
      .objectMatchers([['severity', '=', severity]])
      .continueVal(true)
      .groupWait(critical ? '10s' : '1m')
      .groupInterval(critical ? '1m' : '5m')
      .repeatInterval(critical ? '1h' : '4h');
  };
  const tree = new NotificationPolicyBuilder()
    .receiver('mcp-discovery-webhook')
    .groupBy(['alertname', 'kpi', 'instance'])
    .routes([
      route('critical', 'mcp-discovery-email'),
      route('critical', 'mcp-discovery-slack'),
      route('critical', 'mcp-discovery-webhook'),
      route('warning', 'mcp-discovery-slack'),
      route('warning', 'mcp-discovery-webhook'),
    ])
    .build();
  return { apiVersion: 1, policies: [{ orgId: 1, ...tree }] };
}

const TEMPLATE = `{{ define "mcp-discovery.title" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ end }}
{{ define "mcp-discovery.message" }}{{ range .Alerts }}[{{ .Status | toUpper }}] {{ .Labels.severity }}: {{ .Annotations.summary }}
Value: {{ .Annotations.value }}, threshold: {{ .Annotations.threshold }}, window: {{ .Annotations.window }}
Instance: {{ .Labels.job }} {{ .Labels.instance }}
Runbook: {{ .Annotations.runbook_url }}
{{ end }}{{ end }}`;

export function templates(): object {
  const built = new NotificationTemplateBuilder().name('mcp-discovery').template(TEMPLATE).build();
  return { apiVersion: 1, templates: [{ orgId: 1, name: built.name, template: built.template }] };
}
