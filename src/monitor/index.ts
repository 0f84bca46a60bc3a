export { type Alert, type AlertHandler, AlertSchema } from './alert.js';
export { evaluateKpi } from './evaluate.js';
export * from './handlers/index.js';
export { Monitor, type MonitorOptions } from './monitor.js';
export { isRotatedName, RotatingFile, RotatingFileError, rotatedName } from './rotating-file.js';
export { type PromSeries, type Sample, toPromSeries } from './series.js';
export { logsDir, startMonitor } from './start.js';
export { KpiAlerts, type Tick } from './state.js';
export {
  type KpiReading,
  KpiReadingSchema,
  type ServerStatus,
  ServerStatusSchema,
  statusFile,
} from './status.js';
