import { readFile } from 'node:fs/promises';
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

/** Whether a process runs: signal 0 tests without sending anything; EPERM means it exists but is not ours. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type StatusRead = { ok: true; status: ServerStatus } | { ok: false; why: string };

/**
 * The running server's status.json, if one is running: written less than three monitor intervals ago (one
 * missed tick is not an outage) by a process that is still alive.
 */
export async function readFreshStatus(settings: ResolvedSettings, nowMs = Date.now()): Promise<StatusRead> {
  const file = statusFile(settings);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return { ok: false, why: `no running server (no ${file}; \`serve\` writes it)` };
  let parsed: ReturnType<typeof ServerStatusSchema.safeParse>;
  try {
    parsed = ServerStatusSchema.safeParse(JSON.parse(text));
  } catch {
    return { ok: false, why: `no running server (${file} is not JSON)` };
  }
  if (!parsed.success) return { ok: false, why: `no running server (${file} does not read as a status)` };
  const status = parsed.data;
  const ageS = Math.round((nowMs - Date.parse(status.at)) / 1000);
  if (ageS * 1000 > 3 * status.intervalSeconds * 1000)
    return {
      ok: false,
      why: `no running server (status.json is ${ageS} s old, more than 3 × its ${status.intervalSeconds} s interval)`,
    };
  if (!processAlive(status.pid))
    return { ok: false, why: `no running server (pid ${status.pid}, which wrote status.json, has ended)` };
  return { ok: true, status };
}
