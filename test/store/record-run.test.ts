import { describe, expect, it } from 'vitest';
import { BACKENDS, ids, report, run, tempStores, tool } from './helpers.js';

describe.each(BACKENDS)('recordRun (%s)', (backend) => {
  const t = tempStores(backend);

  it('upserts across runs and restarts: the same tools twice are one catalog, not two', async () => {
    const db = await t.location();
    const first = run([report('alpha', { tools: [tool('search'), tool('fetch')] })]);
    let store = await t.open(db);
    expect((await store.recordRun(first)).added).toHaveLength(2);
    await store.close();
    store = await t.open(db);
    const second = await store.recordRun(run([report('alpha', { tools: [tool('fetch'), tool('search')] })]));
    expect(second).toMatchObject({ added: [], removed: [], changed: [] });
    expect(await ids(store)).toEqual(['alpha/fetch', 'alpha/search']);
    expect((await store.servers()).map((s) => s.name)).toEqual(['alpha']);
  });

  it('keeps the server summary: spec, health, server info, env and header names', async () => {
    const store = await t.open(await t.location());
    const r = run([report('alpha', { tools: [tool('a')] }, { instructions: 'use me for a' })]);
    await store.recordRun(r);
    const [server] = await store.servers();
    expect(server).toMatchObject({
      name: 'alpha',
      origin: 'probed',
      transport: 'stdio',
      command: 'node',
      args: ['server.js'],
      envKeys: ['API_KEY'],
      health: 'healthy',
      serverInfo: { name: 'alpha', version: '1.0.0' },
      instructions: 'use me for a',
      lastProbedAt: r.startedAt,
    });
    expect((await store.catalog()).servers).toEqual([
      { name: 'alpha', description: 'use me for a', origin: 'probed', health: 'healthy' },
    ]);
  });

  it('a tool that disappears is marked removed, and counts as added when it comes back', async () => {
    const store = await t.open(await t.location());
    await store.recordRun(run([report('alpha', { tools: [tool('a'), tool('b')] })]));
    const gone = await store.recordRun(run([report('alpha', { tools: [tool('a')] })]));
    expect(gone.removed).toEqual([{ server: 'alpha', kind: 'tool', name: 'b' }]);
    expect(await ids(store)).toEqual(['alpha/a']);
    const back = await store.recordRun(run([report('alpha', { tools: [tool('a'), tool('b')] })]));
    expect(back.added).toEqual([{ server: 'alpha', kind: 'tool', name: 'b' }]);
    expect(await ids(store)).toEqual(['alpha/a', 'alpha/b']);
  });

  it('a changed definition is reported as changed by its content hash; key order alone is no change', async () => {
    const store = await t.open(await t.location());
    await store.recordRun(run([report('alpha', { tools: [tool('a'), tool('b')] })]));
    const reordered = {
      inputSchema: { properties: { q: { type: 'string' } }, type: 'object' },
      description: 'a does things',
      name: 'a',
    };
    const r = await store.recordRun(run([report('alpha', { tools: [reordered, tool('b', 'b does more')] })]));
    expect(r).toMatchObject({
      added: [],
      removed: [],
      changed: [{ server: 'alpha', kind: 'tool', name: 'b' }],
    });
    expect((await store.catalog()).entries.find((e) => e.name === 'b')?.description).toBe('b does more');
  });

  it('a server that failed keeps its catalog; its health and reason are updated', async () => {
    const store = await t.open(await t.location());
    await store.recordRun(
      run([report('alpha', { tools: [tool('a')] }), report('beta', { tools: [tool('b')] })]),
    );
    const failed = report(
      'beta',
      {},
      { health: 'failed', reason: 'exited with code 1', serverInfo: undefined },
    );
    const r = await store.recordRun(run([report('alpha', { tools: [tool('a')] }), failed]));
    expect(r.removed).toEqual([]);
    expect(await ids(store)).toEqual(['alpha/a', 'beta/b']);
    const beta = (await store.servers()).find((s) => s.name === 'beta');
    expect(beta).toMatchObject({
      health: 'failed',
      reason: 'exited with code 1',
      serverInfo: { name: 'beta' },
    });
  });

  it('a degraded server whose tools/list failed keeps its tools, while its complete lists are reconciled', async () => {
    const store = await t.open(await t.location());
    const prompt = { name: 'p', description: 'a prompt' };
    await store.recordRun(run([report('alpha', { tools: [tool('a')], prompts: [prompt] })]));
    const degraded = report(
      'alpha',
      {},
      { health: 'degraded', reason: 'tools/list failed: boom', incomplete: ['tools/list'] },
    );
    const r = await store.recordRun(run([degraded]));
    expect(r.removed).toEqual([{ server: 'alpha', kind: 'prompt', name: 'p' }]);
    expect(await ids(store)).toEqual(['alpha/a']);
  });

  it('logs each run’s changes under its run id, and lists runs newest first with their counts', async () => {
    const store = await t.open(await t.location());
    const one = run([report('alpha', { tools: [tool('a'), tool('b')] })]);
    const two = run([report('alpha', { tools: [tool('a', 'new words'), tool('c')] })]);
    await store.recordRun(one);
    await store.recordRun(two);
    expect((await store.changes(two.runId)).map((c) => [c.change, c.name])).toEqual([
      ['changed', 'a'],
      ['added', 'c'],
      ['removed', 'b'],
    ]);
    expect((await store.changes()).filter((c) => c.runId === one.runId)).toHaveLength(2);
    const runs = await store.runs(10);
    expect(runs.map((r) => [r.runId, r.changes])).toEqual([
      [two.runId, { added: 1, removed: 1, changed: 1 }],
      [one.runId, { added: 2, removed: 0, changed: 0 }],
    ]);
    expect((await store.lastRun())?.runId).toBe(two.runId);
  });

  it('the version grows when the catalog changes and only then', async () => {
    const store = await t.open(await t.location());
    expect(await store.version()).toBe(0);
    await store.recordRun(run([report('alpha', { tools: [tool('a')] })]));
    const v1 = await store.version();
    await store.recordRun(run([report('alpha', { tools: [tool('a')] })]));
    expect(await store.version()).toBe(v1);
    await store.recordRun(run([report('alpha', { tools: [tool('a', 'reworded')] })]));
    expect(await store.version()).toBe(v1 + 1);
    await store.recordRun(
      run([
        report(
          'alpha',
          { tools: [tool('a', 'reworded')] },
          { health: 'degraded', reason: 'slow: 9000 ms > 5000 ms' },
        ),
      ]),
    );
    expect((await store.catalog()).version).toBe(v1 + 2);
  });

  it('a failure in the middle of a run leaves the previous catalog, version and last run intact', async () => {
    const db = await t.location();
    const store = await t.open(db);
    const before = run([report('alpha', { tools: [tool('a')] }), report('beta', { tools: [tool('b')] })]);
    await store.recordRun(before);
    const catalog = await store.catalog();
    // A second connection plants a trigger, so the insert for the later server fails inside the database itself.
    await t.failInsertsOf(db, 'boom');
    const broken = run([
      report('alpha', { tools: [tool('a2')] }),
      report('beta', { tools: [tool('b'), tool('boom')] }),
    ]);
    await expect(store.recordRun(broken)).rejects.toThrow('injected');
    expect(await store.catalog()).toEqual(catalog);
    expect((await store.lastRun())?.runId).toBe(before.runId);
    expect(await store.runs(10)).toHaveLength(1);
  });

  it('refuses a run it has already recorded', async () => {
    const store = await t.open(await t.location());
    const once = run([report('alpha', { tools: [tool('a')] })]);
    await store.recordRun(once);
    await expect(store.recordRun(once)).rejects.toMatchObject({ code: 'duplicate-run' });
  });
});
