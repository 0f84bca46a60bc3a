import { z } from 'zod';

/** One Prometheus series family: a metric name as Prometheus shows it, with exact label matches. */
export const SelectorSchema = z.object({
  metric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/),
  match: z.record(z.string(), z.string()).default({}),
});
export type Selector = z.infer<typeof SelectorSchema>;

/**
 * How a KPI's value is computed over its window. Both the PromQL of dashboards and rules and the in-process
 * monitor are derived from this, so the two cannot compute different things.
 */
export const MeasureSchema = z.discriminatedUnion('type', [
  /** increase(numerator) / increase(denominator); no value at all when the denominator did not move. */
  z.object({ type: z.literal('ratio'), numerator: SelectorSchema, denominator: SelectorSchema }),
  /** The gauge's average over the window (the largest, when several series match). */
  z.object({ type: z.literal('average'), gauge: SelectorSchema }),
  /** The gauge's least-squares slope over the window, times `perSeconds` (growth per hour, say). */
  z.object({ type: z.literal('slope'), gauge: SelectorSchema, perSeconds: z.number().positive() }),
  /** How many instances report the gauge; 0 when none does, so "down" is a value, not missing data. */
  z.object({ type: z.literal('instances'), gauge: SelectorSchema }),
]);
export type Measure = z.infer<typeof MeasureSchema>;

/** Grafana unit ids; the same ids say how the monitor and the CLI print a value. */
export const UnitSchema = z.enum(['s', 'percentunit', 'bytes', 'short']);
export type Unit = z.infer<typeof UnitSchema>;

export const SeveritySchema = z.enum(['warning', 'critical']);
export type Severity = z.infer<typeof SeveritySchema>;

export const KpiSchema = z
  .object({
    /** snake_case; alert uids and runbook anchors are made from it. */
    id: z.string().regex(/^[a-z][a-z0-9_]*$/),
    title: z.string(),
    description: z.string(),
    measure: MeasureSchema,
    unit: UnitSchema,
    windowSeconds: z.number().int().positive(),
    /** `above`: a value above a threshold is bad (latency, memory); `below`: a value under it is (hit rate). */
    direction: z.enum(['above', 'below']),
    /** The goal shown on dashboards; not an alert. */
    target: z.number().optional(),
    warning: z.number().optional(),
    critical: z.number().optional(),
    /** How long a breach must last before the alert fires, like Grafana's and Prometheus's `for`. */
    pendingSeconds: z.number().int().nonnegative(),
    /** Shown on the Overview dashboard's first row. */
    headline: z.boolean(),
  })
  .refine((kpi) => kpi.warning !== undefined || kpi.critical !== undefined, {
    message: 'a KPI needs a warning or a critical threshold',
  });
export type Kpi = z.infer<typeof KpiSchema>;
