import {
  JOB,
  KPIS,
  type Kpi,
  promDuration,
  type Selector,
  type Severity,
  severitiesOf,
  thresholdOf,
  type Unit,
} from '../../src/kpi/index.js';
import { alertName, humanizedValue, promRule } from './prometheus-rules.js';

/** How far past or inside a threshold the scripted value sits: "just" past, "just" inside. */
const MARGIN = 0.02;
const INSTANCE = 'app:7842';
const STEP_SECONDS = 60;

interface Series {
  series: string;
  values: string;
}

function labels(selector: Selector, extra: Record<string, string> = {}): string {
  const all = { ...selector.match, ...extra, job: JOB, instance: INSTANCE };
  return `${selector.metric}{${Object.entries(all)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
}

/** `start+step` repeated over `steps` samples, in promtool's expanding notation. */
function line(start: number, perStep: number, steps: number): string {
  return `${start}+${perStep}x${steps}`;
}

/** Input series that hold the KPI at `value` from the start; `undefined` value scripts "no traffic". */
function seriesFor(kpi: Kpi, value: number | undefined, steps: number): Series[] {
  const m = kpi.measure;
  const perStep = 60;
  switch (m.type) {
    case 'ratio': {
      const rate = value === undefined ? 0 : perStep;
      const v = value ?? 0;
      if (m.numerator.metric !== m.denominator.metric)
        return [
          { series: labels(m.numerator), values: line(0, rate * v, steps) },
          { series: labels(m.denominator), values: line(0, rate, steps) },
        ];
      // Same counter: the numerator's label set plus its complement make up the denominator.
      const [key] = Object.keys(m.numerator.match);
      return [
        { series: labels(m.numerator), values: line(0, rate * v, steps) },
        {
          series: labels(m.denominator, { [key as string]: 'other' }),
          values: line(0, rate * (1 - v), steps),
        },
      ];
    }
    case 'average':
      return [{ series: labels(m.gauge), values: line(value ?? 0, 0, steps) }];
    case 'slope':
      return [
        {
          series: labels(m.gauge),
          values: line(100 * 2 ** 20, ((value ?? 0) * STEP_SECONDS) / m.perSeconds, steps),
        },
      ];
    case 'instances':
      // Down is no series at all; up is one that keeps reporting.
      return value !== undefined && value < 1 ? [] : [{ series: labels(m.gauge), values: line(1, 0, steps) }];
  }
}

/** Go's `%.4g` for the magnitudes our thresholds have. */
function g4(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** What Prometheus's humanize functions print for `value` (see prometheus-rules.ts HUMANIZE). */
export function humanized(value: number, unit: Unit): string {
  switch (unit) {
    case 's':
      return value >= 1 ? `${g4(value)}s` : `${g4(value * 1000)}ms`;
    case 'percentunit':
      return `${g4(value * 100)}%`;
    case 'bytes': {
      let v = value;
      let prefix = '';
      for (const p of ['ki', 'Mi', 'Gi', 'Ti']) {
        if (Math.abs(v) < 1024) break;
        prefix = p;
        v /= 1024;
      }
      return `${g4(v)}${prefix}B`;
    }
    case 'short':
      return g4(value);
  }
}

/** Seconds from the first sample until the expression has a value: rates and slopes need two samples. */
function warmUp(kpi: Kpi): number {
  return kpi.measure.type === 'ratio' || kpi.measure.type === 'slope' ? STEP_SECONDS : 0;
}

function expectedAlert(kpi: Kpi, severity: Severity, value: number) {
  const rule = promRule(kpi, severity);
  const instanceLabels = kpi.measure.type === 'instances' ? {} : { job: JOB, instance: INSTANCE };
  return {
    exp_labels: { ...instanceLabels, ...rule.labels },
    exp_annotations: {
      ...rule.annotations,
      summary: rule.annotations.summary?.replace(humanizedValue(kpi.unit), humanized(value, kpi.unit)),
    },
  };
}

function testsFor(kpi: Kpi, severity: Severity): object[] {
  const threshold = thresholdOf(kpi, severity) as number;
  const worse = kpi.direction === 'above' ? 1 + MARGIN : 1 - MARGIN;
  const better = kpi.direction === 'above' ? 1 - MARGIN : 1 + MARGIN;
  const past = kpi.measure.type === 'instances' ? 0 : threshold * worse;
  const inside = kpi.measure.type === 'instances' ? 1 : threshold * better;
  const firesAt = warmUp(kpi) + kpi.pendingSeconds;
  const steps = Math.ceil((kpi.windowSeconds + firesAt) / STEP_SECONDS) + 10;
  const late = promDuration(steps * STEP_SECONDS - STEP_SECONDS);
  const alertname = alertName(kpi, severity);
  const tests: object[] = [
    {
      name: `${alertname}: fires just past ${threshold} once pending for ${promDuration(kpi.pendingSeconds)}`,
      interval: '1m',
      input_series: seriesFor(kpi, past, steps),
      alert_rule_test: [
        // One evaluation earlier the condition holds but has not lasted long enough (or has no samples yet).
        ...(firesAt > 0
          ? [{ alertname, eval_time: promDuration(firesAt - STEP_SECONDS), exp_alerts: [] }]
          : []),
        { alertname, eval_time: promDuration(firesAt), exp_alerts: [expectedAlert(kpi, severity, past)] },
      ],
    },
    {
      name: `${alertname}: quiet just inside ${threshold}`,
      interval: '1m',
      input_series: seriesFor(kpi, inside, steps),
      alert_rule_test: [{ alertname, eval_time: late, exp_alerts: [] }],
    },
  ];
  if (kpi.measure.type === 'ratio')
    tests.push({
      name: `${alertname}: quiet without traffic`,
      interval: '1m',
      input_series: seriesFor(kpi, undefined, steps),
      alert_rule_test: [{ alertname, eval_time: late, exp_alerts: [] }],
    });
  return tests;
}

/** alerting/tests.yml, for `promtool test rules alerting/tests.yml`. */
export function promtoolTests(): object {
  return {
    rule_files: ['rules.yml'],
    evaluation_interval: '1m',
    tests: KPIS.flatMap((kpi) => severitiesOf(kpi).flatMap((severity) => testsFor(kpi, severity))),
  };
}
