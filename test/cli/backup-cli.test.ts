import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { backup } from '../../src/maintenance/backup.js';
import { ManifestSchema } from '../../src/maintenance/manifest.js';
import { restore } from '../../src/maintenance/restore.js';
import { testSettings } from '../helpers/settings.js';
import { installTestTelemetry } from '../helpers/telemetry.js';
import { runCli } from './cli.js';

let home: string;
let env: Record<string, string>;
let dataDir: string;
let settingsFile: string;
let cursorConfig: string;

/** `index import` of `n` tools, as an operator would fill a catalog. */
async function importTools(n: number): Promise<void> {
  const file = join(home, `tools-${n}.jsonl`);
  const line = (i: number) =>
    JSON.stringify({ server: 'srv', name: `tool_${i}`, description: `tool ${i} `.repeat(20) });
  writeFileSync(file, Array.from({ length: n }, (_, i) => line(i)).join('\n'));
  const r = await runCli(['--data-dir', dataDir, 'index', 'import', file], env, { cwd: home });
  expect(r.code, r.stderr).toBe(0);
}

const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args], env, { cwd: home });

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mcp-discovery-backup-cli-'));
  env = { HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') };
  dataDir = join(home, 'state');
  settingsFile = join(home, 'config', 'mcp-discovery', 'mcp-discovery.json');
  mkdirSync(join(home, 'config', 'mcp-discovery'), { recursive: true });
  writeFileSync(settingsFile, '{"logLevel": "warn"}');
  cursorConfig = join(home, '.cursor', 'mcp.json');
  mkdirSync(join(home, '.cursor'));
  writeFileSync(cursorConfig, JSON.stringify({ mcpServers: { kv: { command: 'kv' } } }));
  await importTools(3);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('mcp-discovery backup / restore', () => {
  it('--json prints the manifest and the folder; restore --json what it put back', async () => {
    const dir = join(home, 'backups');
    const b = await cli('backup', dir, '--json');
    expect(b.code, b.stderr).toBe(0);
    const made = ManifestSchema.extend({ folder: z.string() }).parse(JSON.parse(b.stdout));
    expect(made.folder.startsWith(`${dir}/`)).toBe(true);
    expect(made.files.map((f) => [f.role, f.originalPath])).toEqual([
      ['database', join(dataDir, 'mcp-discovery.db')],
      ['settings', settingsFile],
      ['client-config', cursorConfig],
    ]);
    expect(readdirSync(made.folder).sort()).toEqual([
      'configs',
      'manifest.json',
      'mcp-discovery.db',
      'settings',
    ]);

    await importTools(5);
    const r = await cli('restore', dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      from: made.folder,
      createdAt: made.createdAt,
      appVersion: made.appVersion,
      schemaVersion: made.schemaVersion,
      database: join(dataDir, 'mcp-discovery.db'),
      replacedDir: expect.stringMatching(new RegExp(`^${dataDir}/replaced/\\d{4}-`)),
      files: [
        { role: 'settings', originalPath: settingsFile, action: 'skipped' },
        { role: 'client-config', originalPath: cursorConfig, action: 'skipped' },
      ],
    });
    const db = new Database(join(dataDir, 'mcp-discovery.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM entries WHERE removed_at IS NULL').get()).toEqual({ n: 3 });
    db.close();
  });

  it('prints where the backup went, and a restore says what it kept', async () => {
    const dir = join(home, 'text');
    const b = await cli('backup', dir);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/^backed up to .*\/text\/\d{4}-\S+Z \(schema \d+\):\n {2}database/);
    const r = await cli('restore', dir, '--configs');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^restored .*mcp-discovery\.db from .*\n.*\nwhat was replaced is kept in /s);
  });

  it('refuses with exit 1 and a message naming what is wrong', async () => {
    const missing = await cli('restore', join(home, 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${join(home, 'nowhere')}: no such folder`);
    mkdirSync(join(home, 'empty'));
    const partial = await cli('restore', join(home, 'empty'));
    expect(partial.code).toBe(1);
    expect(partial.stderr).toContain('manifest.json is missing');
    expect(partial.stderr).not.toContain('    at '); // a message, not a stack trace
    const usage = await cli('restore');
    expect(usage.code).toBe(2);
  });

  it('refuses with exit 1 while another maintenance task runs', async () => {
    writeFileSync(join(dataDir, 'maintenance.lock'), JSON.stringify({ pid: process.pid, task: 'vacuum' }));
    const r = await cli('backup', join(home, 'busy'));
    rmSync(join(dataDir, 'maintenance.lock'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('maintenance task "vacuum" is already running');
  });

  it('traces each task as mcp_discovery.maintenance {task}', async () => {
    const otel = installTestTelemetry();
    try {
      const settings = testSettings({ cwd: home, flags: { dataDir } });
      const context = { home, cwd: home, platform: 'linux' as const, env: {} };
      const { folder } = await backup({ settings, dir: join(home, 'traced'), context });
      await restore({ settings, dir: folder });
      expect(otel.spans().map((s) => [s.name, s.attributes['mcp_discovery.maintenance.task']])).toEqual([
        ['mcp_discovery.maintenance backup', 'backup'],
        ['mcp_discovery.maintenance restore', 'restore'],
      ]);
    } finally {
      await otel.shutdown();
    }
  });

  describe('on a full disk', () => {
    const full = join(tmpdir(), `mcp-discovery-full-${process.pid}`);
    mkdirSync(full, { recursive: true });
    let reason = '';
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full], { stdio: 'pipe' });
    } catch (error) {
      reason = ` (skipped: cannot mount a tmpfs here: ${String((error as { stderr?: unknown }).stderr ?? error).trim()})`;
    }
    afterAll(() => {
      if (!reason) execFileSync('umount', [full]);
      rmSync(full, { recursive: true, force: true });
    });

    it.skipIf(reason !== '')(`fails with exit 1 and leaves no backup folder behind${reason}`, async () => {
      expect(statSync(join(dataDir, 'mcp-discovery.db')).size).toBeGreaterThan(64 * 1024);
      const r = await cli('backup', full);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/no space left on the device.*nothing of it is left/);
      expect(readdirSync(full)).toEqual([]);
    });
  });
});
