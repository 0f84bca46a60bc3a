import { z } from 'zod';

/**
 * One alert event as every handler receives it. `fired` starts an episode, `repeated` reminds while it lasts,
 * `resolved` ends it; the three share `id`.
 */
export const AlertSchema = z.object({
  /** `<kpi>:<severity>:<startedAt epoch ms>`: stable for one episode, new for the next. */
  id: z.string(),
  event: z.enum(['fired', 'repeated', 'resolved']),
  kpi: z.string(),
  title: z.string(),
  severity: z.enum(['warning', 'critical']),
  /** The KPI's value when the event was raised (at resolution: the healthy value). */
  value: z.number(),
  /** The threshold of this severity that the value crossed. */
  threshold: z.number(),
  /** The value and threshold as people read them: "1.2 s", "27.0 %". */
  valueText: z.string(),
  thresholdText: z.string(),
  /** The KPI's window, as Prometheus writes it: "5m", "1h". */
  window: z.string(),
  message: z.string(),
  startedAt: z.iso.datetime(),
  resolvedAt: z.iso.datetime().optional(),
  runbookUrl: z.string(),
  /** Which process raised it: host and pid, so several instances can be told apart. */
  instance: z.string(),
});
export type Alert = z.infer<typeof AlertSchema>;

/**
 * Something that delivers alerts. `send` may throw or reject: the monitor catches, logs and carries on, so a
 * broken handler never stops evaluation or the other handlers.
 */
export interface AlertHandler {
  /** Names the handler in logs and metrics; never contains a secret. */
  readonly name: string;
  send(alert: Alert): Promise<void>;
  close?(): Promise<void>;
}
