import { describe, expect, it } from 'vitest';
import type { SourceContext } from '../../src/sources/context.js';
import { readEnv } from '../../src/sources/env.js';

function ctx(env: Record<string, string>): SourceContext {
  return { home: '/h', cwd: '/c', platform: 'linux', env };
}

describe('environment reader', () => {
  it('builds a stdio server from COMMAND, ARGS and ENV_ variables', async () => {
    const result = await readEnv(
      ctx({
        MCP_GITHUB_COMMAND: 'npx',
        MCP_GITHUB_ARGS: `-y "@modelcontextprotocol/server-github" --label 'my repos'`,
        MCP_GITHUB_ENV_GITHUB_TOKEN: 'ghp_x',
      }),
    );
    expect(result).toEqual({
      specs: [
        {
          name: 'github',
          target: {
            transport: 'stdio',
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-github', '--label', 'my repos'],
            env: { GITHUB_TOKEN: 'ghp_x' },
          },
          sources: [{ kind: 'env', scope: 'explicit', file: 'env' }],
          needsInput: [],
        },
      ],
      problems: [],
    });
  });

  it('builds a remote server from URL, TRANSPORT and HEADER_ variables, naming it in kebab case', async () => {
    const { specs } = await readEnv(
      ctx({
        MCP_MY_API_URL: 'https://api.example.com/sse',
        MCP_MY_API_TRANSPORT: 'sse',
        MCP_MY_API_HEADER_X_API_KEY: 'k',
      }),
    );
    expect(specs.map((s) => [s.name, s.target])).toEqual([
      ['my-api', { transport: 'sse', url: 'https://api.example.com/sse', headers: { 'X-Api-Key': 'k' } }],
    ]);
  });

  it('accepts ARGS as a JSON array', async () => {
    const { specs } = await readEnv(ctx({ MCP_FS_COMMAND: 'npx', MCP_FS_ARGS: '["-y", "a b", "c"]' }));
    expect(specs[0]?.target).toMatchObject({ args: ['-y', 'a b', 'c'] });
  });

  it('gives an ENV_ variable ending in _URL to its server instead of inventing another', async () => {
    const { specs } = await readEnv(
      ctx({ MCP_DB_COMMAND: 'db-server', MCP_DB_ENV_DATABASE_URL: 'postgres://localhost/app' }),
    );
    expect(specs.map((s) => s.name)).toEqual(['db']);
    expect(specs[0]?.target).toMatchObject({ env: { DATABASE_URL: 'postgres://localhost/app' } });
  });

  it('reads a NAME that itself contains an underscore-separated keyword', async () => {
    const { specs } = await readEnv(ctx({ MCP_DEV_ENV_TOOLS_COMMAND: 'tools' }));
    expect(specs.map((s) => s.name)).toEqual(['dev-env-tools']);
  });

  it('ignores our own MCP_DISCOVERY_ settings and variables that fit no pattern', async () => {
    const result = await readEnv(
      ctx({ MCP_DISCOVERY_CONFIG_COMMAND: 'x', MCP_TIMEOUT: '10000', MCP_TOOL_TIMEOUT: '5', PATH: '/bin' }),
    );
    expect(result).toEqual({ specs: [], problems: [] });
  });

  it('reports ARGS without COMMAND or URL, naming the variable', async () => {
    const result = await readEnv(ctx({ MCP_ORPHAN_ARGS: '--port 1' }));
    expect(result.problems).toEqual([
      {
        level: 'error',
        file: 'env',
        server: 'orphan',
        field: 'MCP_ORPHAN_ARGS',
        message: 'is set but neither MCP_ORPHAN_COMMAND nor MCP_ORPHAN_URL is',
      },
    ]);
  });

  it('reports bad ARGS, a bad transport and a bad URL under their variables, without their values', async () => {
    const result = await readEnv(
      ctx({
        MCP_A_COMMAND: 'a',
        MCP_A_ARGS: '--token "s3cr3t',
        MCP_B_URL: 'https://b.test',
        MCP_B_TRANSPORT: 'websocket',
        MCP_C_URL: 'nonsense?key=s3cr3t',
      }),
    );
    expect(result.specs).toEqual([]);
    expect(result.problems.map((p) => p.field)).toEqual(['MCP_A_ARGS', 'MCP_B_TRANSPORT', 'MCP_C_URL']);
    expect(JSON.stringify(result.problems)).not.toContain('s3cr3t');
  });

  it('refuses a server with both COMMAND and URL', async () => {
    const result = await readEnv(ctx({ MCP_X_COMMAND: 'x', MCP_X_URL: 'https://x.test' }));
    expect(result.problems).toMatchObject([{ field: 'MCP_X_URL', server: 'x' }]);
  });
});
