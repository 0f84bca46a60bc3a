import { tokenize } from './tokenize.js';

/**
 * Hand-written groups of words that name the same action or the same kind of thing in tool texts. Task
 * requests say "look up", "retrieve", "make"; tools say "search", "get", "create". A query word expands to
 * the other members of its groups, at a lower weight than the word itself.
 */
const GROUPS = [
  'search find query lookup look seek locate discover explore browse',
  'create add make new generate build insert compose produce draw',
  'delete remove erase drop destroy purge',
  'fetch read retrieve download obtain load pull open view access',
  'send post message notify email mail publish share reply',
  'list show enumerate display overview',
  'update edit modify change set rename replace patch',
  'convert transform export format turn',
  'analyze analyse analysis examine evaluate inspect assess investigate',
  'summarize summary summarise digest',
  'calculate compute math arithmetic',
  'save store write persist record',
  'run execute start launch invoke',
  'stop kill terminate end close',
  'image picture photo screenshot',
  'chart graph plot diagram visualization visualize',
];

/** stem -> stems of the same group, built once. */
export const ACTION_LEXICON: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, Set<string>>();
  for (const group of GROUPS) {
    const stems = [...new Set(tokenize(group))];
    for (const s of stems) {
      const set = map.get(s) ?? new Set<string>();
      for (const other of stems) if (other !== s) set.add(other);
      map.set(s, set);
    }
  }
  return new Map([...map].map(([k, v]) => [k, [...v]]));
})();

/** File extensions name the kind of file a task handles; the tool texts name the kind. */
const EXTENSIONS: Record<string, string> = {
  md: 'markdown',
  pdf: 'pdf',
  doc: 'word document',
  docx: 'word document',
  xls: 'excel spreadsheet',
  xlsx: 'excel spreadsheet',
  csv: 'csv',
  ppt: 'powerpoint presentation',
  pptx: 'powerpoint presentation',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  svg: 'svg image',
  wav: 'audio',
  mp3: 'audio',
  mp4: 'video',
  html: 'html',
  json: 'json',
  txt: 'text',
};

/**
 * Words implied by things written in the query rather than said: a URL means a web page, a file path a
 * file, `report.docx` a Word document. Returned as plain text for the tokenizer.
 */
export function impliedWords(query: string): string {
  const words: string[] = [];
  if (/\bhttps?:\/\/|\bwww\.[a-z0-9-]+\./i.test(query)) words.push('url web page');
  if (/(^|\s)(~|\.{1,2})?\/[\w.-]+\/|[A-Za-z]:\\/.test(query)) words.push('file path directory');
  for (const m of query.matchAll(/\.([a-z0-9]{2,4})\b/gi)) {
    const kind = EXTENSIONS[(m[1] as string).toLowerCase()];
    if (kind) words.push(`file ${kind}`);
  }
  if (query.includes('@') && /\b[\w.+-]+@[\w-]+\.[\w.]+\b/.test(query)) words.push('email');
  return [...new Set(words)].join(' ');
}
