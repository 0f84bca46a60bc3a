import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, UpstreamPool } from '../../src/server/upstream.js';
import { fixture, leftoverProcesses, newMarker } from '../helpers/servers.js';

describe('backoffDelay', () => {
  it('doubles from the minimum, stops at the maximum, and jitters by ±50 %', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 100, 1_000, mid))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    expect(backoffDelay(2, 100, 1_000, () => 0)).toBe(200);
    expect(backoffDelay(2, 100, 1_000, () => 0.999)).toBe(600);
  });
});

describe('UpstreamPool', () => {
  it('keeps a live session, and after its server dies reconnects and catches up', async () => {
    const marker = newMarker();
    const spec = fixture('changing-tools.mjs', marker);
    const changed: string[] = [];
    const pool = new UpstreamPool(new Map([[spec.name, spec]]), {
      connectTimeoutMs: 10_000,
      clientVersion: 'test',
      onListChanged: (server) => changed.push(server),
      backoff: { minMs: 10, maxMs: 50 },
    });
    try {
      pool.watch([spec.name]);
      await vi.waitFor(() => expect(changed).toEqual([spec.name]), { timeout: 10_000, interval: 20 });
      const first = (await pool.live(spec.name)).connection.stdio?.pid;
      expect(first).toBeGreaterThan(0);
      process.kill(first as number, 'SIGKILL');
      await vi.waitFor(() => expect(changed.length).toBeGreaterThanOrEqual(2), {
        timeout: 10_000,
        interval: 20,
      });
      const second = (await pool.live(spec.name)).connection.stdio?.pid;
      expect(second).not.toBe(first);
      const result = await pool.callTool(spec.name, 'first_tool', {}, 5_000);
      expect(result.isError).not.toBe(true);
    } finally {
      await pool.close();
    }
    expect(leftoverProcesses(marker)).toEqual([]);
  });
});
