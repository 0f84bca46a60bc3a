import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Collects on demand instead of on a timer, so a test reads exactly what has been recorded so far. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface TestTelemetry {
  spans(): ReadableSpan[];
  metrics(): Promise<ResourceMetrics>;
  points(name: string): Promise<DataPoint<number | Histogram>[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

/** Real OTel SDK providers with in-memory exporters, registered globally as the app's SDK bootstrap would. */
export function installTestTelemetry(): TestTelemetry {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  const collect = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics;
  };
  return {
    spans: () => spanExporter.getFinishedSpans(),
    metrics: collect,
    async points(name) {
      const rm = await collect();
      return rm.scopeMetrics.flatMap((s) =>
        s.metrics
          .filter((m) => m.descriptor.name === name)
          .flatMap((m) => m.dataPoints as DataPoint<number | Histogram>[]),
      );
    },
    reset: () => spanExporter.reset(),
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}
