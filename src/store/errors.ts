import { z } from 'zod';

/**
 * locked: another process holds the database past the busy timeout; newer-schema: written by a newer build;
 * corrupt: not a SQLite database, or damaged; cannot-open: missing permission or directory (for PostgreSQL:
 * refused credentials, missing database or privilege); duplicate-run: a run with this id is already recorded;
 * unavailable: the PostgreSQL server cannot be reached or is not accepting connections.
 */
const StoreErrorCodeSchema = z.enum([
  'locked',
  'newer-schema',
  'corrupt',
  'cannot-open',
  'duplicate-run',
  'unavailable',
]);
export type StoreErrorCode = z.infer<typeof StoreErrorCodeSchema>;

/** A store failure the user can act on: `code` for programs, a message that says what to do for people. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** SQLite's result codes (better-sqlite3 puts them on `error.code`) that mean something the user can fix. */
export function storeErrorFrom(error: unknown, file: string, busyTimeoutMs: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const detail = (error as Error).message;
  const options = { cause: error };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new StoreError(
      'locked',
      `database ${file} is locked by another process (waited ${busyTimeoutMs} ms): ` +
        'let the other mcp-discovery command finish, then try again',
      options,
    );
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT'))
    return new StoreError(
      'corrupt',
      `${file} is not a usable mcp-discovery database (${detail}): ` +
        'move it aside so a new one is created, or point --data-dir elsewhere',
      options,
    );
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_PERM')
  )
    return cannotOpen(file, error);
  return error;
}

export const cannotOpen = (file: string, error: unknown) =>
  new StoreError(
    'cannot-open',
    `cannot write database ${file} (${(error as Error).message}): check the permissions of its directory, ` +
      'or point --data-dir elsewhere',
    { cause: error },
  );
