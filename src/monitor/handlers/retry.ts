import { setTimeout as sleep } from 'node:timers/promises';
import { errorType } from '../../telemetry/index.js';

/** Backoff tuning; the defaults suit real receivers, tests shrink them so retries take milliseconds. */
export interface Backoff {
  /** Delay before the first retry; doubles per retry. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface DeliverOptions extends Backoff {
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after the first. */
  retries: number;
  /** The handler's name (never a secret): it goes into the error message. */
  name: string;
}

/**
 * Every attempt failed. Carries only the handler name, the attempt count and the last error's type: the
 * underlying errors may quote URLs, headers or SMTP replies, so they are not attached as `cause`.
 */
export class DeliveryError extends Error {
  readonly code = 'delivery-failed';
  constructor(
    readonly handler: string,
    readonly attempts: number,
    readonly lastErrorType: string,
  ) {
    super(`${handler}: delivery failed after ${attempts} attempt(s) (${lastErrorType})`);
    this.name = 'DeliveryError';
  }
}

/** A non-2xx answer. `retryable: false` tells `deliver` that asking again would get the same answer. */
export class HttpStatusError extends Error {
  readonly code: string;
  constructor(
    readonly status: number,
    readonly retryable: boolean,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusError';
    this.code = `http-${status}`;
  }
}

/**
 * fetch wraps socket errors as `TypeError: fetch failed`; the cause's code (ECONNREFUSED) says more. An abort is
 * a DOMException whose numeric legacy `code` (23) says less than its name (`TimeoutError`).
 */
function typeOf(error: unknown): string {
  if (error instanceof DOMException) return error.name;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return error instanceof TypeError && cause ? errorType(cause) : errorType(error);
}

/** Rejects when `signal` aborts, so an attempt that ignores its signal still cannot outlive its timeout. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * Runs `attempt` until it resolves, at most `retries + 1` times, each under its own timeout, with exponential
 * backoff and jitter between attempts (so several instances do not retry in lockstep). Throws `DeliveryError`.
 */
export async function deliver(
  attempt: (signal: AbortSignal) => Promise<void>,
  options: DeliverOptions,
): Promise<void> {
  const { timeoutMs, retries, name, baseDelayMs = 250, maxDelayMs = 10_000 } = options;
  let attempts = 0;
  for (;;) {
    attempts++;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      await Promise.race([attempt(signal), aborted(signal)]);
      return;
    } catch (error) {
      const permanent = (error as { retryable?: unknown }).retryable === false;
      if (permanent || attempts > retries) throw new DeliveryError(name, attempts, typeOf(error));
    }
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1));
    await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}

/**
 * POSTs `body` as JSON; any non-2xx is a failure. 4xx answers other than 408 (timeout) and 429 (rate limited)
 * are not retried: the request itself is wrong (bad token, deleted webhook, rejected payload), so repeating it
 * only delays the error and loads a receiver that already said no.
 */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
  // Drain the body so the keep-alive connection is released.
  await response.body?.cancel();
  if (response.ok) return;
  const status = response.status;
  throw new HttpStatusError(status, status >= 500 || status === 408 || status === 429 || status < 400);
}
