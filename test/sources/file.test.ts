import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../src/sources/file.js';
import { BAD_JSON, VSCODE_MCP } from './fixtures.js';
import { useWorlds } from './helpers.js';

const world = useWorlds();

describe('readConfigFile', () => {
  it('reports a missing file as absent, not as a problem', async () => {
    const { root } = world();
    expect(await readConfigFile(join(root, 'nope.json'))).toEqual({ status: 'absent' });
  });

  it('accepts comments and trailing commas', async () => {
    const { write } = world();
    const read = await readConfigFile(write('mcp.json', VSCODE_MCP));
    expect(read.status === 'ok' && Object.keys(read.data)).toEqual(['inputs', 'servers']);
  });

  it('names file, line and column of a syntax error', async () => {
    const { write } = world();
    const file = write('bad.json', BAD_JSON);
    expect(await readConfigFile(file)).toEqual({
      status: 'problem',
      problem: { level: 'error', file, message: 'invalid JSON at line 5, column 7: CommaExpected' },
    });
  });

  it('rejects a top level that is not an object', async () => {
    const { write } = world();
    const read = await readConfigFile(write('list.json', '[{"command": "npx"}]'));
    expect(read.status === 'problem' && read.problem.message).toMatch(/top level must be an object/);
  });

  it('skips a UTF-8 byte-order mark', async () => {
    const { write } = world();
    const read = await readConfigFile(write('bom.json', '\uFEFF{"mcpServers": {}}'));
    expect(read.status).toBe('ok');
  });

  it('reports an unreadable path as an error', async () => {
    const { root } = world();
    const dir = join(root, 'a-directory.json');
    mkdirSync(dir);
    const read = await readConfigFile(dir);
    expect(read.status === 'problem' && read.problem).toMatchObject({ level: 'error', file: dir });
    expect(read.status === 'problem' && read.problem.message).toMatch(/cannot read the file \(EISDIR\)/);
  });

  it('parses .yaml files as YAML and names the line of an error', async () => {
    const { write } = world();
    const good = await readConfigFile(write('ok.yaml', 'servers:\n  x:\n    command: npx\n'));
    expect(good).toEqual({ status: 'ok', data: { servers: { x: { command: 'npx' } } } });
    const bad = await readConfigFile(write('bad.yml', 'servers:\n  x: [npx\n  y: 1\n'));
    expect(bad.status === 'problem' && bad.problem.message).toMatch(/^invalid YAML: .*line \d+, column \d+/);
  });
});
