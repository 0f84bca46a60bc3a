import { hostname } from 'node:os';
import { KPIS, type Kpi, runbookUrl } from '../kpi/index.js';
import { errorType, log } from '../telemetry/index.js';
import type { Alert, AlertHandler } from './alert.js';
import { evaluateKpi } from './evaluate.js';
import type { RotatingFile } from './rotating-file.js';
import type { PromSeries, Sample } from './series.js';
import { KpiAlerts, type Tick } from './state.js';
import type { KpiReading } from './status.js';

export interface MonitorOptions {
  /** Every series of this process now, named as on /metrics. */
  collect: () => Promise<PromSeries[]>;
  handlers?: AlertHandler[];
  intervalMs: number;
  /** A firing alert is sent again this often; 0 sends it once. */
  repeatMs: number;
  /** Watched KPIs; by default all that a process can judge of itself (not whether it is down). */
  kpis?: readonly Kpi[];
  alertLog?: RotatingFile;
  metricsLog?: RotatingFile;
  /** After every evaluation, with the readings it made (serve persists them for `health` and `perf`). */
  onTick?: (readings: KpiReading[], at: Tick) => Promise<void>;
  clock?: () => Tick;
}

const realClock = (): Tick => ({ mono: performance.now(), wall: Date.now() });

/** Series worth keeping in the JSONL export: ours and the process's, not the whole host's. */
const EXPORTED = /^(mcp_discovery_|process_|v8js_|nodejs_)/;

/**
 * Watches this process's own KPIs without Grafana: samples its metrics every interval, evaluates each KPI over
 * its window as the dashboards do, and sends alert events to the handlers. A failing handler or log is logged
 * and skipped; evaluation never stops for it.
 */
export class Monitor {
  private samples: Sample[] = [];
  private readonly alerts: KpiAlerts[];
  private readonly handlers: AlertHandler[];
  private readonly deliveries = new Set<Promise<void>>();
  private readonly clock: () => Tick;
  private readonly keepMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** The tick under way, so `stop()` can wait for it (and the deliveries it starts) before closing anything. */
  private ticking: Promise<Alert[]> | undefined;

  constructor(private readonly options: MonitorOptions) {
    const kpis = options.kpis ?? KPIS.filter((kpi) => kpi.measure.type !== 'instances');
    const context = { instance: `${hostname()}:${process.pid}`, repeatMs: options.repeatMs, runbookUrl };
    this.alerts = kpis.map((kpi) => new KpiAlerts(kpi, context));
    this.handlers = [...(options.handlers ?? [])];
    this.clock = options.clock ?? realClock;
    this.keepMs = Math.max(...kpis.map((kpi) => kpi.windowSeconds), 0) * 1000 + options.intervalMs;
  }

  /** Library API: a program may deliver alerts its own way. */
  addHandler(handler: AlertHandler): void {
    this.handlers.push(handler);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One evaluation; returns the alert events it raised. A tick still running makes this one a no-op. */
  async tick(): Promise<Alert[]> {
    if (this.ticking) return [];
    this.ticking = this.evaluate();
    try {
      return await this.ticking;
    } finally {
      this.ticking = undefined;
    }
  }

  private async evaluate(): Promise<Alert[]> {
    let events: Alert[] = [];
    try {
      const at = this.clock();
      const series = await this.options.collect();
      this.samples.push({ mono: at.mono, wall: at.wall, series });
      this.samples = this.samples.filter((s) => s.mono >= at.mono - this.keepMs);
      events = this.alerts.flatMap((a) => a.step(evaluateKpi(a.kpi, this.samples), at));
      for (const event of events) this.dispatch(event);
      const readings = this.readings();
      this.export(at, series, readings);
      // A failing hook is logged; the events this tick raised (and already sent) are still its result.
      await this.options
        .onTick?.(readings, at)
        ?.catch((error: unknown) => log.warn({ err: errorType(error) }, 'monitor: onTick failed'));
    } catch (error) {
      log.warn({ err: errorType(error) }, 'monitor: evaluation failed');
    }
    return events;
  }

  /** Each KPI's current value and firing severities, for /kpi, `health` and `perf`. */
  readings(): KpiReading[] {
    return this.alerts.map((a) => ({
      kpi: a.kpi.id,
      title: a.kpi.title,
      unit: a.kpi.unit,
      window: a.kpi.windowSeconds,
      value: evaluateKpi(a.kpi, this.samples) ?? null,
      firing: a.firing(),
    }));
  }

  /** Stops sampling and waits for deliveries under way (each bounded by its handler's timeout and retries). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await Promise.allSettled([...this.deliveries]);
    await Promise.allSettled(this.handlers.map((h) => h.close?.()));
    await Promise.allSettled([this.options.alertLog?.close(), this.options.metricsLog?.close()]);
  }

  private dispatch(alert: Alert): void {
    this.append(this.options.alertLog, alert);
    for (const handler of this.handlers) {
      const delivery = Promise.resolve()
        .then(() => handler.send(alert))
        .catch((error) =>
          log.warn(
            { handler: handler.name, alert: alert.id, err: errorType(error) },
            'monitor: alert not delivered',
          ),
        )
        .finally(() => this.deliveries.delete(delivery));
      this.deliveries.add(delivery);
    }
  }

  private export(at: Tick, series: PromSeries[], readings: KpiReading[]): void {
    if (!this.options.metricsLog) return;
    const kpis = Object.fromEntries(readings.map((r) => [r.kpi, r.value]));
    this.append(this.options.metricsLog, {
      at: new Date(at.wall).toISOString(),
      kpis,
      series: series.filter((s) => EXPORTED.test(s.name)),
    });
  }

  private append(file: RotatingFile | undefined, record: object): void {
    file
      ?.append(JSON.stringify(record))
      .catch((error) => log.warn({ file: file.path, err: errorType(error) }, 'monitor: could not write'));
  }
}
