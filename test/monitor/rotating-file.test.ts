import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRotatedName, RotatingFile, RotatingFileError } from '../../src/monitor/rotating-file.js';

const root = mkdtempSync(join(tmpdir(), 'rotating-file-'));
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);

// A 16 KiB tmpfs fills up for real; mounting needs root (as in CI), otherwise the test says why it skipped.
const small = join(root, 'small');
let mountError = '';
try {
  execFileSync('mkdir', ['-p', small]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', small], { stdio: 'pipe' });
} catch (error) {
  mountError = String((error as { stderr?: Buffer }).stderr ?? error).trim() || 'mount failed';
  console.warn(`skipping the disk-full test: cannot mount a tmpfs (${mountError})`);
}

afterAll(() => {
  if (!mountError) execFileSync('umount', [small]);
  rmSync(root, { recursive: true, force: true });
});

describe('RotatingFile', () => {
  it('keeps the order of concurrent appends, in an owner-only directory and file', async () => {
    const dir = join(root, 'order', 'logs');
    const file = new RotatingFile(dir, 'metrics.jsonl', 1 << 20);
    await Promise.all(Array.from({ length: 200 }, (_, i) => file.append(JSON.stringify({ i }))));
    await file.close();
    expect(lines(file.path).map((l) => JSON.parse(l).i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
  });

  it('moves the file to a dated sibling when the next line would pass maxBytes', async () => {
    const dir = join(root, 'rotate');
    const at = new Date('2026-11-25T14:30:00.000Z');
    const file = new RotatingFile(dir, 'metrics.jsonl', 100, () => at);
    const line = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(15) }); // 32 bytes with the newline
    for (let n = 0; n < 7; n++) await file.append(line(n));
    await file.close();
    expect(readdirSync(dir).sort()).toEqual([
      'metrics-20261125T143000Z-1.jsonl',
      'metrics-20261125T143000Z.jsonl',
      'metrics.jsonl',
    ]);
    expect(lines(join(dir, 'metrics-20261125T143000Z.jsonl'))).toEqual([line(0), line(1), line(2)]);
    expect(lines(join(dir, 'metrics-20261125T143000Z-1.jsonl'))).toEqual([line(3), line(4), line(5)]);
    expect(lines(file.path)).toEqual([line(6)]);
  });

  it('keeps one record per line when the text holds a newline', async () => {
    const file = new RotatingFile(join(root, 'newline'), 'alerts.log', 4096);
    await file.append('first\nsecond');
    await file.close();
    expect(lines(file.path)).toEqual(['first second']);
  });

  it.skipIf(Boolean(mountError))(
    'on a full disk fails with a typed error and leaves only whole lines',
    async () => {
      const file = new RotatingFile(join(small, 'logs'), 'metrics.jsonl', 1 << 20);
      let written = 0;
      let failure: unknown;
      // 100-byte lines do not divide a 4 KiB page, so the failing write is a partial one that must be cut back.
      for (let i = 0; i < 10_000 && !failure; i++) {
        await file.append(JSON.stringify({ i, pad: 'x'.repeat(84 - String(i).length) })).then(
          () => written++,
          (error: unknown) => (failure = error),
        );
      }
      await file.close();
      expect(failure).toBeInstanceOf(RotatingFileError);
      expect(failure).toMatchObject({ code: 'write-failed', errno: 'ENOSPC' });
      const text = readFileSync(file.path, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(text.length).toBe(written * 100);
      expect(lines(file.path).map((l) => JSON.parse(l).i)).toEqual(
        Array.from({ length: written }, (_, i) => i),
      );
    },
  );
});

describe('isRotatedName', () => {
  it('accepts only the dated siblings RotatingFile makes', () => {
    expect(isRotatedName('metrics.jsonl', 'metrics-20261125T143000Z.jsonl')).toBe(true);
    expect(isRotatedName('metrics.jsonl', 'metrics-20261125T143000Z-2.jsonl')).toBe(true);
    expect(isRotatedName('alerts.log', 'alerts-20261125T143000Z.log')).toBe(true);
    for (const other of [
      'metrics.jsonl',
      'metrics.jsonl.bak',
      'other-20261125T143000Z.jsonl',
      'metrics-20261125T143000Z.jsonl.gz',
      'metrics-20261125.jsonl',
      'metrics-20261125T143000Z-0.jsonl',
      'alerts-20261125T143000Z.jsonl',
    ]) {
      expect(isRotatedName(other.startsWith('alerts') ? 'alerts.log' : 'metrics.jsonl', other)).toBe(false);
    }
  });
});
