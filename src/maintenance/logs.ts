import { constants } from 'node:fs';
import { copyFile, readdir, stat, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isRotatedName, RotatingFile, rotatedName } from '../monitor/rotating-file.js';
import { logsDir } from '../monitor/start.js';
import type { ResolvedSettings } from '../settings/index.js';
import { runTask } from './task.js';

/** What maintenance tasks changed, one JSON line per run: the audit trail of `maintain`. */
export const MAINTENANCE_LOG = 'maintenance.log';
/** Ours: the monitor's metrics export and alert log, and the maintenance log. Nothing else is touched. */
export const OUR_LOGS = ['metrics.jsonl', 'alerts.log', MAINTENANCE_LOG] as const;
export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

export const MaintenanceLineSchema = z.object({
  task: z.string(),
  at: z.iso.datetime(),
  changes: z.array(z.unknown()),
  recommendations: z.array(z.unknown()).optional(),
});
export type MaintenanceLine = z.infer<typeof MaintenanceLineSchema>;

/** Appends one line to `<dataDir>/logs/maintenance.log`, rotated by size like the monitor's logs. */
export async function recordMaintenance(settings: ResolvedSettings, line: MaintenanceLine): Promise<string> {
  const file = new RotatingFile(logsDir(settings), MAINTENANCE_LOG, settings.monitor.maxFileBytes);
  try {
    await file.append(JSON.stringify(MaintenanceLineSchema.parse(line)));
  } finally {
    await file.close();
  }
  return file.path;
}

export const LogsReportSchema = z.object({
  dir: z.string(),
  retentionDays: z.number(),
  rotated: z.array(z.object({ from: z.string(), to: z.string(), bytes: z.number() })),
  deleted: z.array(z.string()),
  kept: z.array(z.string()),
});
export type LogsReport = z.infer<typeof LogsReportSchema>;

/** When a rotated file was rotated, from the stamp `rotatedName` put in its name; NaN if the stamp is no date. */
export function rotatedAt(name: string): number {
  const m = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-[1-9]\d*)?\.[^.]+$/.exec(name);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 20261340 over into 2027; such a name was not written by rotatedName.
  return new Date(at).getUTCMonth() === mo - 1 && new Date(at).getUTCDate() === d ? at : Number.NaN;
}

/**
 * Copies the live file to its dated name, then empties it. Copy-and-truncate rather than rename: a running
 * `serve` keeps its log open in append mode, so after a rename it would go on writing into the dated file.
 * A line the server appends between the copy and the truncate is lost; that window is a few milliseconds.
 */
async function rotate(
  dir: string,
  base: string,
  at: Date,
): Promise<LogsReport['rotated'][number] | undefined> {
  const from = join(dir, base);
  const bytes = (await stat(from).catch(() => undefined))?.size ?? 0;
  if (bytes === 0) return undefined;
  for (let n = 0; ; n++) {
    const to = rotatedName(base, at, n);
    try {
      // EXCL: never overwrite an earlier rotation made in the same second.
      await copyFile(from, join(dir, to), constants.COPYFILE_EXCL);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    await truncate(from, 0);
    return { from: base, to, bytes };
  }
}

export interface MaintainLogsOptions {
  settings: ResolvedSettings;
  retentionDays?: number;
  now?: Date;
}

/**
 * `maintain logs`: rotates our live logs, then deletes our rotated files older than the retention. Age is read
 * from the stamp in the name, not mtime: mtime moves whenever a file is copied, restored from a backup or
 * touched, and a server still appending to a file renamed under it keeps its mtime current.
 */
export function maintainLogs(options: MaintainLogsOptions): Promise<LogsReport> {
  const { settings } = options;
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const now = options.now ?? new Date();
  return runTask(settings.dataDir, 'logs', async () => {
    const dir = logsDir(settings);
    const rotated: LogsReport['rotated'] = [];
    for (const base of OUR_LOGS) {
      const done = await rotate(dir, base, now);
      if (done) rotated.push(done);
    }
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    const cutoff = now.getTime() - retentionDays * DAY_MS;
    const deleted: string[] = [];
    const kept: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || !OUR_LOGS.some((base) => isRotatedName(base, entry.name))) continue;
      if (rotatedAt(entry.name) < cutoff) {
        await unlink(join(dir, entry.name));
        deleted.push(entry.name);
      } else kept.push(entry.name);
    }
    deleted.sort();
    kept.sort();
    if (rotated.length > 0 || deleted.length > 0)
      await recordMaintenance(settings, {
        task: 'logs',
        at: now.toISOString(),
        changes: [{ rotated, deleted }],
      });
    return { dir, retentionDays, rotated, deleted, kept };
  });
}
