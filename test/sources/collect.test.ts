import { describe, expect, it } from 'vitest';
import { collectSpecs } from '../../src/sources/collect.js';
import { CLAUDE_DESKTOP, CURSOR_USER } from './fixtures.js';
import { useWorlds } from './helpers.js';

const world = useWorlds();

const MEMORY =
  '{"mcpServers": {"memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]}}}';

describe('collectSpecs', () => {
  it('merges the same server from two clients into one spec with both sources', async () => {
    const { ctx, write } = world();
    const mcpJson = write('project/.mcp.json', MEMORY);
    const cursor = write('home/.cursor/mcp.json', MEMORY);
    const { specs, problems } = await collectSpecs({ configFiles: [], userConfigs: true, ctx });
    expect(problems).toEqual([]);
    expect(specs).toHaveLength(1);
    expect(specs[0]?.sources).toEqual([
      { kind: 'claude-code', scope: 'project', file: mcpJson },
      { kind: 'cursor', scope: 'user', file: cursor },
    ]);
  });

  it('renames the losing side of a clash and warns about it', async () => {
    const { ctx, write } = world();
    write(
      'project/.mcp.json',
      '{"mcpServers": {"github": {"type": "http", "url": "https://api.githubcopilot.com/mcp/"}}}',
    );
    const desktop = write('home/.config/Claude/claude_desktop_config.json', CLAUDE_DESKTOP);
    const { specs, problems } = await collectSpecs({ configFiles: [], userConfigs: true, ctx });
    expect(specs.map((s) => s.name)).toEqual(['filesystem', 'github', 'github@claude-desktop', 'weather']);
    expect(specs.find((s) => s.name === 'github')?.sources[0]?.kind).toBe('claude-code');
    expect(problems).toMatchObject([{ level: 'warning', file: desktop, server: 'github' }]);
  });

  it('lets --config and the environment win, and reads only them when userConfigs is false', async () => {
    const { ctx, write } = world({ env: { MCP_MEMORY_COMMAND: 'memory-from-env' } });
    const config = write('team.json', '{"servers": {"memory": {"command": "memory-from-config"}}}');
    write('home/.cursor/mcp.json', MEMORY);

    const all = await collectSpecs({ configFiles: [config], userConfigs: true, ctx });
    expect(all.specs.map((s) => [s.name, s.sources[0]?.kind])).toEqual([
      ['memory', 'env'],
      ['memory@config', 'config'],
      ['memory@cursor', 'cursor'],
    ]);

    const explicitOnly = await collectSpecs({ configFiles: [config], userConfigs: false, ctx });
    expect(explicitOnly.specs.map((s) => s.name)).toEqual(['memory', 'memory@config']);
  });

  it('keeps going when one reader throws, reporting it as a problem', async () => {
    const { ctx, write } = world({ env: { MCP_ECHO_COMMAND: 'echo-server' } });
    write('home/.cursor/mcp.json', CURSOR_USER);
    Object.defineProperty(ctx, 'home', {
      get() {
        throw new TypeError('home is unavailable');
      },
    });
    const { specs, problems } = await collectSpecs({ configFiles: [], userConfigs: true, ctx });
    expect(specs.map((s) => s.name)).toEqual(['echo']);
    expect(problems.map((p) => [p.file, p.level])).toEqual([
      ['claude-code', 'error'],
      ['claude-desktop', 'error'],
      ['cursor', 'error'],
      ['vscode', 'error'],
      ['windsurf', 'error'],
    ]);
    expect(problems[0]?.message).toBe('could not be read: unexpected TypeError');
  });

  it('reports a missing --config file while still reading everything else', async () => {
    const { ctx, write } = world();
    write('home/.cursor/mcp.json', MEMORY);
    const { specs, problems } = await collectSpecs({ configFiles: ['missing.yaml'], userConfigs: true, ctx });
    expect(specs.map((s) => s.name)).toEqual(['memory']);
    expect(problems).toMatchObject([{ level: 'error', message: 'file not found' }]);
  });
});
