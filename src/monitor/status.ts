import { join } from 'node:path';
import { z } from 'zod';
import { UnitSchema } from '../kpi/schema.js';
import type { ResolvedSettings } from '../settings/index.js';
import { PerfSnapshotSchema } from '../telemetry/index.js';

/** One KPI as the monitor last evaluated it; `value` is null when there is nothing to judge (no traffic). */
export const KpiReadingSchema = z.object({
  kpi: z.string(),
  title: z.string(),
  unit: UnitSchema,
  window: z.number(),
  value: z.number().nullable(),
  firing: z.array(z.enum(['warning', 'critical'])),
});
export type KpiReading = z.infer<typeof KpiReadingSchema>;

/** `<dataDir>/status.json`: the running server's latest readings and latency, for `health` and `perf`. */
export const statusFile = (settings: Pick<ResolvedSettings, 'dataDir'>) =>
  join(settings.dataDir, 'status.json');

export const ServerStatusSchema = z.object({
  at: z.iso.datetime(),
  pid: z.number(),
  intervalSeconds: z.number(),
  kpis: z.array(KpiReadingSchema),
  memory: z.object({ rss: z.number(), heapUsed: z.number(), heapTotal: z.number(), external: z.number() }),
  perf: PerfSnapshotSchema.optional(),
});
export type ServerStatus = z.infer<typeof ServerStatusSchema>;
