import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/settings/index.js';

let dir: string;
const env = (extra: Record<string, string> = {}) => ({
  HOME: dir,
  XDG_CONFIG_HOME: join(dir, 'cfg'),
  XDG_DATA_HOME: join(dir, 'data'),
  ...extra,
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-discovery-settings-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ok(result: ReturnType<typeof loadSettings>) {
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.settings;
}

describe('settings', () => {
  it('has a default for every field, with the data dir under the XDG data home', () => {
    const s = ok(loadSettings({ env: env(), cwd: dir }));
    expect(s.discovery).toEqual({
      maxParallel: 10,
      batchSize: 50,
      timeoutMs: 10_000,
      slowMs: 5_000,
      userConfigs: true,
    });
    expect(s.cache).toEqual({ maxEntries: 500, ttlSeconds: 300 });
    expect(s.dataDir).toBe(join(dir, 'data', 'mcp-discovery'));
  });

  it('the production profile sets parallelism 20, timeout 15 s, cache 2000 entries for 600 s', () => {
    const s = ok(loadSettings({ env: env({ MCP_DISCOVERY_PROFILE: 'production' }), cwd: dir }));
    expect(s.discovery.maxParallel).toBe(20);
    expect(s.discovery.timeoutMs).toBe(15_000);
    expect(s.cache).toEqual({ maxEntries: 2000, ttlSeconds: 600 });
  });

  it('layers: profile < file < environment < flags', () => {
    const file = join(dir, 'layers.yaml');
    writeFileSync(
      file,
      'profile: production\ndiscovery:\n  maxParallel: 7\n  timeoutMs: 3000\ncache:\n  ttlSeconds: 42\n',
    );
    const s = ok(
      loadSettings({
        settingsFile: file,
        env: env({ MCP_DISCOVERY_MAX_PARALLEL: '5', MCP_DISCOVERY_CACHE_TTL: '99' }),
        cwd: dir,
        flags: { discovery: { maxParallel: 3 } },
      }),
    );
    expect(s.discovery.maxParallel).toBe(3);
    expect(s.discovery.timeoutMs).toBe(3000);
    expect(s.cache).toEqual({ maxEntries: 2000, ttlSeconds: 99 });
  });

  it('reads every documented MCP_DISCOVERY_* variable', () => {
    const s = ok(
      loadSettings({
        env: env({
          MCP_DISCOVERY_CACHE_TTL: '11',
          MCP_DISCOVERY_MAX_PARALLEL: '12',
          MCP_DISCOVERY_BATCH_SIZE: '14',
          MCP_DISCOVERY_LOG_LEVEL: 'debug',
          MCP_DISCOVERY_DATA_DIR: 'rel/data',
          MCP_DISCOVERY_TIMEOUT: '1500',
        }),
        cwd: dir,
      }),
    );
    expect([s.cache.ttlSeconds, s.discovery.maxParallel, s.discovery.batchSize, s.logLevel]).toEqual([
      11,
      12,
      14,
      'debug',
    ]);
    expect(s.dataDir).toBe(join(dir, 'rel/data'));
    expect(s.discovery.timeoutMs).toBe(1500);
  });

  it('finds mcp-discovery.json in the working directory', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(cwd, 'mcp-discovery.json'), JSON.stringify({ logLevel: 'info' }));
    const result = loadSettings({ env: env(), cwd });
    expect(result.ok && result.file).toBe(join(cwd, 'mcp-discovery.json'));
    expect(ok(result).logLevel).toBe('info');
  });

  it('a bad value in the file names the file and the field', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ discovery: { maxParallel: 0 } }));
    const result = loadSettings({ settingsFile: file, env: env(), cwd: dir });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatch(
      new RegExp(`^${file.replace(/[/.]/g, '\\$&')}: discovery\\.maxParallel: `),
    );
  });

  it('an unknown field is refused rather than ignored', () => {
    const file = join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ discovery: { maxParalel: 4 } }));
    const result = loadSettings({ settingsFile: file, env: env(), cwd: dir });
    expect(!result.ok && result.errors[0]).toContain('maxParalel');
  });

  it('a bad environment value names the variable', () => {
    const result = loadSettings({ env: env({ MCP_DISCOVERY_MAX_PARALLEL: 'lots' }), cwd: dir });
    expect(!result.ok && result.errors[0]).toMatch(
      /^MCP_DISCOVERY_MAX_PARALLEL \(discovery\.maxParallel\): /,
    );
  });

  it('a settings file that is not valid JSON or YAML, and one that is missing', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "logLevel": ');
    const broken = loadSettings({ settingsFile: file, env: env(), cwd: dir });
    expect(!broken.ok && broken.errors[0]).toMatch(/broken\.json: not valid JSON/);
    const missing = loadSettings({ settingsFile: join(dir, 'nope.yaml'), env: env(), cwd: dir });
    expect(!missing.ok && missing.errors[0]).toMatch(/nope\.yaml: cannot read settings file \(ENOENT\)/);
  });
});
