import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dbFile, StoreError } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { report, run, tempStores, tool } from './helpers.js';

const t = tempStores();

describe('openSqliteStore', () => {
  it('creates <data-dir>/mcp-discovery.db owner-only, in WAL mode, at the latest schema', async () => {
    const dir = t.dir();
    const file = dbFile(join(dir, 'nested'));
    await t.open(file);
    expect(file).toBe(join(dir, 'nested', 'mcp-discovery.db'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    raw.close();
  });

  it('refuses a database written by a newer build, saying what to do', async () => {
    const file = t.file();
    const store = await t.open(file);
    await store.recordRun(run([report('alpha', { tools: [tool('a')] })]));
    await store.close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    const refused = t.open(file);
    await expect(refused).rejects.toBeInstanceOf(StoreError);
    await expect(refused).rejects.toMatchObject({
      code: 'newer-schema',
      message: `database ${file} was written by a newer mcp-discovery (schema ${MIGRATIONS.length + 1} > ${MIGRATIONS.length}); upgrade mcp-discovery or point --data-dir elsewhere`,
    });
  });

  it('waits for a database another process holds, then fails as locked with a clear message', async () => {
    const file = t.file();
    await (await t.open(file)).close();
    const other = new Database(file);
    other.exec('BEGIN EXCLUSIVE');
    try {
      const error = await t.open(file, { busyTimeoutMs: 200 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'locked' });
      expect((error as Error).message).toBe(
        `database ${file} is locked by another process (waited 200 ms): let the other mcp-discovery command finish, then try again`,
      );
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await expect(t.open(file, { busyTimeoutMs: 200 })).resolves.toBeDefined();
  });

  it('reports a file that is not a SQLite database as corrupt, naming the file and the fix', async () => {
    const file = t.file();
    writeFileSync(file, 'this is a text file, not a database\n'.repeat(20));
    const error = await t.open(file).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'corrupt' });
    expect((error as Error).message).toContain(`${file} is not a usable mcp-discovery database`);
    expect((error as Error).message).toContain('move it aside');
  });
});
