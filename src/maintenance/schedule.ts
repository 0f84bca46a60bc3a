import { Cron } from 'croner';
import { errorType, log, SPAN_SCHEDULE, withSpan } from '../telemetry/index.js';

export interface ScheduledTask {
  name: string;
  run: () => Promise<unknown>;
}

export interface ScheduledJob {
  name: string;
  /** Cron expression; '' turns the job off. */
  cron: string;
  tasks: ScheduledTask[];
}

export interface JobResult {
  job: string;
  tasks: { task: string; ok: boolean; error?: string }[];
}

/**
 * Runs maintenance jobs on cron schedules, one at a time: a job that comes due while another runs waits its turn,
 * and a job already waiting is not queued twice. Each job is a `mcp_discovery.schedule {job}` span whose tasks are
 * its children; a failing task is logged and the job goes on with the next.
 */
export class Scheduler {
  private readonly crons = new Map<string, Cron>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly waiting = new Set<string>();

  constructor(
    private readonly jobs: readonly ScheduledJob[],
    private readonly options: {
      timezone?: string;
      onResult?: (result: JobResult) => void;
      /** Asked as each job comes due: with several instances, only the leader runs the schedule. */
      shouldRun?: () => boolean;
    } = {},
  ) {}

  start(): void {
    for (const job of this.jobs) {
      if (!job.cron) continue;
      const cron = new Cron(job.cron, { timezone: this.options.timezone, protect: true }, () => {
        if (this.options.shouldRun?.() ?? true) void this.enqueue(job.name);
        else log.debug({ job: job.name }, 'scheduled job left to the leader');
      });
      this.crons.set(job.name, cron);
    }
  }

  /** When each job runs next (null: off). */
  next(): Record<string, string | null> {
    return Object.fromEntries(
      this.jobs.map((job) => [job.name, this.crons.get(job.name)?.nextRun()?.toISOString() ?? null]),
    );
  }

  /** Queues a job by name (the cron callback; also for running one now). Resolves when it has run. */
  enqueue(name: string): Promise<JobResult | undefined> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job || this.waiting.has(name)) return Promise.resolve(undefined);
    this.waiting.add(name);
    const run = this.queue.then(() => {
      this.waiting.delete(name);
      return this.run(job);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    for (const cron of this.crons.values()) cron.stop();
    this.crons.clear();
    await this.queue;
  }

  private run(job: ScheduledJob): Promise<JobResult> {
    return withSpan(`${SPAN_SCHEDULE} ${job.name}`, {}, async () => {
      const result: JobResult = { job: job.name, tasks: [] };
      for (const task of job.tasks) {
        try {
          await task.run();
          result.tasks.push({ task: task.name, ok: true });
        } catch (error) {
          log.warn({ job: job.name, task: task.name, err: errorType(error) }, 'scheduled task failed');
          result.tasks.push({ task: task.name, ok: false, error: errorType(error) });
        }
      }
      log.info({ job: job.name, tasks: result.tasks }, 'scheduled job done');
      this.options.onResult?.(result);
      return result;
    });
  }
}
