// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${...}` placeholders are the data under test
import { describe, expect, it } from 'vitest';
import { readConfigFileSource } from '../../src/sources/config-file.js';
import { fieldPath, readEntry } from '../../src/sources/entry.js';
import { formatProblem } from '../../src/sources/spec.js';
import { BAD_JSON, MIXED } from './fixtures.js';
import { useWorlds } from './helpers.js';

const world = useWorlds();

async function readMixed() {
  const { ctx, write } = world();
  const file = write('mixed.json', MIXED);
  const result = await readConfigFileSource(file, ctx);
  const problem = (server: string) => result.problems.find((p) => p.server === server);
  return { file, result, problem };
}

describe('broken entries', () => {
  it('skip only the broken servers: the good ones in the same file still load', async () => {
    const { result } = await readMixed();
    expect(result.specs.map((s) => s.name)).toEqual(['good-stdio', 'good-remote']);
    expect(result.problems.map((p) => p.server)).toEqual([
      'args-is-string',
      'number-arg',
      'env-number',
      'nothing',
      'websocket',
      'bad-url',
    ]);
    expect(result.problems.every((p) => p.level === 'error')).toBe(true);
  });

  it('names file, server and field, and says how to fix it', async () => {
    const { file, problem } = await readMixed();
    expect(problem('args-is-string')).toEqual({
      level: 'error',
      file,
      server: 'args-is-string',
      field: 'args',
      message: 'must be an array of strings, e.g. ["-y", "some-package"]',
    });
    expect(problem('number-arg')).toMatchObject({
      field: 'args[2]',
      message: expect.stringMatching(/quote it/),
    });
    expect(problem('env-number')).toMatchObject({ field: 'env.PORT' });
    expect(problem('websocket')).toMatchObject({
      field: 'type',
      message: 'unknown transport "websocket": use stdio, http or sse',
    });
    expect(problem('nothing')?.message).toBe(
      'has neither command nor url: add command (stdio) or url (http, sse)',
    );
    expect(problem('bad-url')).toMatchObject({
      field: 'url',
      message: 'is not a valid http:// or https:// URL',
    });
    expect(formatProblem(problem('websocket') ?? { level: 'error', file, message: '' })).toBe(
      `${file}: server "websocket": field type: unknown transport "websocket": use stdio, http or sse`,
    );
  });

  it('never repeats a secret value in a problem', async () => {
    const { result } = await readMixed();
    expect(JSON.stringify(result.problems)).not.toContain('s3cr3t-value');
  });

  it('reports a syntax error with line and column, and no servers', async () => {
    const { ctx, write } = world();
    const file = write('bad.json', BAD_JSON);
    const result = await readConfigFileSource(file, ctx);
    expect(result.specs).toEqual([]);
    expect(result.problems).toEqual([
      { level: 'error', file, message: 'invalid JSON at line 5, column 7: CommaExpected' },
    ]);
  });

  it('reports an mcpServers that is not an object', async () => {
    const { ctx, write } = world();
    const file = write('arr.json', '{"mcpServers": [{"command": "npx"}]}');
    const result = await readConfigFileSource(file, ctx);
    expect(result.problems).toMatchObject([{ level: 'error', file, field: 'mcpServers' }]);
  });
});

describe('readEntry', () => {
  const opts = {
    source: { kind: 'config', scope: 'explicit', file: '/x.json' },
    dialect: 'all',
    ctx: { env: {}, home: '/h', cwd: '/c', platform: 'linux' },
  } as const;

  it('maps streamableHttp to http and a bare url to auto', () => {
    const http = readEntry('a', { transport: 'streamableHttp', url: 'https://a.test/mcp' }, opts);
    expect(http.ok && http.spec.target.transport).toBe('http');
    const auto = readEntry('b', { url: 'https://b.test/mcp' }, opts);
    expect(auto.ok && auto.spec.target.transport).toBe('auto');
  });

  it('lets an explicit type choose between command and url', () => {
    const remote = readEntry('a', { type: 'sse', command: 'ignored', url: 'https://a.test/sse' }, opts);
    expect(remote.ok && remote.spec.target).toEqual({
      transport: 'sse',
      url: 'https://a.test/sse',
      headers: {},
    });
  });

  it('says which field is missing for a declared transport', () => {
    expect(readEntry('a', { type: 'http' }, opts)).toMatchObject({
      ok: false,
      problem: { field: 'url', message: 'is missing (type is http)' },
    });
    expect(readEntry('b', { type: 'stdio', url: 'https://x.test' }, opts)).toMatchObject({
      ok: false,
      problem: { field: 'command' },
    });
  });

  it('does not reject a URL that still waits for an input', () => {
    const out = readEntry('a', { url: 'https://${input:host}/mcp' }, opts);
    expect(out.ok && out.spec.needsInput).toEqual(['input:host']);
  });

  it('rejects a non-http URL scheme', () => {
    expect(readEntry('a', { serverUrl: 'ws://localhost:9000' }, opts)).toMatchObject({
      ok: false,
      problem: { field: 'serverUrl' },
    });
  });

  it('rejects an entry that is not an object', () => {
    expect(readEntry('a', 'npx server', opts)).toMatchObject({
      ok: false,
      problem: { message: 'must be an object with command (stdio) or url (http, sse)' },
    });
  });

  it('formats field paths the way the user sees them', () => {
    expect(fieldPath(['args', 2])).toBe('args[2]');
    expect(fieldPath(['env', 'PORT'])).toBe('env.PORT');
    expect(fieldPath(['headers', 'X-Api-Key'])).toBe('headers["X-Api-Key"]');
    expect(fieldPath([])).toBeUndefined();
  });
});
