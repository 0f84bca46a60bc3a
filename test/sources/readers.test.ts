// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${...}` placeholders are the data under test
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeManagedMcpPaths, readClaudeCode } from '../../src/sources/claude-code.js';
import { readClaudeDesktop } from '../../src/sources/claude-desktop.js';
import { readConfigFileSource } from '../../src/sources/config-file.js';
import { readCursor } from '../../src/sources/cursor.js';
import type { ReadResult, ServerSpec } from '../../src/sources/spec.js';
import { readVscode } from '../../src/sources/vscode.js';
import { readWindsurf } from '../../src/sources/windsurf.js';
import {
  CLAUDE_DESKTOP,
  CLAUDE_JSON,
  CLAUDE_MANAGED,
  CLAUDE_MCP_JSON,
  CONFIG_JSON,
  CONFIG_YAML,
  CURSOR_PROJECT,
  CURSOR_USER,
  VSCODE_MCP,
  WINDSURF,
} from './fixtures.js';
import { useWorlds } from './helpers.js';

const world = useWorlds();

function byName(result: ReadResult): Record<string, ServerSpec> {
  return Object.fromEntries(result.specs.map((s) => [s.name, s]));
}

describe('Claude Desktop', () => {
  it('reads ~/.config/Claude on Linux, without expanding anything', async () => {
    const { ctx, write } = world({ env: { HOME: '/should/not/be/used' } });
    const file = write('home/.config/Claude/claude_desktop_config.json', CLAUDE_DESKTOP);
    const result = await readClaudeDesktop(ctx);
    expect(result.problems).toEqual([]);
    expect(Object.keys(byName(result))).toEqual(['filesystem', 'github', 'weather']);
    const fs = byName(result).filesystem;
    expect(fs?.sources).toEqual([{ kind: 'claude-desktop', scope: 'user', file }]);
    expect(fs?.target).toMatchObject({ transport: 'stdio', command: 'npx' });
    expect(fs?.target.transport === 'stdio' && fs.target.args.at(-1)).toBe('${HOME}/Downloads');
  });

  it('honours XDG_CONFIG_HOME on Linux', async () => {
    const { ctx, write, root } = world();
    ctx.env.XDG_CONFIG_HOME = join(root, 'xdg');
    write('xdg/Claude/claude_desktop_config.json', CLAUDE_DESKTOP);
    expect((await readClaudeDesktop(ctx)).specs).toHaveLength(3);
  });

  it('reads ~/Library/Application Support on macOS and %APPDATA% on Windows', async () => {
    const mac = world({ platform: 'darwin' });
    mac.write('home/Library/Application Support/Claude/claude_desktop_config.json', CLAUDE_DESKTOP);
    expect((await readClaudeDesktop(mac.ctx)).specs).toHaveLength(3);

    const win = world({ platform: 'win32' });
    win.ctx.env.APPDATA = join(win.root, 'Roaming');
    win.write('Roaming/Claude/claude_desktop_config.json', CLAUDE_DESKTOP);
    expect((await readClaudeDesktop(win.ctx)).specs).toHaveLength(3);
  });

  it('finds nothing and complains about nothing when Claude Desktop is not installed', async () => {
    expect(await readClaudeDesktop(world().ctx)).toEqual({ specs: [], problems: [] });
  });
});

describe('Claude Code', () => {
  function claudeWorld(env: Record<string, string>) {
    const w = world({ env });
    return {
      ...w,
      claudeJson: w.write('home/.claude.json', CLAUDE_JSON),
      mcpJson: w.write('project/.mcp.json', CLAUDE_MCP_JSON),
      managed: w.write('managed/managed-mcp.json', CLAUDE_MANAGED),
    };
  }

  it('reads user, local (this project only), project and managed scopes', async () => {
    const { ctx, claudeJson, mcpJson, managed } = claudeWorld({ API_KEY: 'k-123' });
    const result = await readClaudeCode(ctx);
    expect(result.problems).toEqual([]);
    const scopes = Object.fromEntries(result.specs.map((s) => [s.name, s.sources[0]]));
    expect(scopes).toEqual({
      'company-internal': { kind: 'claude-code', scope: 'managed', file: managed },
      'api-server': { kind: 'claude-code', scope: 'project', file: mcpJson },
      linear: { kind: 'claude-code', scope: 'project', file: mcpJson },
      'local-tools': { kind: 'claude-code', scope: 'project', file: mcpJson },
      postgres: { kind: 'claude-code', scope: 'local', file: claudeJson },
      sentry: { kind: 'claude-code', scope: 'user', file: claudeJson },
      memory: { kind: 'claude-code', scope: 'user', file: claudeJson },
    });
  });

  it('expands ${VAR} and ${VAR:-default} in command, args, env, url and headers', async () => {
    const { ctx } = claudeWorld({ API_KEY: 'k-123' });
    const specs = byName(await readClaudeCode(ctx));
    expect(specs['api-server']?.target).toEqual({
      transport: 'http',
      url: 'https://api.example.com/mcp',
      headers: { Authorization: 'Bearer k-123' },
    });
    expect(specs['local-tools']?.target).toEqual({
      transport: 'stdio',
      command: 'node',
      args: ['./tools/server.js', '--verbose'],
      env: { LOG_LEVEL: 'info' },
    });
    expect(specs.linear?.target).toMatchObject({ transport: 'sse' });
  });

  it('keeps a server whose variable is unset and marks what it needs', async () => {
    const { ctx } = claudeWorld({});
    const api = byName(await readClaudeCode(ctx))['api-server'];
    expect(api?.needsInput).toEqual(['env:API_KEY']);
    expect(api?.target).toMatchObject({ headers: { Authorization: 'Bearer ${API_KEY}' } });
  });

  it('reads .claude.json from CLAUDE_CONFIG_DIR when it is set', async () => {
    const { ctx, write, root } = world();
    ctx.env.CLAUDE_CONFIG_DIR = join(root, 'claude-config');
    write('claude-config/.claude.json', '{"mcpServers": {"x": {"command": "x-server"}}}');
    write('home/.claude.json', '{"mcpServers": {"y": {"command": "y-server"}}}');
    expect((await readClaudeCode(ctx)).specs.map((s) => s.name)).toEqual(['x']);
  });

  it('finds the project in .claude.json by its forward-slash key on Windows', async () => {
    const { ctx, write } = world({ platform: 'win32' });
    ctx.cwd = 'C:\\git\\app';
    write('home/.claude.json', '{"projects": {"C:/git/app": {"mcpServers": {"db": {"command": "db"}}}}}');
    const [db] = (await readClaudeCode(ctx)).specs;
    expect(db?.sources[0]?.scope).toBe('local');
  });

  it('knows the system directory of managed-mcp.json on each platform', () => {
    const base = { home: '/h', cwd: '/c', env: {} };
    expect(claudeManagedMcpPaths({ ...base, platform: 'linux' })).toEqual([
      '/etc/claude-code/managed-mcp.json',
    ]);
    expect(claudeManagedMcpPaths({ ...base, platform: 'darwin' })).toEqual([
      '/Library/Application Support/ClaudeCode/managed-mcp.json',
    ]);
    expect(claudeManagedMcpPaths({ ...base, platform: 'win32' })).toContain(
      'C:\\ProgramData\\ClaudeCode\\managed-mcp.json',
    );
  });
});

describe('Cursor', () => {
  it('reads user and project files with ${env:X}, ${userHome} and ${workspaceFolder}', async () => {
    const { ctx, write } = world({ env: { CONTEXT7_API_KEY: 'c7-key' } });
    const user = write('home/.cursor/mcp.json', CURSOR_USER);
    const project = write('project/.cursor/mcp.json', CURSOR_PROJECT);
    const result = await readCursor(ctx);
    const specs = byName(result);
    expect(specs.context7?.target).toEqual({
      transport: 'auto',
      url: 'https://mcp.context7.com/mcp',
      headers: { CONTEXT7_API_KEY: 'c7-key' },
    });
    expect(specs.context7?.sources).toEqual([{ kind: 'cursor', scope: 'user', file: user }]);
    expect(specs.notes?.target).toMatchObject({ args: [join(ctx.home, 'mcp/notes/index.js')] });
    expect(specs['project-docs']?.sources).toEqual([{ kind: 'cursor', scope: 'project', file: project }]);
    expect(specs['project-docs']?.target).toMatchObject({
      args: ['-m', 'docs_server', '--root', `${ctx.cwd}/docs`],
      env: { DOCS_TOKEN: '' },
    });
  });

  it('skips a disabled server with an info problem', async () => {
    const { ctx, write } = world();
    const file = write('home/.cursor/mcp.json', CURSOR_USER);
    const result = await readCursor(ctx);
    expect(byName(result).puppeteer).toBeUndefined();
    expect(result.problems).toEqual([
      { level: 'info', file, server: 'puppeteer', message: 'disabled in config' },
    ]);
  });
});

describe('VS Code', () => {
  it('reads the JSONC workspace file with its inputs, types and variables', async () => {
    const { ctx, write } = world({ env: { USER: 'alice' } });
    const file = write('project/.vscode/mcp.json', VSCODE_MCP);
    const result = await readVscode(ctx);
    expect(result.problems).toEqual([]);
    const specs = byName(result);
    expect(specs.perplexity?.needsInput).toEqual(['input:api-key']);
    expect(specs.perplexity?.target).toMatchObject({ env: { PERPLEXITY_API_KEY: '${input:api-key}' } });
    expect(specs.fetch?.target).toMatchObject({ transport: 'stdio', cwd: ctx.cwd });
    expect(specs.fetch?.needsInput).toEqual([]);
    expect(specs.github?.target).toMatchObject({
      transport: 'http',
      url: 'https://api.githubcopilot.com/mcp/',
    });
    expect(specs['legacy-events']?.target).toEqual({
      transport: 'sse',
      url: 'http://localhost:3001/sse',
      headers: { 'X-User': 'alice' },
    });
    expect(specs.github?.sources).toEqual([{ kind: 'vscode', scope: 'project', file }]);
  });

  it('reads the user mcp.json from the platform settings directory', async () => {
    const linux = world();
    linux.write('home/.config/Code/User/mcp.json', '{"servers": {"u": {"type": "stdio", "command": "u"}}}');
    expect((await readVscode(linux.ctx)).specs[0]?.sources[0]?.scope).toBe('user');

    const mac = world({ platform: 'darwin' });
    mac.write('home/Library/Application Support/Code/User/mcp.json', '{"servers": {"u": {"command": "u"}}}');
    expect((await readVscode(mac.ctx)).specs.map((s) => s.name)).toEqual(['u']);
  });

  it('ignores mcpServers, which VS Code does not read', async () => {
    const { ctx, write } = world();
    write('project/.vscode/mcp.json', '{"mcpServers": {"x": {"command": "x"}}}');
    expect((await readVscode(ctx)).specs).toEqual([]);
  });
});

describe('Windsurf', () => {
  it('reads serverUrl servers and expands ${env:X} and ${userHome}', async () => {
    const { ctx, write } = world({ env: { FIGMA_TOKEN: 'figd-1' } });
    const file = write('home/.codeium/windsurf/mcp_config.json', WINDSURF);
    const result = await readWindsurf(ctx);
    const specs = byName(result);
    expect(specs.figma?.target).toEqual({
      transport: 'auto',
      url: 'https://mcp.figma.com/mcp',
      headers: { Authorization: 'Bearer figd-1' },
    });
    expect(specs.figma?.sources).toEqual([{ kind: 'windsurf', scope: 'user', file }]);
    expect(specs.git?.target).toMatchObject({
      args: ['mcp-server-git', '--repository', `${ctx.home}/code/app`],
    });
    expect(specs.slack).toBeUndefined();
    expect(result.problems.map((p) => [p.server, p.level])).toEqual([['slack', 'info']]);
  });
});

describe('--config file', () => {
  it('reads YAML with `servers`, both placeholder dialects and streamable-http as http', async () => {
    const { ctx, write } = world({ env: { SEARCH_TOKEN: 'tok' } });
    const file = write('team/servers.yaml', CONFIG_YAML);
    const result = await readConfigFileSource(file, ctx);
    expect(result.problems).toEqual([]);
    const specs = byName(result);
    expect(specs['remote-search']?.target).toEqual({
      transport: 'http',
      url: 'https://search.example.com/mcp',
      headers: { Authorization: 'Bearer tok' },
    });
    expect(specs.everything?.sources).toEqual([{ kind: 'config', scope: 'explicit', file }]);
  });

  it('reads JSON with `mcpServers` and a relative path from the cwd', async () => {
    const { ctx, write } = world();
    const file = write('project/servers.json', CONFIG_JSON);
    const result = await readConfigFileSource('servers.json', ctx);
    expect(result.specs.map((s) => s.name)).toEqual(['memory', 'workspace-files']);
    expect(result.specs[1]?.target).toMatchObject({
      args: ['-y', '@modelcontextprotocol/server-filesystem', ctx.cwd],
    });
    expect(result.specs[0]?.sources[0]?.file).toBe(file);
  });

  it('reads both `mcpServers` and `servers` when a file has both', async () => {
    const { ctx, write } = world();
    const file = write(
      'both.json',
      '{"mcpServers": {"a": {"command": "a"}}, "servers": {"b": {"command": "b"}}}',
    );
    expect((await readConfigFileSource(file, ctx)).specs.map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('reports a missing file, because the user named it', async () => {
    const { ctx } = world();
    const result = await readConfigFileSource('nope.json', ctx);
    expect(result.problems).toEqual([
      { level: 'error', file: join(ctx.cwd, 'nope.json'), message: 'file not found' },
    ]);
  });
});
