import {
  type DashboardBuilder,
  type Panel,
  QueryVariableBuilder,
  type Threshold,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { type Kpi, thresholdOf } from '../../src/kpi/index.js';

/** The fixed datasource uids of grafana/provisioning/datasources. */
export const PROMETHEUS = { type: 'prometheus', uid: 'prometheus' };
export const TEMPO = { type: 'tempo', uid: 'tempo' };

/** Every dashboard of ours carries this tag; dashboard links list them all. */
export const TAG = 'mcp-discovery';

export function promQuery(expr: string, legend?: string): DataqueryBuilder {
  const query = new DataqueryBuilder().datasource(PROMETHEUS).expr(expr).range();
  return legend ? query.legendFormat(legend) : query;
}

/** `job` and `instance` variables: every panel query filters on both. */
export function withInstanceVariables(dashboard: DashboardBuilder): DashboardBuilder {
  return dashboard
    .withVariable(
      new QueryVariableBuilder('job')
        .label('Job')
        .datasource(PROMETHEUS)
        .query('label_values(process_memory_usage, job)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .includeAll(true)
        .multi(true)
        .allValue('.+'),
    )
    .withVariable(
      new QueryVariableBuilder('instance')
        .label('Instance')
        .datasource(PROMETHEUS)
        .query('label_values(process_memory_usage{job=~"$job"}, instance)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .includeAll(true)
        .multi(true)
        .allValue('.+'),
    );
}

const COLOURS: Record<'ok' | 'target' | 'warning' | 'critical', string> = {
  ok: 'green',
  target: 'yellow',
  warning: 'orange',
  critical: 'red',
};

/**
 * Threshold steps from the KPI: green while the target holds, yellow past the target, orange past the warning,
 * red past the critical threshold, in whichever direction is bad for this KPI.
 */
export function kpiThresholds(kpi: Kpi): ThresholdsConfigBuilder {
  const candidates: { value: number | undefined; color: string }[] = [
    { value: kpi.target, color: COLOURS.target },
    { value: thresholdOf(kpi, 'warning'), color: COLOURS.warning },
    { value: thresholdOf(kpi, 'critical'), color: COLOURS.critical },
  ];
  const marks = candidates.filter(
    (mark): mark is { value: number; color: string } => mark.value !== undefined,
  );
  let steps: Threshold[];
  if (kpi.direction === 'above') {
    // A mark equal to a worse one adds nothing (a target that is the warning threshold, say).
    const distinct = marks.filter((mark, i) => !marks.slice(i + 1).some((m) => m.value === mark.value));
    steps = [{ value: null, color: COLOURS.ok }, ...distinct.sort((a, b) => a.value - b.value)];
  } else {
    // Below is bad: the colour of each band applies from its lower edge up to the next mark.
    const ascending = [...marks].sort((a, b) => a.value - b.value);
    steps = [{ value: null, color: ascending[0]?.color ?? COLOURS.critical }];
    ascending.forEach((mark, i) => {
      const better = ascending[i + 1]?.color ?? COLOURS.ok;
      if (steps.at(-1)?.color !== better) steps.push({ value: mark.value, color: better });
    });
  }
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** Panel ids unique within the dashboard, rows included, in layout order; query refIds A, B, C per panel. */
export function finish(dashboard: DashboardBuilder): object {
  const built = dashboard.build();
  let id = 1;
  const number = (panels: Panel[]) => {
    for (const panel of panels) {
      panel.id = id++;
      panel.targets?.forEach((target, i) => {
        (target as { refId?: string }).refId = String.fromCharCode(65 + i);
      });
      const nested = (panel as { panels?: Panel[] }).panels;
      if (nested) number(nested);
    }
  };
  number((built.panels ?? []) as Panel[]);
  return built;
}
