import { stat } from 'node:fs/promises';
import type { DiscoveryRun } from '../discovery/report.js';
import { StoreError } from './errors.js';
import { dbFile, openSqliteStore } from './sqlite.js';

export type LastRun = { ok: true; run: DiscoveryRun } | { ok: false; missing: boolean; message: string };

/**
 * The latest discovery run in a data directory's store, as a result the `servers` command prints.
 * Reading never creates a database: with none there, there is simply no run yet.
 */
export async function loadLastRun(dataDir: string): Promise<LastRun> {
  const file = dbFile(dataDir);
  const none: LastRun = {
    ok: false,
    missing: true,
    message: `no discovery run yet in ${dataDir}: run \`mcp-discovery discover\``,
  };
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (!exists) return none;
  try {
    const store = await openSqliteStore(file);
    try {
      const run = await store.lastRun();
      return run ? { ok: true, run } : none;
    } finally {
      await store.close();
    }
  } catch (error) {
    if (error instanceof StoreError) return { ok: false, missing: false, message: error.message };
    throw error;
  }
}
