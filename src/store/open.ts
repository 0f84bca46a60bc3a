import type { ResolvedSettings } from '../settings/index.js';
import { StoreError } from './errors.js';
import { describeUrl } from './postgres/errors.js';
import { dbFile, openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

type StoreSettings = Pick<ResolvedSettings, 'dataDir' | 'store'>;

/**
 * The store `store.backend` names: SQLite in the data directory, or the PostgreSQL database instances share.
 * pg is loaded only here, on demand (postgres/errors.ts does not load it), so SQLite users never load it.
 */
export async function openStore(settings: StoreSettings): Promise<Store> {
  if (settings.store.backend !== 'postgres') return openSqliteStore(dbFile(settings.dataDir));
  const url = settings.store.postgresUrl;
  if (url === undefined)
    throw new StoreError(
      'cannot-open',
      'store.backend "postgres" needs store.postgresUrl (or MCP_DISCOVERY_POSTGRES_URL)',
    );
  const { openPostgresStore } = await import('./postgres/store.js');
  return openPostgresStore(url, { poolSize: settings.store.poolSize });
}

/** Where the store is, for people: the database file, or the PostgreSQL URL without its password. */
export function storeLocation(settings: StoreSettings): string {
  if (settings.store.backend !== 'postgres' || settings.store.postgresUrl === undefined)
    return dbFile(settings.dataDir);
  return describeUrl(settings.store.postgresUrl);
}
