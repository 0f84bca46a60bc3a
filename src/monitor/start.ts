import { join } from 'node:path';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ResolvedSettings } from '../settings/index.js';
import { writeFileAtomic } from '../store/atomic.js';
import { errorType, log, type PerfRecorder } from '../telemetry/index.js';
import type { AlertHandler } from './alert.js';
import { createHandlers } from './handlers/index.js';
import { Monitor } from './monitor.js';
import { RotatingFile } from './rotating-file.js';
import { toPromSeries } from './series.js';
import { type ServerStatus, statusFile } from './status.js';

/** `<dataDir>/logs`: the monitor's alert log and metrics export, rotated by size, cleaned by `maintain logs`. */
export const logsDir = (settings: ResolvedSettings) => join(settings.dataDir, 'logs');

/** The monitor `serve` runs: handlers, alert log and metrics export from settings, sampling on its interval. */
export function startMonitor(
  settings: ResolvedSettings,
  collect: () => Promise<ResourceMetrics>,
  options: { handlers?: AlertHandler[]; perf?: PerfRecorder } = {},
): Monitor {
  const m = settings.monitor;
  const dir = logsDir(settings);
  const monitor = new Monitor({
    collect: async () => toPromSeries(await collect()),
    handlers: [...createHandlers(m.handlers), ...(options.handlers ?? [])],
    intervalMs: m.intervalSeconds * 1000,
    repeatMs: m.repeatSeconds * 1000,
    alertLog: new RotatingFile(dir, 'alerts.log', m.maxFileBytes),
    ...(m.exportMetrics && { metricsLog: new RotatingFile(dir, 'metrics.jsonl', m.maxFileBytes) }),
    onTick: async (kpis, at) => {
      const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
      const status: ServerStatus = {
        at: new Date(at.wall).toISOString(),
        pid: process.pid,
        intervalSeconds: m.intervalSeconds,
        kpis,
        memory: { rss, heapUsed, heapTotal, external },
        ...(options.perf && { perf: options.perf.snapshot() }),
      };
      await writeFileAtomic(statusFile(settings), JSON.stringify(status)).catch((error) =>
        log.warn({ err: errorType(error) }, 'monitor: could not write status.json'),
      );
    },
  });
  monitor.start();
  return monitor;
}
