import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { z } from 'zod';
import { StoreError } from '../store/errors.js';

/** The backup folder's table of contents. Written last: a folder without it is an interrupted backup. */
export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 1;

const FileRoleSchema = z.enum(['database', 'settings', 'client-config']);
export type FileRole = z.infer<typeof FileRoleSchema>;

// A crafted manifest must not make restore read outside the backup folder.
const InsidePath = z
  .string()
  .min(1)
  .refine((p) => !isAbsolute(p) && !normalize(p).startsWith('..'), 'must be a path inside the backup folder');

export const BackupFileSchema = z.object({
  /** Relative to the backup folder. */
  path: InsidePath,
  /** Where the file was (and is restored to); for the database, the data directory's database. */
  originalPath: z.string().refine(isAbsolute, 'must be an absolute path'),
  role: FileRoleSchema,
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
});
export type BackupFile = z.infer<typeof BackupFileSchema>;

export const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  createdAt: z.iso.datetime(),
  appVersion: z.string(),
  /** `PRAGMA user_version` of the copied database: how many migrations it has run. */
  schemaVersion: z.number().int().nonnegative(),
  files: z
    .array(BackupFileSchema)
    .refine(
      (files) => files.filter((f) => f.role === 'database').length === 1,
      'must hold exactly one database',
    ),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/**
 * not-found: no such backup folder; no-manifest: the backup is incomplete; bad-manifest: unreadable or off-schema;
 * missing-file, size-mismatch, checksum-mismatch: a file was lost, truncated or altered; corrupt-database: the copy
 * fails SQLite's integrity check; newer-schema: made by a newer build; no-database: nothing to back up;
 * in-use: another process has the database open; io-failed: the disk refused (full, read-only, permissions).
 */
const BackupErrorCodeSchema = z.enum([
  'not-found',
  'no-manifest',
  'bad-manifest',
  'missing-file',
  'size-mismatch',
  'checksum-mismatch',
  'corrupt-database',
  'newer-schema',
  'no-database',
  'in-use',
  'io-failed',
]);
export type BackupErrorCode = z.infer<typeof BackupErrorCodeSchema>;

/** A backup or restore refused or failed: `code` for programs, a message naming the file and what to do. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Streamed, so a large database is never held in memory. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `<field path>: message` for the first problem, or the manifest. */
export function parseManifest(
  text: string,
  file: string,
): { ok: true; manifest: Manifest } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${file}: not valid JSON (${(error as Error).message})` };
  }
  const parsed = ManifestSchema.safeParse(json);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, message: `${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
}

/** Folder names sort in time order and carry no ':' (not allowed on Windows). */
export const stampOf = (date: Date): string => date.toISOString().replace(/:/g, '-');
export const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z$/;

/** The errno or SQLite code, for messages: never the file's content. */
export const codeOf = (error: unknown): string =>
  String((error as { code?: unknown } | null)?.code ?? (error as Error)?.name ?? 'error');

const noSpace = (error: unknown): boolean => ['ENOSPC', 'SQLITE_FULL'].includes(codeOf(error));

/** An error that is not already one of ours becomes `io-failed`, naming the file, the code and what to do. */
export function ioFailure(error: unknown, file: string, outcome: string): unknown {
  if (error instanceof BackupError || error instanceof StoreError) return error;
  const what = noSpace(error)
    ? 'no space left on the device: free some space or use another disk'
    : 'check the permissions and the disk';
  return new BackupError('io-failed', `${file}: ${codeOf(error)}: ${what}; ${outcome}`, { cause: error });
}
