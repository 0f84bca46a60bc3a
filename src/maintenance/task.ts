import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Span } from '@opentelemetry/api';
import { processAlive } from '../monitor/status.js';
import {
  ATTR_MAINTENANCE_TASK,
  errorType,
  instruments,
  METRIC_ATTR,
  type Outcome,
  SPAN_MAINTENANCE,
  withSpan,
} from '../telemetry/index.js';

/** A maintenance task is already running against this data directory (another process, or this one). */
export class TaskBusyError extends Error {
  readonly code = 'task-busy';
  constructor(
    readonly task: string,
    readonly holder: { pid: number; task: string },
  ) {
    super(
      `maintenance task "${holder.task}" is already running (pid ${holder.pid}); run "${task}" when it ends`,
    );
    this.name = 'TaskBusyError';
  }
}

const LOCK_FILE = 'maintenance.lock';

/**
 * One maintenance task at a time per data directory: an exclusive lock file holding the owner's pid. A lock
 * left by a process that died is taken over rather than blocking maintenance for ever.
 */
async function acquire(dataDir: string, task: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, task }));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readFile(file, 'utf8')
        .then((text) => JSON.parse(text) as { pid: number; task: string })
        .catch(() => undefined);
      if (holder && processAlive(holder.pid)) throw new TaskBusyError(task, holder);
      await rm(file, { force: true });
    }
  }
  throw new TaskBusyError(task, { pid: -1, task: 'unknown' });
}

/**
 * Runs a maintenance task as a `mcp_discovery.maintenance {task}` span, timed in
 * `mcp_discovery.operation.seconds` (operation `maintenance.<task>`, kind background, with its outcome), under
 * the data directory's maintenance lock.
 */
export async function runTask<T>(dataDir: string, task: string, fn: (span: Span) => Promise<T>): Promise<T> {
  const t0 = performance.now();
  let outcome: Outcome = 'failure';
  try {
    return await withSpan(
      `${SPAN_MAINTENANCE} ${task}`,
      { attributes: { [ATTR_MAINTENANCE_TASK]: task } },
      async (span) => {
        const release = await acquire(dataDir, task);
        try {
          const result = await fn(span);
          outcome = 'success';
          return result;
        } finally {
          await release();
        }
      },
    );
  } catch (error) {
    if (errorType(error) === 'ETIMEDOUT') outcome = 'timeout';
    throw error;
  } finally {
    instruments().operationSeconds.record((performance.now() - t0) / 1000, {
      [METRIC_ATTR.operation]: `maintenance.${task}`,
      [METRIC_ATTR.kind]: 'background',
      [METRIC_ATTR.outcome]: outcome,
    });
  }
}
