import type { ResolvedSettings } from '../settings/index.js';
import { NOTIFY_CHANNEL } from '../store/postgres/sql.js';
import { errorType, INSTANCE_ID, log } from '../telemetry/index.js';
import type { Topic } from './coordinator.js';

/**
 * Tells every running instance that `topic` changed, this process included when it is one (a scheduled task). Only
 * PostgreSQL has instances to tell; an announcement that cannot be sent is logged, and the instances catch up
 * at their next resync.
 */
export async function announce(settings: ResolvedSettings, topic: Exclude<Topic, 'resync'>): Promise<void> {
  const url = settings.store.postgresUrl;
  if (settings.store.backend !== 'postgres' || !url) return;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT pg_notify($1, $2)', [
      NOTIFY_CHANNEL,
      JSON.stringify({ topic, from: `announce:${INSTANCE_ID}` }),
    ]);
  } catch (error) {
    log.warn({ topic, err: errorType(error) }, 'cluster: could not announce a change');
  } finally {
    await client.end().catch(() => undefined);
  }
}
