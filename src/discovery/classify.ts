import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Outcome } from '../telemetry/index.js';
import type { Health } from './report.js';

/** What the probe knew when it failed; everything a person needs to tell why. */
export interface FailureFacts {
  error: unknown;
  /** The step under way: `spawn`, `connect`, `initialize`, `tools/list`, ... */
  phase: string;
  command?: string;
  timeoutMs: number;
  timedOut: boolean;
  exitCode?: number | null;
  exitSignal?: NodeJS.Signals | null;
  stderrTail?: string;
  firstBadLine?: string;
}

export interface Verdict {
  health: Health;
  outcome: Outcome;
  reason: string;
}

function httpStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}

/** Node's fetch wraps socket errors: `TypeError: fetch failed` with the real code on `cause`. */
function systemCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

function lastLines(text: string | undefined, n = 3): string {
  if (!text) return '';
  return text.trim().split(/\r?\n/).slice(-n).join(' | ');
}

/** Turns a failed probe into a health state and a one-line reason. Pure, so every branch is unit-tested. */
export function classifyFailure(f: FailureFacts): Verdict {
  const err = f.error as NodeJS.ErrnoException | undefined;
  const stderr = lastLines(f.stderrTail);
  const withStderr = (s: string) => (stderr ? `${s}: ${stderr}` : s);

  if (f.phase === 'spawn' && err?.code === 'ENOENT')
    return {
      health: 'failed',
      outcome: 'failure',
      reason: `command not found: ${f.command} (is it installed and on PATH?)`,
    };
  if (f.phase === 'spawn' && err?.code === 'EACCES')
    return { health: 'failed', outcome: 'failure', reason: `command not executable: ${f.command}` };

  const status = httpStatus(f.error);
  if (status === 401 || status === 403)
    return {
      health: 'unauthorized',
      outcome: 'failure',
      reason: `HTTP ${status} during ${f.phase}: check the token or headers`,
    };

  if (f.exitCode !== undefined && f.exitCode !== null)
    return {
      health: 'failed',
      outcome: 'failure',
      reason: withStderr(`exited with code ${f.exitCode} during ${f.phase}`),
    };
  if (f.exitSignal && !f.timedOut)
    return {
      health: 'failed',
      outcome: 'failure',
      reason: withStderr(`killed by ${f.exitSignal} during ${f.phase}`),
    };

  const timedOut = f.timedOut || (f.error instanceof McpError && f.error.code === ErrorCode.RequestTimeout);
  if (timedOut) {
    const hint = f.firstBadLine ? ` (stdout had non-protocol output: "${f.firstBadLine}")` : '';
    return {
      health: 'failed',
      outcome: 'timeout',
      reason: `timed out after ${f.timeoutMs} ms during ${f.phase}${hint}`,
    };
  }

  const sys = systemCode(f.error);
  if (sys === 'ECONNREFUSED')
    return { health: 'failed', outcome: 'failure', reason: `connection refused during ${f.phase}` };
  if (sys === 'ENOTFOUND')
    return { health: 'failed', outcome: 'failure', reason: `host not found during ${f.phase}` };
  if (status) return { health: 'failed', outcome: 'failure', reason: `HTTP ${status} during ${f.phase}` };
  const message = f.error instanceof Error ? f.error.message : String(f.error);
  const cause = (f.error as { cause?: unknown })?.cause;
  if (message === 'fetch failed')
    return {
      health: 'failed',
      outcome: 'failure',
      reason: `network error during ${f.phase}: ${cause instanceof Error ? cause.message : 'fetch failed'}`,
    };
  return {
    health: 'failed',
    outcome: 'failure',
    reason: withStderr(`protocol error during ${f.phase}: ${message}`),
  };
}
