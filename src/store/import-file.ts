import { getNodeValue, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { z } from 'zod';
import { type CatalogEntry, CatalogEntrySchema, EntryKindSchema, entryId } from './catalog.js';
import type { ImportServer } from './store.js';

/**
 * The offline catalog `index import` reads: JSONL (one object a line) or one JSON array, in the format of
 * LiveMCPBench's tools.jsonl and servers.jsonl. A half-written or partly corrupt file still loads every good
 * record; each bad one becomes a problem with its line number. Unknown keys are ignored.
 */

const ImportProblemSchema = z.object({ line: z.number(), message: z.string() });
export type ImportProblem = z.infer<typeof ImportProblemSchema>;

/** One entry a line: `kind` defaults to tool; `id` (`server/name` in the benchmark) is accepted and not used. */
const ImportLineSchema = CatalogEntrySchema.extend({
  id: z.string().optional(),
  kind: EntryKindSchema.default('tool'),
  server: z.string().min(1),
  name: z.string().min(1),
});

const ServerLineSchema = z.object({
  server: z.string().min(1),
  title: z.string().optional(),
  description: z.string().optional(),
});

type Numbered = { line: number; value: unknown };

/** 1-based line of each character offset, found by binary search over the line starts. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function fromArray(text: string, problems: ImportProblem[]): Numbered[] {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const lineAt = lineIndex(text);
  const reported = new Set<number>();
  for (const e of errors) {
    const line = lineAt(e.offset);
    if (!reported.has(line))
      problems.push({ line, message: `invalid JSON (${printParseErrorCode(e.error)})` });
    reported.add(line);
  }
  const out: Numbered[] = [];
  for (const node of root?.type === 'array' ? (root.children ?? []) : []) {
    // An element with a syntax error inside may have been guessed at by the tolerant parser: never load it.
    if (errors.some((e) => e.offset >= node.offset && e.offset < node.offset + node.length)) continue;
    out.push({ line: lineAt(node.offset), value: getNodeValue(node) });
  }
  return out;
}

function fromLines(text: string, problems: ImportProblem[]): Numbered[] {
  const out: Numbered[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const source = raw.trim();
    if (source === '') continue;
    try {
      out.push({ line: i + 1, value: JSON.parse(source) });
    } catch (error) {
      problems.push({ line: i + 1, message: `invalid JSON (${(error as Error).message})` });
    }
  }
  return out;
}

/** `name: expected string`: the field, then what was wrong with it. */
function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const what =
        issue.code === 'invalid_type'
          ? `expected ${issue.expected}`
          : issue.code === 'too_small' && issue.origin === 'string'
            ? 'must not be empty'
            : issue.message;
      return issue.path.length > 0 ? `${issue.path.join('.')}: ${what}` : what;
    })
    .join('; ');
}

function records<S extends z.ZodType>(text: string, schema: S) {
  const problems: ImportProblem[] = [];
  const body = text.replace(/^\uFEFF/, '');
  const values = body.trimStart().startsWith('[') ? fromArray(body, problems) : fromLines(body, problems);
  const valid: { line: number; data: z.output<S> }[] = [];
  for (const { line, value } of values) {
    const parsed = schema.safeParse(value);
    if (parsed.success) valid.push({ line, data: parsed.data });
    else problems.push({ line, message: describe(parsed.error) });
  }
  return { valid, problems };
}

const byLine = (a: ImportProblem, b: ImportProblem) => a.line - b.line;

/** Parses the text of an import file into entries; a repeated entry is reported and the first one kept. */
export function parseImportFile(text: string): { entries: CatalogEntry[]; problems: ImportProblem[] } {
  const { valid, problems } = records(text, ImportLineSchema);
  const firstLine = new Map<string, number>();
  const entries: CatalogEntry[] = [];
  for (const { line, data } of valid) {
    const { id: _id, ...entry } = data;
    const id = entryId(entry);
    const first = firstLine.get(id);
    if (first !== undefined) problems.push({ line, message: `${id}: already on line ${first}` });
    else {
      firstLine.set(id, line);
      entries.push(entry);
    }
  }
  return { entries, problems: problems.sort(byLine) };
}

/** Parses the text of a servers file (`{server, title, description}` a line) for `index import --servers`. */
export function parseServersFile(text: string): { servers: ImportServer[]; problems: ImportProblem[] } {
  const { valid, problems } = records(text, ServerLineSchema);
  const servers = valid.map(({ data: { server, title, description } }) => ({
    name: server,
    title,
    description,
  }));
  return { servers, problems: problems.sort(byLine) };
}
