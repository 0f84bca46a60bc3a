import type { ServerResponse } from 'node:http';
import { errorType } from '../telemetry/index.js';
import { sendJson } from './http-reply.js';

export interface Readiness {
  ok: boolean;
  checks: Record<string, string>;
}

/** Liveness: the process answers. Nothing else is consulted, so a slow store never gets the process restarted. */
export function healthz(res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

/** Readiness: 200 or 503 with the checks either way, so an operator sees which one failed. */
export async function readyz(res: ServerResponse, ready: () => Promise<Readiness>): Promise<void> {
  let result: Readiness;
  try {
    result = await ready();
  } catch (error) {
    // The error's type, never its message: messages can carry paths or connection strings.
    result = { ok: false, checks: { ready: `failed: ${errorType(error)}` } };
  }
  sendJson(res, result.ok ? 200 : 503, { status: result.ok ? 'ready' : 'not ready', checks: result.checks });
}
