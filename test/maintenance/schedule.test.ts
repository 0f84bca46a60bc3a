import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type JobResult, Scheduler } from '../../src/maintenance/schedule.js';
import { installTestTelemetry, type TestTelemetry } from '../helpers/telemetry.js';

let telemetry: TestTelemetry;
beforeEach(() => {
  telemetry = installTestTelemetry();
});
afterEach(async () => {
  await telemetry.shutdown();
});

/** A task that records when it starts and ends, and finishes when the test says so. */
function gate(log: string[], name: string) {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    open: () => open(),
    task: {
      name,
      run: async () => {
        log.push(`${name} start`);
        await opened;
        log.push(`${name} end`);
      },
    },
  };
}

describe('Scheduler', () => {
  it('runs one job at a time, in the order they came due', async () => {
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const scheduler = new Scheduler([
      { name: 'first', cron: '', tasks: [a.task] },
      { name: 'second', cron: '', tasks: [b.task] },
    ]);
    const first = scheduler.enqueue('first');
    const second = scheduler.enqueue('second');
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['a start']);
    b.open();
    a.open();
    await Promise.all([first, second]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('does not queue a job twice while it waits', async () => {
    const log: string[] = [];
    const a = gate(log, 'a');
    const scheduler = new Scheduler([
      { name: 'busy', cron: '', tasks: [a.task] },
      { name: 'again', cron: '', tasks: [{ name: 'x', run: async () => log.push('x') }] },
    ]);
    const busy = scheduler.enqueue('busy');
    const queued = scheduler.enqueue('again');
    expect(await Promise.race([scheduler.enqueue('again'), Promise.resolve('pending')])).toBeUndefined();
    a.open();
    await Promise.all([busy, queued]);
    expect(log.filter((l) => l === 'x')).toHaveLength(1);
  });

  it('goes on with the next task when one fails, and says which failed', async () => {
    const ran: string[] = [];
    const scheduler = new Scheduler([
      {
        name: 'daily',
        cron: '',
        tasks: [
          {
            name: 'broken',
            run: async () => Promise.reject(Object.assign(new Error('x'), { code: 'EACCES' })),
          },
          { name: 'fine', run: async () => ran.push('fine') },
        ],
      },
    ]);
    const result = await scheduler.enqueue('daily');
    expect(ran).toEqual(['fine']);
    expect(result?.tasks).toEqual([
      { task: 'broken', ok: false, error: 'EACCES' },
      { task: 'fine', ok: true },
    ]);
  });

  it('fires on its cron schedule, each run a mcp_discovery.schedule span', async () => {
    const done = new Promise<JobResult>((resolve) => {
      const scheduler = new Scheduler(
        [{ name: 'every-second', cron: '* * * * * *', tasks: [{ name: 't', run: async () => {} }] }],
        {
          onResult: (result) => {
            void scheduler.stop().then(() => resolve(result));
          },
        },
      );
      scheduler.start();
      expect(scheduler.next()['every-second']).toMatch(/^\d{4}-/);
    });
    expect((await done).job).toBe('every-second');
    expect(telemetry.spans().map((s) => s.name)).toContain('mcp_discovery.schedule every-second');
  });

  it('reports a job whose cron is empty as off', () => {
    const scheduler = new Scheduler([{ name: 'monthly', cron: '', tasks: [] }]);
    scheduler.start();
    expect(scheduler.next()).toEqual({ monthly: null });
  });
});
