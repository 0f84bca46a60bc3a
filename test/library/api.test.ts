import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/servers.js';

describe('the package entry point', () => {
  it('exports the library from dist/index.js, as package.json says', async () => {
    const pkg = await import(join(ROOT, 'package.json'), { with: { type: 'json' } });
    expect(pkg.default.exports['.']).toBe('./dist/index.js');
    const lib = await import(join(ROOT, 'dist/index.js'));
    for (const name of [
      'discover',
      'CatalogSearch',
      'openStore',
      'Monitor',
      'createHandlers',
      'health',
      'KPIS',
    ])
      expect(typeof lib[name], name).not.toBe('undefined');
  });

  it('lets a program deliver alerts with its own handler', async () => {
    const { Monitor, KPIS } = await import(join(ROOT, 'dist/index.js'));
    const got: string[] = [];
    const rss = KPIS.find((k: { id: string }) => k.id === 'memory_rss');
    let t = 0;
    const monitor = new Monitor({
      collect: async () => [{ name: 'process_memory_usage', labels: {}, value: 2 ** 31 }],
      kpis: [{ ...rss, pendingSeconds: 0 }],
      intervalMs: 1000,
      repeatMs: 0,
      clock: () => {
        t += 1000;
        return { mono: t, wall: Date.now() };
      },
    });
    monitor.addHandler({
      name: 'mine',
      send: async (alert: { severity: string }) => void got.push(alert.severity),
    });
    await monitor.tick();
    await monitor.stop();
    expect(got.sort()).toEqual(['critical', 'warning']);
  });
});
