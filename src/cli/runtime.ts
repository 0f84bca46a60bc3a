import { loadSettings, type ResolvedSettings } from '../settings/index.js';
import { log, startTelemetry, type Telemetry, type TelemetryOptions } from '../telemetry/index.js';
import { VERSION } from '../version.js';

/** Exit codes: 0 the command completed (even with failed servers), 1 it found a problem, 2 bad usage or settings. */
export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface GlobalOptions {
  settings?: string;
  dataDir?: string;
  logLevel?: string;
}

export interface Runtime {
  settings: ResolvedSettings;
  /** The settings file that was read, if any (tasks that tune settings write it back). */
  settingsFile?: string;
  telemetry: Telemetry;
}

/** Settings from file, environment and flags; a bad value is a usage error naming where it came from. */
export function resolveSettings(
  global: GlobalOptions,
  flags: Record<string, unknown> = {},
): ResolvedSettings {
  return loadOrThrow(global, flags).settings;
}

function loadOrThrow(global: GlobalOptions, flags: Record<string, unknown>) {
  const merged: Record<string, unknown> = { ...flags };
  if (global.dataDir) merged.dataDir = global.dataDir;
  if (global.logLevel) merged.logLevel = global.logLevel;
  const result = loadSettings({ settingsFile: global.settings, flags: merged });
  if (!result.ok) throw new UsageError(`invalid settings:\n  ${result.errors.join('\n  ')}`);
  return result;
}

/** Settings, the log level and telemetry for a command; long-running faces pass their own telemetry options. */
export async function startRuntime(
  global: GlobalOptions,
  flags?: Record<string, unknown>,
  telemetry: Pick<TelemetryOptions, 'prometheus' | 'exportByDefault' | 'inProcess'> = {},
): Promise<Runtime> {
  const { settings, file: settingsFile } = loadOrThrow(global, flags ?? {});
  log.level = settings.logLevel;
  const started = await startTelemetry({
    serviceVersion: VERSION,
    // A short command flushes at exit; a server pushes as it goes.
    exportIntervalMs: telemetry.exportByDefault ? 15_000 : 60_000,
    ...telemetry,
  });
  return { settings, settingsFile, telemetry: started };
}

export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
