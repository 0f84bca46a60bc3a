import type { Command } from 'commander';
import type { TelemetryOptions } from '../telemetry/index.js';
import { EXIT_PROBLEM, type GlobalOptions, type Runtime, startRuntime } from './runtime.js';

export const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/**
 * Runs an operations command: settings and telemetry, then the body. A busy maintenance lock, a data directory
 * without a database or a refused backup is a problem the user can act on: its message, exit 1, no stack trace.
 */
export async function runOperation(
  cmd: Command,
  body: (rt: Runtime) => Promise<void>,
  telemetry: Pick<TelemetryOptions, 'inProcess'> = {},
): Promise<void> {
  const rt = await startRuntime(cmd.optsWithGlobals<GlobalOptions>(), {}, telemetry);
  const [{ TaskBusyError }, { DbMaintenanceError }, { BackupError }] = await Promise.all([
    import('../maintenance/task.js'),
    import('../maintenance/db.js'),
    import('../maintenance/manifest.js'),
  ]);
  try {
    await body(rt);
  } catch (error) {
    const problem = [TaskBusyError, DbMaintenanceError, BackupError].some((kind) => error instanceof kind);
    if (!problem) throw error;
    console.error(`mcp-discovery: ${(error as Error).message}`);
    process.exitCode = EXIT_PROBLEM;
  } finally {
    await rt.telemetry.shutdown();
  }
}
