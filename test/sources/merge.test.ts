import { describe, expect, it } from 'vitest';
import { mergeSpecs } from '../../src/sources/merge.js';
import type { Scope, ServerSpec, SourceKind } from '../../src/sources/spec.js';

function spec(
  name: string,
  command: string,
  kind: SourceKind,
  scope: Scope,
  file = `/${kind}-${scope}.json`,
) {
  return {
    name,
    target: { transport: 'stdio', command, args: [], env: {} },
    sources: [{ kind, scope, file }],
    needsInput: [],
  } satisfies ServerSpec;
}

describe('mergeSpecs', () => {
  it('makes one spec of the same definition found in two places, sources by precedence', () => {
    const { specs, problems } = mergeSpecs([
      spec('memory', 'npx', 'cursor', 'user'),
      spec('memory', 'npx', 'claude-code', 'project'),
    ]);
    expect(problems).toEqual([]);
    expect(specs).toHaveLength(1);
    expect(specs[0]?.sources.map((s) => `${s.kind}/${s.scope}`)).toEqual([
      'claude-code/project',
      'cursor/user',
    ]);
  });

  it('treats env and headers in a different key order as the same definition', () => {
    const a = {
      ...spec('x', 'x', 'cursor', 'user'),
      target: { ...spec('x', 'x', 'cursor', 'user').target, env: { A: '1', B: '2' } },
    };
    const b = { ...spec('x', 'x', 'vscode', 'user'), target: { ...a.target, env: { B: '2', A: '1' } } };
    expect(mergeSpecs([a, b]).specs).toHaveLength(1);
  });

  it('keeps a clashing definition under a new name and warns, naming both', () => {
    const { specs, problems } = mergeSpecs([
      spec('github', 'docker', 'claude-desktop', 'user', '/desktop.json'),
      spec('github', 'npx', 'claude-code', 'project', '/repo/.mcp.json'),
    ]);
    expect(specs.map((s) => [s.name, s.target.transport === 'stdio' && s.target.command])).toEqual([
      ['github', 'npx'],
      ['github@claude-desktop', 'docker'],
    ]);
    expect(specs[1]?.sources).toEqual([
      { kind: 'claude-desktop', scope: 'user', file: '/desktop.json', originalName: 'github' },
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ level: 'warning', file: '/desktop.json', server: 'github' });
    expect(problems[0]?.message).toContain('/repo/.mcp.json');
    expect(problems[0]?.message).toContain('"github@claude-desktop"');
  });

  it('follows explicit > managed > project > local > user, env before --config', () => {
    const scopes: [SourceKind, Scope][] = [
      ['claude-code', 'user'],
      ['claude-code', 'local'],
      ['cursor', 'project'],
      ['claude-code', 'managed'],
      ['config', 'explicit'],
      ['env', 'explicit'],
    ];
    const { specs } = mergeSpecs(scopes.map(([kind, scope], i) => spec('s', `cmd-${i}`, kind, scope)));
    expect(specs.map((s) => [s.name, s.sources[0]?.scope])).toEqual([
      ['s', 'explicit'],
      ['s@claude-code', 'managed'],
      ['s@claude-code-2', 'local'],
      ['s@claude-code-3', 'user'],
      ['s@config', 'explicit'],
      ['s@cursor', 'project'],
    ]);
    expect(specs[0]?.sources[0]?.kind).toBe('env');
  });

  it('breaks a tie within one scope by the readers order', () => {
    const { specs } = mergeSpecs([
      spec('s', 'first', 'cursor', 'user'),
      spec('s', 'second', 'vscode', 'user'),
    ]);
    expect(specs.find((s) => s.name === 's')?.sources[0]?.kind).toBe('cursor');
  });

  it('does not rename onto a name that is already taken', () => {
    const { specs } = mergeSpecs([
      spec('a', 'one', 'cursor', 'project'),
      spec('a', 'two', 'cursor', 'user'),
      spec('a@cursor', 'three', 'vscode', 'user'),
    ]);
    expect(specs.map((s) => s.name)).toEqual(['a', 'a@cursor', 'a@cursor-2']);
    expect(specs.find((s) => s.name === 'a@cursor')?.target).toMatchObject({ command: 'three' });
  });

  it('joins needsInput and sorts the output by name', () => {
    const a = { ...spec('z', 'x', 'cursor', 'user'), needsInput: ['env:A'] };
    const b = { ...spec('z', 'x', 'vscode', 'user'), needsInput: ['env:A', 'input:b'] };
    const { specs } = mergeSpecs([a, b, spec('m', 'm', 'cursor', 'user')]);
    expect(specs.map((s) => s.name)).toEqual(['m', 'z']);
    expect(specs[1]?.needsInput).toEqual(['env:A', 'input:b']);
  });
});
