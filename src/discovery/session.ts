import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Target } from '../sources/spec.js';
import { type Connection, connections, shouldFallBack } from './connect.js';

export interface Session {
  client: Client;
  connection: Connection;
}

/**
 * A lasting client session to one server (for a gateway, not a probe): the same transports, tracing and
 * streamable-HTTP-then-SSE fallback as discovery, without the probe's bookkeeping.
 */
export async function openSession(
  target: Target,
  options: { timeoutMs: number; clientVersion: string },
): Promise<Session> {
  let lastError: unknown;
  for (const connection of connections(target)) {
    const client = new Client(
      { name: 'mcp-discovery', version: options.clientVersion },
      { capabilities: {} },
    );
    try {
      await client.connect(connection.transport, { timeout: options.timeoutMs });
      return { client, connection };
    } catch (error) {
      lastError = error;
      await connection.transport.close().catch(() => undefined);
      if (!shouldFallBack(error)) break;
    }
  }
  throw lastError;
}
