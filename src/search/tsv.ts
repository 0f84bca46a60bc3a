/** The shipped tables' form: one `key<TAB>rest` line each. */
export interface TsvTable {
  /** Distinct keys. */
  readonly size: number;
  /** The rest of the key's line (the last line, if a key repeats). */
  get(key: string): string | undefined;
  has(key: string): boolean;
  /** Keys in file order. */
  keys(): Iterable<string>;
}

const TAB = 9;
const EMPTY = -1;

/** FNV-1a over the UTF-16 code units of `text[start, end)`. */
function hash(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Calls `row(start, tab, end)` for each line with a non-empty key. */
function eachRow(text: string, row: (start: number, tab: number, end: number) => void): void {
  let tab = text.indexOf('\t');
  for (let start = 0; tab >= 0 && start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    // Searched once per tab, not per line: lines without one do not each scan ahead to the next.
    if (tab < start) tab = text.indexOf('\t', start);
    if (tab > start && tab < end) row(start, tab, end);
    start = end + 1;
  }
}

/**
 * Keeps the file's text whole, with an open-addressing hash table of line starts: a Map of tens of thousands
 * of keys and row strings would take several times the text's size. Rows become strings only when asked for.
 */
export function tsvTable(text: string): TsvTable {
  let rows = 0;
  eachRow(text, () => rows++);
  const slots = new Int32Array(2 ** Math.ceil(Math.log2(2 * rows + 1))).fill(EMPTY);
  const mask = slots.length - 1;
  /** The slot of `key`: the one holding its line, or the empty one where it would go. */
  const slotOf = (key: string, h: number): number => {
    let i = h & mask;
    for (;;) {
      const start = slots[i] as number;
      if (start === EMPTY || (text.charCodeAt(start + key.length) === TAB && text.startsWith(key, start)))
        return i;
      i = (i + 1) & mask;
    }
  };
  let size = 0;
  eachRow(text, (start, tab) => {
    const i = slotOf(text.slice(start, tab), hash(text, start, tab));
    if (slots[i] === EMPTY) size++;
    slots[i] = start;
  });
  const lineOf = (key: string): number => slots[slotOf(key, hash(key, 0, key.length))] as number;
  return {
    size,
    get(key) {
      const start = lineOf(key);
      if (start === EMPTY) return undefined;
      const newline = text.indexOf('\n', start);
      return text.slice(start + key.length + 1, newline < 0 ? text.length : newline);
    },
    has: (key) => lineOf(key) !== EMPTY,
    keys() {
      const keys: string[] = [];
      eachRow(text, (start, tab) => {
        const key = text.slice(start, tab);
        if (lineOf(key) === start) keys.push(key);
      });
      return keys;
    },
  };
}
