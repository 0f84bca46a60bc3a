import { type FileHandle, mkdir, open, rename, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** A line could not be appended (or the file rotated). `errno` is the system code, e.g. `ENOSPC`. */
export class RotatingFileError extends Error {
  constructor(
    readonly code: 'open-failed' | 'rotate-failed' | 'write-failed',
    readonly errno: string,
    readonly file: string,
  ) {
    super(`${code} ${file}: ${errno}`);
    this.name = 'RotatingFileError';
  }
}

function errnoOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'EIO';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `metrics.jsonl` at 2026-11-25 14:30 UTC → `metrics-20261125T143000Z.jsonl` (`-1`, `-2` on collision). */
export function rotatedName(base: string, at: Date, n = 0): string {
  const ext = extname(base);
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${base.slice(0, base.length - ext.length)}-${stamp}${n ? `-${n}` : ''}${ext}`;
}

/** True only for names `rotatedName(base, …)` produces, so log maintenance never touches anyone else's files. */
export function isRotatedName(base: string, file: string): boolean {
  const ext = extname(base);
  const stem = base.slice(0, base.length - ext.length);
  return new RegExp(`^${escapeRegExp(stem)}-\\d{8}T\\d{6}Z(-[1-9]\\d*)?${escapeRegExp(ext)}$`).test(file);
}

/**
 * Appends whole lines to `<dir>/<name>`, moving the file to a dated sibling once the next line would take it
 * past `maxBytes`. A failed write is cut back to the size before it, so readers never see half a line.
 * Appends run one after another, so concurrent callers never interleave.
 */
export class RotatingFile {
  readonly path: string;
  #handle: FileHandle | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    readonly name: string,
    readonly maxBytes: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.path = join(dir, name);
  }

  /** Appends `line` plus a newline; a newline inside `line` becomes a space to keep one record per line. */
  append(line: string): Promise<void> {
    const data = Buffer.from(`${line.replace(/\r?\n/g, ' ')}\n`);
    const run = this.#queue.then(() => this.#write(data));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#handle?.close();
    this.#handle = undefined;
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      this.#handle = await open(this.path, 'a', 0o600);
      return this.#handle;
    } catch (error) {
      throw new RotatingFileError('open-failed', errnoOf(error), this.path);
    }
  }

  async #rotate(handle: FileHandle): Promise<void> {
    await handle.close();
    this.#handle = undefined;
    try {
      const at = this.now();
      let n = 0;
      // rename() silently replaces an existing target, so find a free name first.
      while (
        await stat(join(this.dir, rotatedName(this.name, at, n))).then(
          () => true,
          () => false,
        )
      )
        n++;
      await rename(this.path, join(this.dir, rotatedName(this.name, at, n)));
    } catch (error) {
      throw new RotatingFileError('rotate-failed', errnoOf(error), this.path);
    }
  }

  async #write(data: Buffer): Promise<void> {
    let handle = await this.#open();
    // The size is read each time, not tracked: another process may append to the same file.
    let size = await handle.stat().then(
      (s) => s.size,
      (error) => Promise.reject(new RotatingFileError('write-failed', errnoOf(error), this.path)),
    );
    if (size > 0 && size + data.length > this.maxBytes) {
      await this.#rotate(handle);
      handle = await this.#open();
      size = 0;
    }
    try {
      // One write call in the normal case; a short write (disk nearly full) goes on until the real error shows.
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await handle.write(data, written);
        if (bytesWritten === 0) throw new Error('no progress');
        written += bytesWritten;
      }
    } catch (error) {
      await handle.truncate(size).catch(() => undefined);
      throw new RotatingFileError('write-failed', errnoOf(error), this.path);
    }
  }
}
