import type { ResourceDetector } from '@opentelemetry/resources';
import type { IMetricReader, MetricReader, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { INSTANCE_ID } from './instance.js';
import { log } from './logger.js';
import { PerfRecorder } from './perf.js';
import { type MetricsHandler, prometheusReader } from './prometheus.js';

export interface Telemetry {
  /** Flushes and stops exporting; never waits longer than `timeoutMs` (an absent collector must not hold the CLI). */
  shutdown(timeoutMs?: number): Promise<void>;
  /** Prometheus text exposition of every metric, when started with `prometheus: true`. */
  metricsHandler?: MetricsHandler;
  /** Latency per operation and the slowest spans, when started with `inProcess: true`. */
  perf?: PerfRecorder;
  /** Every metric of this process now, when started with `inProcess: true` (the KPI monitor reads it). */
  collect?: () => Promise<ResourceMetrics>;
}

export interface TelemetryOptions {
  serviceVersion: string;
  env?: Record<string, string | undefined>;
  /** How often metrics are pushed; a long-running server keeps the default, the CLI flushes at exit. */
  exportIntervalMs?: number;
  /**
   * Export to http://localhost:4318 when no OTLP endpoint is set. A long-running server does; a short CLI command
   * does not, so that without a collector it never spends its last seconds retrying an export nobody receives.
   */
  exportByDefault?: boolean;
  /** Also keep metrics for a Prometheus scrape of the HTTP face's /metrics, with or without OTLP export. */
  prometheus?: boolean;
  /** Also keep metrics readable in process, for the KPI monitor, with or without any export. */
  inProcess?: boolean;
}

const disabled: Telemetry = { shutdown: async () => {} };

/**
 * Starts the OpenTelemetry SDK: OTLP over HTTP for traces and metrics, a Prometheus reader when asked, host
 * metrics (process.memory.usage among them). OTEL_SDK_DISABLED, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_* are honoured by the SDK itself; `mcp-discovery` is only the default service name.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const env = options.env ?? process.env;
  if (/^true$/i.test(env.OTEL_SDK_DISABLED ?? '')) return disabled;
  const configured =
    env.OTEL_EXPORTER_OTLP_ENDPOINT ??
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  const otlp = Boolean(configured || options.exportByDefault);
  if (!otlp && !options.prometheus && !options.inProcess) {
    log.debug('telemetry: no OTLP endpoint set (OTEL_EXPORTER_OTLP_ENDPOINT); not exporting');
    return disabled;
  }
  if (otlp)
    log.debug({ endpoint: configured ?? 'http://localhost:4318' }, 'telemetry: exporting OTLP over HTTP');
  else log.debug('telemetry: no OTLP endpoint set (OTEL_EXPORTER_OTLP_ENDPOINT); metrics only on /metrics');

  // Loaded only when needed: the SDK and exporters take about half a second to import.
  const [
    { HostMetrics },
    { RuntimeNodeInstrumentation },
    resources,
    { NodeSDK },
    semconv,
    exporters,
    prometheus,
    inProcess,
  ] = await Promise.all([
    import('@opentelemetry/host-metrics'),
    import('@opentelemetry/instrumentation-runtime-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/semantic-conventions'),
    otlp ? otlpExporters(options.exportIntervalMs ?? 15_000) : undefined,
    options.prometheus ? prometheusReader() : undefined,
    options.inProcess ? onDemandReader() : undefined,
  ]);
  const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const perf = options.inProcess ? new PerfRecorder() : undefined;
  const metricReaders = [exporters?.metricReader, prometheus?.reader, inProcess].filter(
    (r) => r !== undefined,
  );
  const sdk = new NodeSDK({
    resource: resources.resourceFromAttributes({
      [semconv.ATTR_SERVICE_NAME]: 'mcp-discovery',
      [semconv.ATTR_SERVICE_VERSION]: options.serviceVersion,
      // Tells instances apart through the Collector, where it becomes Prometheus's `instance` label.
      'service.instance.id': INSTANCE_ID,
    }),
    resourceDetectors: [
      resources.envDetector,
      withoutCommandArgs(resources.processDetector),
      resources.hostDetector,
    ],
    metricReaders,
    // Without OTLP, empty lists rather than absent ones: absent, the SDK would build OTLP exporters from OTEL_* env.
    spanProcessors: [
      ...(exporters ? [new BatchSpanProcessor(exporters.traceExporter)] : []),
      ...(perf ? [perf] : []),
    ],
    // Without OTLP an empty list rather than none: absent, the SDK would build an OTLP log exporter from env.
    ...(!exporters && { logRecordProcessors: [] }),
    // Heap, event-loop delay and GC for the Runtime dashboard; host metrics add RSS and CPU.
    instrumentations: [new RuntimeNodeInstrumentation()],
  });
  try {
    sdk.start();
    new HostMetrics({ name: 'mcp-discovery-host' }).start();
  } catch (error) {
    log.debug({ err: error }, 'telemetry: could not start, continuing without it');
    return disabled;
  }
  return {
    ...(prometheus && { metricsHandler: prometheus.handler }),
    ...(perf && { perf }),
    ...(inProcess && {
      collect: async () => {
        const { resourceMetrics, errors } = await inProcess.collect();
        if (errors.length > 0)
          log.debug({ errors: errors.length }, 'telemetry: some metrics could not be collected');
        return resourceMetrics;
      },
    }),
    async shutdown(timeoutMs = 2_000) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      });
      await Promise.race([sdk.shutdown().catch(() => undefined), deadline]);
      clearTimeout(timer);
    },
  };
}

/**
 * The process detector without `process.command_args`: the command line may carry `--token`, and resource
 * attributes go out with every span batch and as `target_info` labels on /metrics.
 */
function withoutCommandArgs(detector: ResourceDetector): ResourceDetector {
  return {
    detect(config) {
      const { attributes = {}, ...rest } = detector.detect(config);
      return {
        ...rest,
        attributes: Object.fromEntries(
          Object.entries(attributes).filter(([key]) => key !== 'process.command_args'),
        ),
      };
    },
  };
}

async function otlpExporters(
  exportIntervalMs: number,
): Promise<{ traceExporter: SpanExporter; metricReader: IMetricReader }> {
  const [{ OTLPMetricExporter }, { OTLPTraceExporter }, { PeriodicExportingMetricReader }] =
    await Promise.all([
      import('@opentelemetry/exporter-metrics-otlp-http'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/sdk-metrics'),
    ]);
  return {
    traceExporter: new OTLPTraceExporter(),
    metricReader: new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter(),
      exportIntervalMillis: exportIntervalMs,
    }),
  };
}

/** A reader that collects only when asked: the monitor samples on its own schedule. */
async function onDemandReader(): Promise<MetricReader> {
  const { MetricReader } = await import('@opentelemetry/sdk-metrics');
  class OnDemandReader extends MetricReader {
    protected async onForceFlush(): Promise<void> {}
    protected async onShutdown(): Promise<void> {}
  }
  return new OnDemandReader();
}
