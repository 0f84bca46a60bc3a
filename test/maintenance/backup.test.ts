import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogFile } from '../../src/import-catalog.js';
import { backup } from '../../src/maintenance/backup.js';
import { BackupError, type Manifest, sha256 } from '../../src/maintenance/manifest.js';
import { restore } from '../../src/maintenance/restore.js';
import { TaskBusyError } from '../../src/maintenance/task.js';
import type { ResolvedSettings } from '../../src/settings/index.js';
import type { SourceContext } from '../../src/sources/index.js';
import { dbFile } from '../../src/store/index.js';
import { testSettings } from '../helpers/settings.js';

let root: string;
let settings: ResolvedSettings;
let context: SourceContext;
let cursorConfig: string;
let settingsFile: string;
const backups = () => join(root, 'backups');

/** Imports `n` tools through the same path as `index import`, replacing what was imported before. */
async function seed(n: number, descriptionLength = 40): Promise<void> {
  const file = join(root, `tools-${n}.jsonl`);
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      server: 'srv',
      name: `tool_${i}`,
      description: `tool ${i} `.padEnd(descriptionLength, 'x'),
    }),
  );
  writeFileSync(file, lines.join('\n'));
  await importCatalogFile(settings, file);
}

function count(file = dbFile(settings.dataDir)): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM entries WHERE removed_at IS NULL').get() as { n: number })
      .n;
  } finally {
    db.close();
  }
}

const takeBackup = () => backup({ settings, dir: backups(), settingsFile, context });

async function refusal(promise: Promise<unknown>): Promise<BackupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupError);
  return error as BackupError;
}

/** Rewrites a file of a backup and its manifest entry, so only the content check can tell. */
function forge(folder: string, path: string, data: Buffer): void {
  writeFileSync(join(folder, path), data);
  const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as Manifest;
  for (const f of manifest.files)
    if (f.path === path) Object.assign(f, { size: data.length, sha256: sha256(data) });
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'mcp-discovery-backup-'));
  const home = join(root, 'home');
  mkdirSync(join(home, '.cursor'), { recursive: true });
  cursorConfig = join(home, '.cursor', 'mcp.json');
  writeFileSync(
    cursorConfig,
    JSON.stringify({ mcpServers: { kv: { command: 'kv', env: { TOKEN: 'secret' } } } }),
  );
  settingsFile = join(root, 'mcp-discovery.json');
  writeFileSync(settingsFile, '{}');
  settings = testSettings({ cwd: root, flags: { dataDir: join(root, 'data') } });
  context = { home, cwd: home, platform: 'linux', env: {} };
  await seed(3);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('backup and restore', () => {
  it('round-trips the catalog, keeps what it replaced, and restores configs only when asked', async () => {
    const { folder, manifest } = await takeBackup();
    expect(readdirSync(backups())).toEqual([folder.split('/').at(-1)]);
    expect(manifest.files.map((f) => [f.role, f.originalPath])).toEqual([
      ['database', dbFile(settings.dataDir)],
      ['settings', settingsFile],
      ['client-config', cursorConfig],
    ]);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    for (const f of manifest.files) expect(statSync(join(folder, f.path)).mode & 0o777).toBe(0o600);

    await seed(5);
    writeFileSync(cursorConfig, '{"mcpServers": {}}');
    const plain = await restore({ settings, dir: backups() });
    expect(count()).toBe(3);
    expect(count(join(plain.replacedDir, 'mcp-discovery.db'))).toBe(5);
    expect(plain.files.map((f) => f.action)).toEqual(['skipped', 'skipped']);
    expect(readFileSync(cursorConfig, 'utf8')).toBe('{"mcpServers": {}}');

    const withConfigs = await restore({ settings, dir: folder, configs: true });
    expect(withConfigs.files.map((f) => f.action)).toEqual(['unchanged', 'restored']);
    expect(readFileSync(cursorConfig, 'utf8')).toContain('secret');
    expect(readFileSync(join(withConfigs.replacedDir, 'configs/01-mcp.json'), 'utf8')).toBe(
      '{"mcpServers": {}}',
    );
  });

  it('copies a consistent snapshot while another connection writes', async () => {
    await seed(3000, 200); // several hundred pages, so the copy takes several steps with writes in between
    const writer = new Database(dbFile(settings.dataDir));
    const insert = writer.prepare("INSERT INTO meta (key, value) VALUES (?, 'x')");
    const batch = writer.transaction((b: number) => {
      for (let i = 0; i < 10; i++) insert.run(`test-${b}-${i}`);
    });
    // An open write transaction does not hold the backup up, and none of it is copied.
    writer.exec('BEGIN IMMEDIATE');
    insert.run('uncommitted');
    const first = await takeBackup();
    writer.exec('COMMIT');
    // Committed batches of 10 land between the copy's steps (each runs on its own turn of the event loop), from
    // when the copy's file exists: the copy restarts and ends up holding whole batches only.
    let batches = 0;
    const copying = () =>
      existsSync(backups()) &&
      readdirSync(backups()).some(
        (n) => n.includes('.partial-') && existsSync(join(backups(), n, 'mcp-discovery.db')),
      );
    const pump = () => {
      if (copying()) batch(batches++);
      if (batches < 5) setImmediate(pump);
    };
    setImmediate(pump);
    const second = await takeBackup();
    writer.close();
    for (const { folder } of [first, second]) {
      const copy = new Database(join(folder, 'mcp-discovery.db'), { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = copy.prepare("SELECT key FROM meta WHERE key LIKE 'test-%' OR key = 'uncommitted'").all();
      copy.close();
      if (folder === first.folder) expect(rows).toEqual([]);
      else expect((rows.length - 1) % 10).toBe(0); // the row committed after the first backup, and whole batches
    }
    expect(batches).toBeGreaterThan(0);
  });

  it('keeps the old database whole with its WAL, and never replays that WAL onto the restored one', async () => {
    const { folder } = await takeBackup();
    const db = dbFile(settings.dataDir);
    // A crash leaves a committed row in the -wal only, not yet checkpointed into the database file.
    const writer = new Database(db);
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec("INSERT INTO meta (key, value) VALUES ('later', 'x')");
    const [file, wal] = [readFileSync(db), readFileSync(`${db}-wal`)];
    writer.close();
    writeFileSync(db, file);
    writeFileSync(`${db}-wal`, wal);
    const r = await restore({ settings, dir: folder });
    expect(count()).toBe(3);
    expect(readdirSync(settings.dataDir).filter((n) => n.startsWith('mcp-discovery.db'))).toEqual([
      'mcp-discovery.db',
    ]);
    const kept = new Database(join(r.replacedDir, 'mcp-discovery.db'), { readonly: true });
    expect(kept.prepare("SELECT value FROM meta WHERE key = 'later'").get()).toEqual({ value: 'x' });
    kept.close();
  });

  it('refuses while another process has the database open, changing nothing', async () => {
    const { folder } = await takeBackup();
    const server = new Database(dbFile(settings.dataDir));
    server.prepare('SELECT count(*) FROM entries').get();
    const error = await refusal(restore({ settings, dir: folder }));
    server.close();
    expect(error.code).toBe('in-use');
    expect(readdirSync(settings.dataDir)).not.toContain('replaced');
  });

  it('refuses while another maintenance task holds the lock', async () => {
    writeFileSync(
      join(settings.dataDir, 'maintenance.lock'),
      JSON.stringify({ pid: process.pid, task: 'vacuum' }),
    );
    await expect(takeBackup()).rejects.toBeInstanceOf(TaskBusyError);
  });

  describe('refuses a damaged backup before touching anything', () => {
    const cases: Array<[string, BackupError['code'], (folder: string) => void, RegExp]> = [
      ['a missing folder', 'not-found', (f) => rmSync(f, { recursive: true }), /no such folder/],
      ['a missing manifest', 'no-manifest', (f) => rmSync(join(f, 'manifest.json')), /did not finish/],
      [
        'a truncated database',
        'size-mismatch',
        (f) =>
          writeFileSync(
            join(f, 'mcp-discovery.db'),
            readFileSync(join(f, 'mcp-discovery.db')).subarray(0, 4096),
          ),
        /mcp-discovery\.db: 4096 bytes, manifest\.json says \d+/,
      ],
      [
        'one flipped byte in a config',
        'checksum-mismatch',
        (f) => {
          const data = readFileSync(join(f, 'configs/01-mcp.json'));
          data[5] = (data[5] ?? 0) ^ 1;
          writeFileSync(join(f, 'configs/01-mcp.json'), data);
        },
        /configs\/01-mcp\.json: sha256 differs .*client-config .*mcp\.json was altered/,
      ],
      [
        'a manifest pointing outside the backup',
        'bad-manifest',
        (f) => {
          const text = readFileSync(join(f, 'manifest.json'), 'utf8');
          writeFileSync(
            join(f, 'manifest.json'),
            text.replace('"configs/01-mcp.json"', '"../../etc/passwd"'),
          );
        },
        /manifest\.json: files\.2\.path: must be a path inside the backup folder/,
      ],
      [
        'a corrupt database with a matching checksum',
        'corrupt-database',
        (f) => forge(f, 'mcp-discovery.db', Buffer.alloc(8192, 1)),
        /mcp-discovery\.db: fails SQLite's integrity check/,
      ],
    ];
    it.each(cases)('%s', async (_name, code, damage, message) => {
      const { folder } = await takeBackup();
      damage(folder);
      const error = await refusal(restore({ settings, dir: folder }));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(count()).toBe(3);
      expect(readdirSync(settings.dataDir)).not.toContain('replaced');
    });

    it('the newest backup being incomplete, rather than silently restoring an older one', async () => {
      await takeBackup();
      const { folder } = await takeBackup();
      rmSync(join(folder, 'manifest.json'));
      const error = await refusal(restore({ settings, dir: backups() }));
      expect(error.message).toContain(`${folder}/manifest.json is missing: the newest backup did not finish`);
    });
  });
});
