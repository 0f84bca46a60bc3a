import { PanelBuilder as BarGauge } from '@grafana/grafana-foundation-sdk/bargauge';
import {
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  ReduceDataOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  PanelBuilder as GenericPanel,
  RowBuilder,
  TextBoxVariableBuilder,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Heatmap } from '@grafana/grafana-foundation-sdk/heatmap';
import { PanelBuilder as NodeGraph } from '@grafana/grafana-foundation-sdk/nodegraph';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { DataqueryBuilder as TempoQuery } from '@grafana/grafana-foundation-sdk/tempo';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import {
  formatValue,
  KPIS,
  type Kpi,
  kpiById,
  kpiExpr,
  DASHBOARD_MATCHERS as M,
  promDuration,
} from '../../src/kpi/index.js';
import { finish, kpiThresholds, PROMETHEUS, promQuery, TAG, TEMPO, withInstanceVariables } from './panels.js';

const RATE = '$__rate_interval';
const BY_INSTANCE = '{{job}} {{instance}}';

/** `metric{extra, job=~"$job", instance=~"$instance"}`. */
function s(metric: string, extra = ''): string {
  return `${metric}{${extra ? `${extra}, ` : ''}${M}}`;
}

function base(uid: string, title: string, description: string): DashboardBuilder {
  return withInstanceVariables(
    new DashboardBuilder(title)
      .uid(uid)
      .description(description)
      .tags([TAG])
      .time({ from: 'now-6h', to: 'now' })
      .refresh('30s')
      .timezone('browser')
      .link(
        new DashboardLinkBuilder('mcp-discovery')
          .type(DashboardLinkType.Dashboards)
          .tags([TAG])
          .asDropdown(true)
          .includeVars(true)
          .keepTime(true),
      ),
  );
}

/** Latency panels link to the Traces dashboard for the same operation and time range. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: ${...} are Grafana's data-link variables, not JS.
const TRACE_LINK = new DashboardLinkBuilder('Slow traces of ${__field.labels.operation}')
  .type(DashboardLinkType.Link)
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's data-link variables.
  .url('/d/mcp-discovery-traces?var-operation=${__field.labels.operation}&${__url_time_range}');

const LAST = new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);

/** A time series panel on Prometheus: the shape most panels here share. */
function timeseries(title: string, unit: string, span = 12, height = 8): TimeSeries {
  return new TimeSeries().title(title).unit(unit).height(height).span(span).datasource(PROMETHEUS);
}

function kpiDescription(kpi: Kpi): string {
  const parts = [kpi.description, `Window ${promDuration(kpi.windowSeconds)}.`];
  if (kpi.target !== undefined) parts.push(`Target ${formatValue(kpi.target, kpi.unit)}.`);
  if (kpi.warning !== undefined) parts.push(`Warning at ${formatValue(kpi.warning, kpi.unit)}.`);
  if (kpi.critical !== undefined) parts.push(`Critical at ${formatValue(kpi.critical, kpi.unit)}.`);
  return parts.join(' ');
}

function kpiStat(kpi: Kpi): Stat {
  return new Stat()
    .title(kpi.title)
    .description(kpiDescription(kpi))
    .unit(kpi.unit)
    .height(5)
    .span(6)
    .datasource(PROMETHEUS)
    .thresholds(kpiThresholds(kpi))
    .reduceOptions(LAST)
    .noValue('no traffic')
    .withTarget(promQuery(kpiExpr(kpi, M), BY_INSTANCE));
}

function kpiTrend(kpi: Kpi): TimeSeries {
  return new TimeSeries()
    .title(`${kpi.title} (${promDuration(kpi.windowSeconds)} window)`)
    .description(kpiDescription(kpi))
    .unit(kpi.unit)
    .height(8)
    .span(12)
    .datasource(PROMETHEUS)
    .thresholds(kpiThresholds(kpi))
    .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.LineAndArea))
    .withTarget(promQuery(kpiExpr(kpi, M), BY_INSTANCE));
}

function need(id: string): Kpi {
  const kpi = kpiById(id);
  if (!kpi) throw new Error(`src/kpi has no KPI "${id}"`);
  return kpi;
}

export function overview(): object {
  const headline = KPIS.filter((kpi) => kpi.headline);
  let d = base(
    'mcp-discovery-overview',
    'mcp-discovery / Overview',
    'The KPIs with their targets and thresholds.',
  );
  d = d.withRow(new RowBuilder('KPIs'));
  for (const kpi of headline) d = d.withPanel(kpiStat(kpi));
  d = d.withRow(new RowBuilder('Trends'));
  for (const kpi of headline) d = d.withPanel(kpiTrend(kpi));
  d = d
    .withRow(new RowBuilder('Alerts and availability'))
    .withPanel(
      new GenericPanel()
        .type('alertlist')
        .title('Firing alerts')
        .description(
          'Grafana-managed alerts of this stack (folder mcp-discovery) that are firing or pending.',
        )
        .height(8)
        .span(12)
        .options({
          viewMode: 'list',
          showInstances: true,
          groupMode: 'default',
          maxItems: 20,
          sortOrder: 1,
          stateFilter: { firing: true, pending: true, noData: true, error: true, normal: false },
          folder: { title: 'mcp-discovery' },
          alertInstanceLabelFilter: '',
        }),
    )
    .withPanel(kpiStat(need('app_up')).span(6).height(8))
    .withPanel(kpiTrend(need('memory_growth')).span(6));
  return finish(d);
}

export function discovery(): object {
  const probes = 'mcp_discovery_server_probes_total';
  const d = base(
    'mcp-discovery-discovery',
    'mcp-discovery / Discovery',
    'Server probes, health and the catalog.',
  )
    .withRow(new RowBuilder('Probes'))
    .withPanel(
      new BarGauge()
        .title('Probe success rate per server (time range)')
        .unit('percentunit')
        .min(0)
        .max(1)
        .height(8)
        .span(12)
        .datasource(PROMETHEUS)
        .thresholds(kpiThresholds(need('discovery_success_rate')))
        .withTarget(
          promQuery(
            `sum by (server) (increase(${s(probes, 'outcome="success"')}[$__range])) / sum by (server) (increase(${s(probes)}[$__range]))`,
            '{{server}}',
          ).instant(),
        ),
    )
    .withPanel(
      timeseries('Probes by outcome', 'short', 12, 8).withTarget(
        promQuery(`sum by (outcome) (increase(${s(probes)}[${RATE}]))`, '{{outcome}}'),
      ),
    )
    .withPanel(
      timeseries('Probe latency p95 per server', 's', 12, 8).withTarget(
        promQuery(
          `histogram_quantile(0.95, sum by (server, le) (rate(${s('mcp_discovery_operation_seconds_bucket', 'operation="probe"')}[${RATE}])))`,
          '{{server}}',
        ),
      ),
    )
    .withPanel(
      new TimeSeries()
        .title('Failed and timed-out probes per server')
        .description(
          'The reason of each failure is on its probe span (Traces) and in `mcp-discovery diagnose`.',
        )
        .unit('short')
        .height(8)
        .span(12)
        .datasource(PROMETHEUS)
        .withTarget(
          promQuery(
            `sum by (server, outcome) (increase(${s(probes, 'outcome!="success"')}[${RATE}]))`,
            '{{server}} {{outcome}}',
          ),
        ),
    )
    .withRow(new RowBuilder('Catalog'))
    .withPanel(
      timeseries('Servers by health', 'short', 8, 8).withTarget(
        promQuery(`sum by (health) (${s('mcp_discovery_servers')})`, '{{health}}'),
      ),
    )
    .withPanel(
      new BarGauge()
        .title('Tools per server')
        .unit('short')
        .height(8)
        .span(8)
        .datasource(PROMETHEUS)
        .withTarget(promQuery(`max by (server) (${s('mcp_discovery_tools')})`, '{{server}}').instant()),
    )
    .withPanel(
      new TimeSeries()
        .title('Catalog changes')
        .description(
          'Entries added, removed or changed (by content hash) by discovery runs and list-change re-reads.',
        )
        .unit('short')
        .height(8)
        .span(8)
        .datasource(PROMETHEUS)
        .withTarget(
          promQuery(
            `sum by (change) (increase(${s('mcp_discovery_catalog_changes_total')}[${RATE}]))`,
            '{{change}}',
          ),
        ),
    );
  return finish(d);
}

export function searchAndCache(): object {
  const bucket = s('mcp_discovery_operation_seconds_bucket', 'kind="request"');
  const cache = 'mcp_discovery_cache_requests_total';
  const latency = new TimeSeries()
    .title('Request latency by operation')
    .description(
      'p50, p95 and p99 of request operations; a series links to the slow traces of its operation.',
    )
    .unit('s')
    .height(9)
    .span(12)
    .datasource(PROMETHEUS)
    .dataLinks([TRACE_LINK]);
  for (const q of [0.5, 0.95, 0.99])
    latency.withTarget(
      promQuery(
        `histogram_quantile(${q}, sum by (operation, le) (rate(${bucket}[${RATE}])))`,
        `{{operation}} p${q * 100}`,
      ).exemplar(true),
    );
  const d = base(
    'mcp-discovery-search',
    'mcp-discovery / Search and cache',
    'Request latency and the caches.',
  )
    .withRow(new RowBuilder('Latency'))
    .withPanel(latency)
    .withPanel(
      new Heatmap()
        .title('Request latency heatmap')
        .height(9)
        .span(12)
        .datasource(PROMETHEUS)
        .withTarget(
          promQuery(`sum by (le) (increase(${bucket}[${RATE}]))`, '{{le}}').format('heatmap' as never),
        ),
    )
    .withPanel(
      timeseries('Requests per second by operation', 'reqps', 12, 8).withTarget(
        promQuery(
          `sum by (operation) (rate(${s('mcp_discovery_operation_seconds_count', 'kind="request"')}[${RATE}]))`,
          '{{operation}}',
        ),
      ),
    )
    .withPanel(kpiTrend(need('response_time')))
    .withRow(new RowBuilder('Caches'))
    .withPanel(
      new TimeSeries()
        .title('Hit rate per cache')
        .unit('percentunit')
        .min(0)
        .max(1)
        .height(8)
        .span(12)
        .datasource(PROMETHEUS)
        .thresholds(kpiThresholds(need('cache_hit_rate')))
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Line))
        .withTarget(
          promQuery(
            `(sum by (cache) (increase(${s(cache, 'result="hit"')}[${RATE}])) or sum by (cache) (increase(${s(cache)}[${RATE}])) * 0) / sum by (cache) (increase(${s(cache)}[${RATE}]))`,
            '{{cache}}',
          ),
        ),
    )
    .withPanel(
      timeseries('Cache entries', 'short', 12, 8).withTarget(
        promQuery(`sum by (cache) (${s('mcp_discovery_cache_entries')})`, '{{cache}}'),
      ),
    );
  return finish(d);
}

/**
 * Learning totals are a database's, and every instance on a shared PostgreSQL reports them: one value per
 * database (`store`; the largest, as an instance's reading can lag), then the databases added up.
 */
const perStore = (by: string[], expr: string) =>
  `sum${by.length > 0 ? ` by (${by.join(', ')})` : ''} (max by (${[...by, 'store'].join(', ')}) (${expr}))`;

export function learning(): object {
  const suggestions = 'mcp_discovery_suggestions_total';
  // Accepted and open, per instance, before one value is taken per database.
  const allSuggestions = perStore([], `sum by (store, instance, job) (${s(suggestions)})`);
  const d = base(
    'mcp-discovery-learning',
    'mcp-discovery / Learning',
    'What Claude Code hook events teach us.',
  )
    .withRow(new RowBuilder('Hook events'))
    .withPanel(
      timeseries('Hook events by event', 'short', 12, 8).withTarget(
        promQuery(
          perStore(['event'], `increase(${s('mcp_discovery_hook_events_total')}[${RATE}])`),
          '{{event}}',
        ),
      ),
    )
    .withPanel(
      new Stat()
        .title('Suggestion acceptance')
        .description(
          'Suggestions used later in their session, of all suggestions returned (since the first).',
        )
        .unit('percentunit')
        .height(8)
        .span(6)
        .datasource(PROMETHEUS)
        .reduceOptions(LAST)
        .withTarget(
          promQuery(
            `${perStore([], s(suggestions, 'result="accepted"'))} / ${allSuggestions} and ${allSuggestions} > 0`,
          ),
        ),
    )
    .withPanel(
      new Stat()
        .title('Suggestions returned')
        .unit('short')
        .height(8)
        .span(6)
        .datasource(PROMETHEUS)
        .reduceOptions(LAST)
        .withTarget(promQuery(perStore(['result'], s(suggestions)), '{{result}}')),
    )
    .withRow(new RowBuilder('Tools'))
    .withPanel(
      new BarGauge()
        .title('Top tools (time range)')
        .unit('short')
        .height(9)
        .span(12)
        .datasource(PROMETHEUS)
        .withTarget(
          promQuery(
            `topk(10, ${perStore(['tool'], `increase(${s('mcp_discovery_tool_uses_total')}[$__range])`)})`,
            '{{tool}}',
          ).instant(),
        ),
    )
    .withPanel(
      timeseries('Tool uses', 'short', 12, 9).withTarget(
        promQuery(perStore(['tool'], `increase(${s('mcp_discovery_tool_uses_total')}[${RATE}])`), '{{tool}}'),
      ),
    );
  return finish(d);
}

export function runtime(): object {
  const memory = s('process_memory_usage');
  const d = base('mcp-discovery-runtime', 'mcp-discovery / Runtime', 'Memory, CPU and the event loop.')
    .withRow(new RowBuilder('Memory'))
    .withPanel(
      timeseries('Resident memory (RSS)', 'bytes', 12, 8)
        .thresholds(kpiThresholds(need('memory_rss')))
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Line))
        .withTarget(promQuery(memory, BY_INSTANCE)),
    )
    .withPanel(kpiTrend(need('memory_growth')))
    .withPanel(
      timeseries('V8 heap used by space', 'bytes', 12, 8)
        .withTarget(
          promQuery(
            `sum by (v8js_heap_space_name) (${s('v8js_memory_heap_used')})`,
            '{{v8js_heap_space_name}}',
          ),
        )
        .withTarget(promQuery(`sum(${s('v8js_memory_heap_space_size')})`, 'heap size (all spaces)')),
    )
    .withRow(new RowBuilder('CPU and event loop'))
    .withPanel(
      new TimeSeries()
        .title('CPU')
        .description('CPU seconds per second by state: 1 is one core fully busy.')
        .unit('short')
        .height(8)
        .span(8)
        .datasource(PROMETHEUS)
        .withTarget(
          promQuery(
            `sum by (instance, process_cpu_state) (rate(${s('process_cpu_time_total')}[${RATE}]))`,
            '{{instance}} {{process_cpu_state}}',
          ),
        ),
    )
    .withPanel(
      timeseries('Event-loop delay', 's', 8, 8)
        .withTarget(promQuery(`max by (instance) (${s('nodejs_eventloop_delay_p99')})`, '{{instance}} p99'))
        .withTarget(
          promQuery(`max by (instance) (${s('nodejs_eventloop_delay_mean')})`, '{{instance}} mean'),
        ),
    )
    .withPanel(
      timeseries('Event-loop utilization', 'percentunit', 8, 8).withTarget(
        promQuery(`max by (instance) (${s('nodejs_eventloop_utilization')})`, '{{instance}}'),
      ),
    );
  return finish(d);
}

function traceql(query: string, limit = 20): TempoQuery {
  return new TempoQuery()
    .datasource(TEMPO)
    .queryType('traceql')
    .query(query)
    .limit(limit)
    .tableType('traces' as never);
}

export function traces(): object {
  const d = new DashboardBuilder('mcp-discovery / Traces')
    .uid('mcp-discovery-traces')
    .description('Slow and failed operations in Tempo; latency panels elsewhere link here.')
    .tags([TAG])
    .time({ from: 'now-1h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .withVariable(
      new TextBoxVariableBuilder('operation')
        .label('Operation (span name contains)')
        .defaultValue('mcp_discovery'),
    )
    .withVariable(new TextBoxVariableBuilder('min_duration').label('Slower than').defaultValue('250ms'))
    .withRow(new RowBuilder('Traces'))
    .withPanel(
      new Table()
        .title('Slow operations')
        .height(10)
        .span(24)
        .datasource(TEMPO)
        .withTarget(
          traceql(
            '{ resource.service.name = "mcp-discovery" && name =~ ".*$operation.*" && duration > $min_duration }',
          ),
        ),
    )
    .withPanel(
      new Table()
        .title('Failed operations')
        .height(10)
        .span(12)
        .datasource(TEMPO)
        .withTarget(traceql('{ resource.service.name = "mcp-discovery" && status = error }')),
    )
    .withPanel(
      new Table()
        .title('Slow server probes')
        .height(10)
        .span(12)
        .datasource(TEMPO)
        .withTarget(
          traceql(
            '{ resource.service.name = "mcp-discovery" && name =~ "mcp_discovery.probe.*" && duration > $min_duration }',
          ),
        ),
    )
    .withPanel(
      new NodeGraph()
        .title('Service graph')
        .height(10)
        .span(24)
        .datasource(TEMPO)
        .withTarget(new TempoQuery().datasource(TEMPO).queryType('serviceMap')),
    );
  return finish(d);
}

/** Every dashboard, by file name under grafana/dashboards/. */
export function dashboards(): Record<string, object> {
  return {
    'overview.json': overview(),
    'discovery.json': discovery(),
    'search-cache.json': searchAndCache(),
    'learning.json': learning(),
    'runtime.json': runtime(),
    'traces.json': traces(),
  };
}
