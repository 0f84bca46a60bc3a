import type pg from 'pg';
import { NOTIFY_CHANNEL as CHANNEL } from '../store/postgres/sql.js';
import { errorType, log } from '../telemetry/index.js';
import type { Coordinator, Topic } from './coordinator.js';

/** Every instance of one deployment contends for this advisory lock; its holder leads. */
export const LEADER_LOCK_KEY = 0x6d63_7064; // "mcpd"
/** Longest wait for the leader's heartbeat or a lock attempt before the connection counts as lost. */
const QUERY_TIMEOUT_MS = 5_000;

export interface PgCoordinatorOptions {
  url: string;
  instance: string;
  /** How often a follower tries to take the lead and a leader checks its connection; bounds failover. */
  pollMs?: number;
  /** Waits after a lost connection, doubling up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Leadership and change notifications over ONE dedicated PostgreSQL connection: it holds the session-level
 * advisory lock of the leader and LISTENs on the channel. Losing it loses both at once, which is what makes this
 * safe: a leader whose connection dies stops leading (PostgreSQL frees the lock with the session, so a follower
 * takes over within `pollMs`), and a reconnected instance reloads everything (`resync`) since notifications sent
 * while it was away are gone.
 */
export class PgCoordinator implements Coordinator {
  leading = false;
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private connecting: Promise<void> | undefined;
  private failures = 0;
  private readonly leadership: ((leading: boolean) => void)[] = [];
  private readonly changes: ((topic: Topic) => void)[] = [];

  private constructor(
    private readonly Client: typeof pg.Client,
    private readonly options: PgCoordinatorOptions,
  ) {}

  get instance(): string {
    return this.options.instance;
  }

  static async start(options: PgCoordinatorOptions): Promise<PgCoordinator> {
    const { default: pgModule } = await import('pg');
    const coordinator = new PgCoordinator(pgModule.Client, options);
    await coordinator.connect(false);
    await coordinator.poll();
    coordinator.schedule();
    return coordinator;
  }

  onLeadership(listener: (leading: boolean) => void): void {
    this.leadership.push(listener);
    if (this.leading) listener(true);
  }

  onChange(listener: (topic: Topic) => void): void {
    this.changes.push(listener);
  }

  async publish(topic: Exclude<Topic, 'resync'>): Promise<void> {
    const payload = JSON.stringify({ topic, from: this.options.instance });
    try {
      await this.client?.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
    } catch (error) {
      // The others resync when this connection comes back; a lost notification is never silently final.
      log.warn({ topic, err: errorType(error) }, 'cluster: could not announce a change');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.setLeading(false);
    await client?.end().catch(() => undefined);
  }

  private schedule(): void {
    if (this.closed) return;
    const wait = this.client
      ? (this.options.pollMs ?? 1000)
      : Math.min((this.options.backoffMs ?? 500) * 2 ** this.failures, this.options.maxBackoffMs ?? 15_000);
    this.timer = setTimeout(() => void this.step(), wait);
    this.timer.unref();
  }

  private async step(): Promise<void> {
    if (!this.client) await this.connect(true).catch(() => undefined);
    if (this.client) await this.poll();
    this.schedule();
  }

  private async connect(resync: boolean): Promise<void> {
    this.connecting ??= (async () => {
      const client = new this.Client({
        connectionString: this.options.url,
        keepAlive: true,
        // Names the instance in pg_stat_activity, so `health` can say which one leads (63 bytes at most).
        application_name: `mcp-discovery-coordinator ${this.options.instance}`.slice(0, 63),
        // A heartbeat that hangs (the network cut, the socket still open) must end the lead, not keep it: a
        // leader that cannot reach the database stops leading within this bound.
        query_timeout: QUERY_TIMEOUT_MS,
      });
      client.on('error', (error) => this.lost(client, error));
      client.on('end', () => this.lost(client));
      client.on('notification', (message) => this.notified(message.payload));
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
      } catch (error) {
        this.failures++;
        await client.end().catch(() => undefined);
        // Never the URL: it holds the password.
        log.warn({ err: errorType(error), failures: this.failures }, 'cluster: cannot reach PostgreSQL');
        throw error;
      }
      this.client = client;
      this.failures = 0;
      if (resync) for (const listener of this.changes) listener('resync');
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async poll(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      if (this.leading) await client.query('SELECT 1');
      else {
        const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [
          LEADER_LOCK_KEY,
        ]);
        if (rows[0]?.got) this.setLeading(true);
      }
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.setLeading(false);
    if (!this.closed)
      log.warn({ err: error ? errorType(error) : 'ended' }, 'cluster: lost the PostgreSQL connection');
    void client.end().catch(() => undefined);
  }

  private notified(payload: string | undefined): void {
    let message: { topic?: Topic; from?: string };
    try {
      message = JSON.parse(payload ?? '');
    } catch {
      return;
    }
    if (!message.topic || message.from === this.options.instance) return;
    for (const listener of this.changes) listener(message.topic);
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    log.info(
      { instance: this.options.instance, leading },
      leading ? 'cluster: leading' : 'cluster: following',
    );
    for (const listener of this.leadership) listener(leading);
  }
}
