/**
 * Splits a command line into words the way a shell would for simple quoting, without running anything:
 * whitespace separates words; '...' is literal; "..." is literal except for \" and \\; quoted and bare
 * parts next to each other join (`--name="a b"` is one word). A backslash outside quotes is kept as is,
 * so Windows paths survive.
 */
export function splitWords(line: string): { ok: true; words: string[] } | { ok: false; message: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false; // distinguishes an empty quoted word ('') from no word at all
  let i = 0;
  while (i < line.length) {
    const ch = line.charAt(i);
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (ch === "'" || ch === '"') {
      const end = closingQuote(line, i);
      if (end < 0) return { ok: false, message: `unterminated ${ch} quote starting at character ${i + 1}` };
      const inner = line.slice(i + 1, end);
      word += ch === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner;
      inWord = true;
      i = end + 1;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return { ok: true, words };
}

function closingQuote(line: string, start: number): number {
  const quote = line.charAt(start);
  for (let i = start + 1; i < line.length; i++) {
    const ch = line.charAt(i);
    if (quote === '"' && ch === '\\') {
      i++; // skip the escaped character
    } else if (ch === quote) {
      return i;
    }
  }
  return -1;
}
