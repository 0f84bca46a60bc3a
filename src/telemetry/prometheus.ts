import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';

export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A pull reader for Prometheus with no server of its own: the HTTP face serves its text on /metrics, behind the
 * face's token and on the face's port. The JS exporter adds `_total` to counters and no unit suffix, which is what
 * the DESIGN's metric names rely on.
 */
export async function prometheusReader(): Promise<{ reader: IMetricReader; handler: MetricsHandler }> {
  const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
  const exporter = new PrometheusExporter({ preventServerStart: true });
  return { reader: exporter, handler: (req, res) => exporter.getMetricsRequestHandler(req, res) };
}
