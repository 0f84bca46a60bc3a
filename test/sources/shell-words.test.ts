import { describe, expect, it } from 'vitest';
import { splitWords } from '../../src/sources/shell-words.js';

describe('splitWords', () => {
  it('splits on runs of whitespace', () => {
    expect(splitWords('  -y   @scope/pkg\t--flag ')).toEqual({
      ok: true,
      words: ['-y', '@scope/pkg', '--flag'],
    });
  });

  it('keeps quoted spaces and joins adjacent parts', () => {
    expect(splitWords(`--name="Alice Smith" 'a b' x'y'"z"`)).toEqual({
      ok: true,
      words: ['--name=Alice Smith', 'a b', 'xyz'],
    });
  });

  it('treats single quotes literally and unescapes \\" and \\\\ in double quotes', () => {
    expect(splitWords(`'$HOME \\n' "say \\"hi\\" \\\\"`)).toEqual({
      ok: true,
      words: ['$HOME \\n', 'say "hi" \\'],
    });
  });

  it('keeps an empty quoted word', () => {
    expect(splitWords(`a '' b`)).toEqual({ ok: true, words: ['a', '', 'b'] });
  });

  it('keeps backslashes outside quotes, so Windows paths survive', () => {
    expect(splitWords('C:\\tools\\server.exe --x')).toEqual({
      ok: true,
      words: ['C:\\tools\\server.exe', '--x'],
    });
  });

  it('reports an unterminated quote without running or guessing', () => {
    const out = splitWords(`--msg "hello`);
    expect(out.ok).toBe(false);
    expect(out.ok ? '' : out.message).toMatch(/unterminated " quote starting at character 7/);
  });
});
