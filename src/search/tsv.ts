/** The shipped tables' form: one `key<TAB>rest` line each. Rows stay text until asked for, to keep tables small. */
export function tsvRows(text: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) rows.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return rows;
}
