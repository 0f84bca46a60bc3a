export { INSTANCE_ID } from './instance.js';
export { type Instruments, instruments } from './instruments.js';
export { createLogger, type Logger, log } from './logger.js';
export {
  type OperationStats,
  PerfRecorder,
  type PerfSnapshot,
  PerfSnapshotSchema,
  percentile,
  type SlowSpan,
} from './perf.js';
export type { MetricsHandler } from './prometheus.js';
export { startTelemetry, type Telemetry, type TelemetryOptions } from './sdk.js';
export * from './semconv.js';
export { errorType, recordError, tracer, withSpan } from './spans.js';
