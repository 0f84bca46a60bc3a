import {
  assess,
  breaches,
  formatValue,
  type Kpi,
  promDuration,
  type Severity,
  severitiesOf,
  thresholdOf,
} from '../kpi/index.js';
import type { Alert } from './alert.js';

/** Where one KPI and severity stand: healthy, pending since a moment, or firing since one. */
interface Track {
  pendingSince?: number;
  firing?: { id: string; startedAt: number; lastSentMono: number };
}

export interface Tick {
  /** Monotonic ms: durations (pending, repeat) use it, so a wall-clock jump never fires or resolves an alert. */
  mono: number;
  /** Wall-clock ms, for the timestamps people read. */
  wall: number;
}

export interface AlertContext {
  instance: string;
  repeatMs: number;
  runbookUrl: (kpi: Kpi) => string;
}

/**
 * The alert state machine of one KPI, pure apart from its own memory: `step` takes the KPI's current value and
 * returns the events to send. An alert fires once after its pending period, repeats every `repeatMs` while it
 * lasts (0: never), and resolves once. No value (no traffic) counts as healthy.
 */
export class KpiAlerts {
  private readonly tracks = new Map<Severity, Track>();

  constructor(
    readonly kpi: Kpi,
    private readonly context: AlertContext,
  ) {}

  /** The severities firing now. */
  firing(): Severity[] {
    return [...this.tracks].filter(([, t]) => t.firing).map(([s]) => s);
  }

  step(value: number | undefined, tick: Tick): Alert[] {
    const events: Alert[] = [];
    for (const severity of severitiesOf(this.kpi)) {
      const threshold = thresholdOf(this.kpi, severity) as number;
      const track = this.tracks.get(severity) ?? {};
      this.tracks.set(severity, track);
      const bad = value !== undefined && breaches(this.kpi, value, threshold);
      if (!bad) {
        track.pendingSince = undefined;
        if (track.firing) {
          events.push(this.event('resolved', severity, threshold, value, track.firing, tick));
          track.firing = undefined;
        }
        continue;
      }
      track.pendingSince ??= tick.mono;
      if (!track.firing) {
        if (tick.mono - track.pendingSince < this.kpi.pendingSeconds * 1000) continue;
        track.firing = {
          id: `${this.kpi.id}:${severity}:${tick.wall}`,
          startedAt: tick.wall,
          lastSentMono: tick.mono,
        };
        events.push(this.event('fired', severity, threshold, value, track.firing, tick));
      } else if (
        this.context.repeatMs > 0 &&
        tick.mono - track.firing.lastSentMono >= this.context.repeatMs
      ) {
        track.firing.lastSentMono = tick.mono;
        events.push(this.event('repeated', severity, threshold, value, track.firing, tick));
      }
    }
    return events;
  }

  private event(
    event: Alert['event'],
    severity: Severity,
    threshold: number,
    value: number | undefined,
    firing: NonNullable<Track['firing']>,
    tick: Tick,
  ): Alert {
    const kpi = this.kpi;
    const shown = value ?? Number.NaN;
    const valueText = value === undefined ? 'no data' : formatValue(value, kpi.unit);
    const thresholdText = formatValue(threshold, kpi.unit);
    const window = promDuration(kpi.windowSeconds);
    const side = kpi.direction === 'above' ? 'above' : 'below';
    const message =
      event === 'resolved'
        ? `${kpi.title} is back to ${valueText} (${severity} threshold ${thresholdText}, window ${window})`
        : `${kpi.title} is ${valueText}, ${side} the ${severity} threshold ${thresholdText} over ${window}` +
          (assess(kpi, shown)?.severity === 'critical' && severity === 'warning' ? ' (critical too)' : '');
    return {
      id: firing.id,
      event,
      kpi: kpi.id,
      title: kpi.title,
      severity,
      value: Number.isFinite(shown) ? shown : 0,
      threshold,
      valueText,
      thresholdText,
      window,
      message,
      startedAt: new Date(firing.startedAt).toISOString(),
      ...(event === 'resolved' && { resolvedAt: new Date(tick.wall).toISOString() }),
      runbookUrl: this.context.runbookUrl(kpi),
      instance: this.context.instance,
    };
  }
}
