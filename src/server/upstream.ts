import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { openSession, type Session } from '../discovery/session.js';
import type { ServerSpec } from '../sources/spec.js';
import { log } from '../telemetry/index.js';

export interface UpstreamOptions {
  connectTimeoutMs: number;
  clientVersion: string;
  /** A live server said its tools, resources or prompts changed, or a live session (re)opened and must catch up. */
  onListChanged: (server: string) => void;
  /** Reconnect delays: exponential from `minMs` to `maxMs`, with jitter. */
  backoff?: { minMs: number; maxMs: number };
}

/** Delay before reconnect attempt `n` (0-based): doubling, capped, then jittered by ±50 % to spread reconnects. */
export function backoffDelay(n: number, minMs: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** n);
  return Math.round(base * (0.5 + random()));
}

/** `session` is absent while a dropped live session waits for its reconnect. */
type Entry = { session?: Promise<Session>; live: boolean; attempts: number; timer?: NodeJS.Timeout };

/**
 * Sessions to upstream servers, opened on first use and kept: `call_tool` goes through them, and servers that
 * announce list changes stay connected so their notifications reach us. A live session that drops is reopened
 * with exponential backoff and jitter.
 */
export class UpstreamPool {
  private readonly sessions = new Map<string, Entry>();
  private closed = false;

  constructor(
    private specs: ReadonlyMap<string, ServerSpec>,
    private readonly options: UpstreamOptions,
  ) {}

  /** New configuration after a refresh: sessions whose definition changed are closed and reopened on use. */
  updateSpecs(specs: ReadonlyMap<string, ServerSpec>): void {
    for (const [name] of this.sessions) {
      if (JSON.stringify(specs.get(name)?.target) !== JSON.stringify(this.specs.get(name)?.target))
        void this.drop(name);
    }
    this.specs = specs;
  }

  has(server: string): boolean {
    return this.specs.has(server);
  }

  /** Keeps a session open to each of these servers, for their list-changed notifications. */
  watch(servers: string[]): void {
    for (const name of servers) void this.session(name, true).catch(() => undefined);
  }

  /** The open session to a server, opening it if need be (a live one, kept for notifications). */
  live(server: string): Promise<Session> {
    return this.session(server, true);
  }

  async callTool(
    server: string,
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<CallToolResult> {
    const { client } = await this.session(server, false);
    return (await client.callTool({ name, arguments: args }, undefined, {
      timeout: timeoutMs,
    })) as CallToolResult;
  }

  private session(server: string, live: boolean): Promise<Session> {
    const entry = this.sessions.get(server) ?? { live, attempts: 0 };
    entry.live ||= live;
    this.sessions.set(server, entry);
    // A caller does not wait out a reconnect delay: it opens the session now.
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.session ??= this.start(server, entry);
    return entry.session;
  }

  private start(server: string, entry: Entry): Promise<Session> {
    const session = this.open(server, entry);
    session.catch(() => this.lost(server, entry));
    return session;
  }

  private async open(server: string, entry: Entry): Promise<Session> {
    const spec = this.specs.get(server);
    if (!spec) throw new Error(`server "${server}" is not configured here`);
    const session = await openSession(spec.target, {
      timeoutMs: this.options.connectTimeoutMs,
      clientVersion: this.options.clientVersion,
    });
    const notify = () => this.options.onListChanged(server);
    session.client.setNotificationHandler(ToolListChangedNotificationSchema, notify);
    session.client.setNotificationHandler(ResourceListChangedNotificationSchema, notify);
    session.client.setNotificationHandler(PromptListChangedNotificationSchema, notify);
    session.client.onclose = () => this.lost(server, entry);
    entry.attempts = 0;
    // A live session catches up once it is open: changes made while we were away sent no notification to us.
    if (entry.live) queueMicrotask(notify);
    return session;
  }

  /** A session failed to open or dropped: forget it, and for a live server try again later. */
  private lost(server: string, entry: Entry): void {
    if (this.sessions.get(server) !== entry || this.closed) return;
    entry.session = undefined;
    if (!entry.live) {
      this.sessions.delete(server);
      return;
    }
    const { minMs, maxMs } = this.options.backoff ?? { minMs: 1_000, maxMs: 60_000 };
    const delay = backoffDelay(entry.attempts++, minMs, maxMs);
    log.info({ server, delayMs: delay }, 'upstream session lost; reconnecting');
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (!this.closed && this.sessions.get(server) === entry) entry.session ??= this.start(server, entry);
    }, delay);
    entry.timer.unref();
  }

  private async drop(server: string): Promise<void> {
    const entry = this.sessions.get(server);
    if (!entry) return;
    this.sessions.delete(server);
    clearTimeout(entry.timer);
    const session = await entry.session?.catch(() => undefined);
    await session?.connection.transport.close().catch(() => undefined);
  }

  /** Ends every session and its processes. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.sessions.keys()].map((name) => this.drop(name)));
  }
}
