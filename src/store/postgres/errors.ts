import { StoreError } from '../errors.js';

/**
 * PostgreSQL failures as `StoreError`s. Messages name the database as `postgres://user@host:port/db`: the
 * password and query parameters (which may hold `sslpassword` or a password too) never reach a message or log.
 */

/** The URL without secrets, for messages; a URL that does not parse is not echoed at all. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return 'the PostgreSQL database in store.postgresUrl';
  }
}

// Node's socket errors and SQLSTATE classes 08 (connection exception) and 57P (server going away).
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);
const unavailable = (code: string) =>
  UNREACHABLE.has(code) || code.startsWith('08') || code.startsWith('57P') || code === '53300';
// Bad password or role, missing database, missing privilege: the settings or the grants need fixing.
const refused = (code: string) => code.startsWith('28') || code === '3D000' || code === '42501';
// Deadlock or serialization failure: another instance's write got in the way (the writer lock prevents both).
const conflicted = (code: string) => code === '40P01' || code === '40001';

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  // pg reports its own connect timeout, and a password SCRAM cannot use, as plain Errors.
  const message = (error as Error | null)?.message ?? '';
  if (/^SASL/.test(message)) return '28000';
  return /timeout/i.test(message) ? 'ETIMEDOUT' : '';
}

/** A pg or socket error as a StoreError when the user can act on it; anything else is returned unchanged. */
export function pgStoreError(error: unknown, url: string, lockTimeoutMs: number): unknown {
  if (error instanceof StoreError) return error;
  const code = codeOf(error);
  const where = describeUrl(url);
  // pg's messages carry host, port, role and database names, never the password: safe to quote.
  const detail = (error as Error | null)?.message ?? String(error);
  const options = { cause: error };
  if (unavailable(code))
    return new StoreError(
      'unavailable',
      `cannot reach PostgreSQL at ${where} (${detail}): check that the server is running and store.postgresUrl`,
      options,
    );
  if (refused(code))
    return new StoreError(
      'cannot-open',
      `PostgreSQL refused ${where} (${detail}): check the user, password and database in store.postgresUrl ` +
        'and the role’s privileges',
      options,
    );
  if (code === '55P03')
    return new StoreError(
      'locked',
      `database ${where} is busy with another mcp-discovery instance's write (waited ${lockTimeoutMs} ms): ` +
        'try again',
      options,
    );
  if (conflicted(code))
    return new StoreError(
      'locked',
      `database ${where}: this write collided with another instance's (${detail}): try again`,
      options,
    );
  if (code === 'XX001' || code === 'XX002')
    return new StoreError(
      'corrupt',
      `${where} reports damaged data (${detail}): restore it from a backup`,
      options,
    );
  return error;
}
