import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HostMetrics } from '@opentelemetry/host-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
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
}

const disabled: Telemetry = { shutdown: async () => {} };

/**
 * Starts the OpenTelemetry SDK: OTLP over HTTP for traces and metrics, host metrics (process.memory.usage among
 * them). OTEL_SDK_DISABLED, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_* are honoured by the
 * SDK itself; `mcp-discovery` is only the default service name.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const env = options.env ?? process.env;
  if (/^true$/i.test(env.OTEL_SDK_DISABLED ?? '')) return disabled;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318';
  log.debug({ endpoint }, 'telemetry: exporting OTLP over HTTP');

  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: 'mcp-discovery',
      [ATTR_SERVICE_VERSION]: options.serviceVersion,
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
