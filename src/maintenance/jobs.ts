import { join } from 'node:path';
import type { ResolvedSettings } from '../settings/index.js';
import { log } from '../telemetry/index.js';
import { backup } from './backup.js';
import { maintainCache } from './cache.js';
import { archiveDb } from './db.js';
import { checkDeps } from './deps.js';
import { health } from './health.js';
import { maintainLogs } from './logs.js';
import { weeklyReport } from './report.js';
import type { ScheduledJob } from './schedule.js';

const DAY_MS = 24 * 3600 * 1000;
/** Usage older than this is archived by the monthly job, as `maintain db` does by default. */
const ARCHIVE_AFTER_MS = 180 * DAY_MS;

export interface JobsOptions {
  settings: ResolvedSettings;
  settingsFile?: string;
  configFiles?: string[];
}

/**
 * The operators' guide's routine as `serve` runs it: daily health check, cache tuning and log rotation; weekly
 * report (written under <data-dir>/reports) and dependency check; monthly backup (under <data-dir>/backups) and
 * database archiving. The same tasks the `health`, `maintain`, `report` and `backup` commands run.
 */
export function maintenanceJobs(options: JobsOptions): ScheduledJob[] {
  const { settings, settingsFile, configFiles } = options;
  const schedule = settings.schedule;
  const stamp = () => new Date().toISOString().slice(0, 10);
  return [
    {
      name: 'daily',
      cron: schedule.daily,
      tasks: [
        {
          name: 'health',
          run: async () => {
            const report = await health({ settings, configFiles });
            const bad = report.checks.filter((c) => c.status !== 'ok');
            if (bad.length > 0) log.warn({ checks: bad }, 'daily health check: attention needed');
          },
        },
        { name: 'cache', run: () => maintainCache({ settings, settingsFile }) },
        { name: 'logs', run: () => maintainLogs({ settings }) },
      ],
    },
    {
      name: 'weekly',
      cron: schedule.weekly,
      tasks: [
        {
          name: 'report',
          run: () =>
            weeklyReport({ settings, out: join(settings.dataDir, 'reports', `weekly-${stamp()}.json`) }),
        },
        { name: 'deps', run: () => checkDeps({ settings }) },
      ],
    },
    {
      name: 'monthly',
      cron: schedule.monthly,
      tasks: [
        {
          name: 'backup',
          run: () => backup({ settings, dir: join(settings.dataDir, 'backups'), settingsFile, configFiles }),
        },
        { name: 'db', run: () => archiveDb({ settings, olderThanMs: ARCHIVE_AFTER_MS }) },
      ],
    },
  ];
}
