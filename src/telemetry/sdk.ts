import { log } from './logger.js';

export interface Telemetry {
  /** Flushes and stops exporting; never waits longer than `timeoutMs` (an absent collector must not hold the CLI). */
  shutdown(timeoutMs?: number): Promise<void>;
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
}

const disabled: Telemetry = { shutdown: async () => {} };

/**
 * Starts the OpenTelemetry SDK: OTLP over HTTP for traces and metrics, host metrics (process.memory.usage among
 * them). OTEL_SDK_DISABLED, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_* are honoured by the
 * SDK itself; `mcp-discovery` is only the default service name.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const env = options.env ?? process.env;
  if (/^true$/i.test(env.OTEL_SDK_DISABLED ?? '')) return disabled;
  const configured =
    env.OTEL_EXPORTER_OTLP_ENDPOINT ??
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  if (!configured && !options.exportByDefault) {
    log.debug('telemetry: no OTLP endpoint set (OTEL_EXPORTER_OTLP_ENDPOINT); not exporting');
    return disabled;
  }
  log.debug({ endpoint: configured ?? 'http://localhost:4318' }, 'telemetry: exporting OTLP over HTTP');

  // Loaded only when exporting: the SDK and exporters take about half a second to import.
  const [
    { OTLPMetricExporter },
    { OTLPTraceExporter },
    { HostMetrics },
    { resourceFromAttributes },
    { PeriodicExportingMetricReader },
    { NodeSDK },
    semconv,
  ] = await Promise.all([
    import('@opentelemetry/exporter-metrics-otlp-http'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/host-metrics'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [semconv.ATTR_SERVICE_NAME]: 'mcp-discovery',
      [semconv.ATTR_SERVICE_VERSION]: options.serviceVersion,
    }),
    traceExporter: new OTLPTraceExporter(),
    metricReaders: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: options.exportIntervalMs ?? 15_000,
      }),
    ],
    instrumentations: [],
  });
  try {
    sdk.start();
    new HostMetrics({ name: 'mcp-discovery-host' }).start();
  } catch (error) {
    log.debug({ err: error }, 'telemetry: could not start, continuing without it');
    return disabled;
  }
  return {
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
