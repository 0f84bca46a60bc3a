import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RemoteTarget, Target } from '../sources/spec.js';
import { ProbeStdioTransport } from './stdio-transport.js';
import { TracedTransport } from './traced-transport.js';

export type Resolved = 'stdio' | 'http' | 'sse';

export interface Connection {
  transport: TracedTransport;
  kind: Resolved;
  /** Present for stdio: exit code, stderr tail and stray stdout of the child. */
  stdio?: ProbeStdioTransport;
}

function remote(target: RemoteTarget, kind: 'http' | 'sse'): Connection {
  const url = new URL(target.url);
  const requestInit = { headers: target.headers };
  const inner =
    kind === 'http'
      ? new StreamableHTTPClientTransport(url, { requestInit })
      : new SSEClientTransport(url, { requestInit });
  return { transport: new TracedTransport(inner, { networkTransport: 'tcp', url }), kind };
}

/** The transport to try first for a target, and the one to fall back to. */
export function connections(target: Target): Connection[] {
  if (target.transport === 'stdio') {
    const stdio = new ProbeStdioTransport(target);
    return [{ transport: new TracedTransport(stdio, { networkTransport: 'pipe' }), kind: 'stdio', stdio }];
  }
  if (target.transport === 'auto') return [remote(target, 'http'), remote(target, 'sse')];
  return [remote(target, target.transport)];
}

/**
 * A bare URL is tried with streamable HTTP first; the SDK's guidance is to fall back to the older SSE transport when
 * the server answers the POST with a 4xx other than an auth refusal.
 */
export function shouldFallBack(error: unknown): boolean {
  if (!(error instanceof StreamableHTTPError)) return false;
  const code = error.code ?? 0;
  return code >= 400 && code < 500 && code !== 401 && code !== 403;
}
