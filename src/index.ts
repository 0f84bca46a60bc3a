/**
 * The library: what the CLI and the MCP server are made of, for programs that embed mcp-discovery. Each name
 * here is a decision; everything else is internal.
 */
export { CatalogSearch, type SearchAnswer, type SearchRequest } from './catalog-search.js';
export { type Coordinator, localCoordinator, type Topic } from './cluster/coordinator.js';
export { type Discovered, type DiscoverOptions, discover, readSpecs } from './discover.js';
export type { DiscoveryRun, Health, ServerReport } from './discovery/index.js';
export { ImportFileError, type ImportOutcome, importCatalogFile } from './import-catalog.js';
export {
  assess,
  formatValue,
  KPIS,
  type Kpi,
  kpiById,
  kpiExpr,
  runbookUrl,
  type Severity,
} from './kpi/index.js';
export { backup } from './maintenance/backup.js';
export { maintainCache } from './maintenance/cache.js';
export { archiveDb, restoreArchive } from './maintenance/db.js';
export { checkDeps } from './maintenance/deps.js';
export { diagnose } from './maintenance/diagnose.js';
export { health } from './maintenance/health.js';
export { maintenanceJobs } from './maintenance/jobs.js';
export { maintainLogs } from './maintenance/logs.js';
export { perfReport } from './maintenance/perf.js';
export { weeklyReport } from './maintenance/report.js';
export { restore } from './maintenance/restore.js';
export { type JobResult, type ScheduledJob, Scheduler } from './maintenance/schedule.js';
export { TaskBusyError } from './maintenance/task.js';
export {
  type Alert,
  type AlertHandler,
  AlertSchema,
  consoleHandler,
  createHandler,
  createHandlers,
  emailHandler,
  type KpiReading,
  Monitor,
  type MonitorOptions,
  slackHandler,
  startMonitor,
  webhookHandler,
} from './monitor/index.js';
export { loadSettings, type ResolvedSettings, type Settings, SettingsSchema } from './settings/index.js';
export type { ServerSpec, SourceContext } from './sources/index.js';
export { openStore, type Store, StoreError } from './store/index.js';
export { startTelemetry, type Telemetry } from './telemetry/index.js';
export { VERSION } from './version.js';
