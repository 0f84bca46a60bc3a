import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCatalogFile } from '../src/import-catalog.js';
import { Hub } from '../src/server/hub.js';
import { connectSession } from '../src/server/mcp.js';
import { loadSettings } from '../src/settings/index.js';
import { benchHttpLoad } from './http-load.js';
import type { BenchResult } from './report.js';

const BENCH = join(import.meta.dirname, '../../shared/bench/livemcpbench');

/** The HTTP load benchmark against the real `search_tools`, over the 527 tools of the shared benchmark catalog. */
export async function benchServeLoad(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-discovery-serve-load-'));
  const loaded = loadSettings({
    env: {},
    cwd: dir,
    flags: { dataDir: join(dir, 'data'), discovery: { userConfigs: false } },
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  await importCatalogFile(loaded.settings, join(BENCH, 'tools.jsonl'), join(BENCH, 'servers.jsonl'));
  const hub = await Hub.start({ settings: loaded.settings, discoverOnStart: false });
  try {
    const result = await benchHttpLoad((transport) => connectSession(hub, transport, 'tcp'));
    return {
      name: 'http-load',
      data: { ...result.data, tools: hub.catalog.catalog.entries.length, searchTools: 'real' },
    };
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
