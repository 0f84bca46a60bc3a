import { join } from 'node:path';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ResolvedSettings } from '../settings/index.js';
import type { AlertHandler } from './alert.js';
import { createHandlers } from './handlers/index.js';
import { Monitor } from './monitor.js';
import { RotatingFile } from './rotating-file.js';
import { toPromSeries } from './series.js';

/** `<dataDir>/logs`: the monitor's alert log and metrics export, rotated by size, cleaned by `maintain logs`. */
export const logsDir = (settings: ResolvedSettings) => join(settings.dataDir, 'logs');

/** The monitor `serve` runs: handlers, alert log and metrics export from settings, sampling on its interval. */
export function startMonitor(
  settings: ResolvedSettings,
  collect: () => Promise<ResourceMetrics>,
  extraHandlers: AlertHandler[] = [],
): Monitor {
  const m = settings.monitor;
  const dir = logsDir(settings);
  const monitor = new Monitor({
    collect: async () => toPromSeries(await collect()),
    handlers: [...createHandlers(m.handlers), ...extraHandlers],
    intervalMs: m.intervalSeconds * 1000,
    repeatMs: m.repeatSeconds * 1000,
    alertLog: new RotatingFile(dir, 'alerts.log', m.maxFileBytes),
    ...(m.exportMetrics && { metricsLog: new RotatingFile(dir, 'metrics.jsonl', m.maxFileBytes) }),
  });
  monitor.start();
  return monitor;
}
