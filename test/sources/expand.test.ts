// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${...}` placeholders are the data under test
import { describe, expect, it } from 'vitest';
import { type ExpandEnv, expandString, expandTarget } from '../../src/sources/expand.js';

const ctx: ExpandEnv = {
  env: { API_KEY: 'k-123', EMPTY: '', USER: 'alice' },
  home: '/home/alice',
  cwd: '/work/app',
  platform: 'linux',
};

describe('claude dialect', () => {
  it('expands ${VAR} from the environment', () => {
    expect(expandString('Bearer ${API_KEY}', 'claude', ctx)).toEqual({
      value: 'Bearer k-123',
      needsInput: [],
    });
  });

  it('uses the default only when the variable is unset', () => {
    expect(expandString('${MISSING:-https://api.example.com}/mcp', 'claude', ctx).value).toBe(
      'https://api.example.com/mcp',
    );
    expect(expandString('${EMPTY:-fallback}', 'claude', ctx).value).toBe('');
  });

  it('keeps an unset variable without default and asks for it', () => {
    expect(expandString('--token=${GH_TOKEN}', 'claude', ctx)).toEqual({
      value: '--token=${GH_TOKEN}',
      needsInput: ['env:GH_TOKEN'],
    });
  });

  it('does not know VS Code variables', () => {
    expect(expandString('${env:USER}', 'claude', ctx).value).toBe('${env:USER}');
    expect(expandString('${workspaceFolder}', 'claude', ctx).needsInput).toEqual(['env:workspaceFolder']);
  });

  it('leaves a bare $VAR alone, as Claude Code does', () => {
    expect(expandString('$API_KEY', 'claude', ctx).value).toBe('$API_KEY');
  });
});

describe('vscode dialect', () => {
  it('expands env, home and workspace variables', () => {
    const out = expandString(
      '${userHome}|${workspaceFolder}|${workspaceFolderBasename}|${env:USER}',
      'vscode',
      ctx,
    );
    expect(out.value).toBe('/home/alice|/work/app|app|alice');
  });

  it('turns an unset ${env:X} into an empty string', () => {
    expect(expandString('x${env:NOPE}y', 'vscode', ctx)).toEqual({ value: 'xy', needsInput: [] });
  });

  it('records ${input:id} instead of guessing it', () => {
    expect(expandString('${input:api-key}', 'vscode', ctx)).toEqual({
      value: '${input:api-key}',
      needsInput: ['input:api-key'],
    });
  });

  it('uses the platform path separator', () => {
    expect(expandString('a${/}b${pathSeparator}c', 'vscode', { ...ctx, platform: 'win32' }).value).toBe(
      'a\\b\\c',
    );
  });

  it('does not expand Claude-style ${VAR}', () => {
    expect(expandString('${API_KEY}', 'vscode', ctx)).toEqual({ value: '${API_KEY}', needsInput: [] });
  });
});

describe('all and none dialects', () => {
  it('all expands both styles', () => {
    expect(expandString('${API_KEY}:${env:USER}:${userHome}', 'all', ctx).value).toBe(
      'k-123:alice:/home/alice',
    );
  });

  it('none leaves everything as written', () => {
    expect(expandString('${API_KEY} ${env:USER}', 'none', ctx).value).toBe('${API_KEY} ${env:USER}');
  });
});

describe('expandTarget', () => {
  it('expands command, args, env values and cwd, but not env names', () => {
    const out = expandTarget(
      {
        transport: 'stdio',
        command: '${userHome}/bin/srv',
        args: ['${workspaceFolder}', '${input:db}'],
        env: { TOKEN: '${env:USER}' },
        cwd: '${workspaceFolder}',
      },
      'vscode',
      ctx,
    );
    expect(out).toEqual({
      target: {
        transport: 'stdio',
        command: '/home/alice/bin/srv',
        args: ['/work/app', '${input:db}'],
        env: { TOKEN: 'alice' },
        cwd: '/work/app',
      },
      needsInput: ['input:db'],
    });
  });

  it('expands url and header values of a remote target', () => {
    const out = expandTarget(
      {
        transport: 'auto',
        url: '${BASE:-https://x.test}/mcp',
        headers: { Authorization: 'Bearer ${API_KEY}' },
      },
      'claude',
      ctx,
    );
    expect(out.target).toEqual({
      transport: 'auto',
      url: 'https://x.test/mcp',
      headers: { Authorization: 'Bearer k-123' },
    });
  });
});
