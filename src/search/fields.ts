import type { CatalogEntry, CatalogServer } from '../store/catalog.js';
import { type Glossary, translatedTerms } from './glossary.js';
import { tokenize } from './tokenize.js';

/** The parts of an entry that are indexed separately, so each can carry its own weight. */
export const FIELDS = [
  'name',
  'server',
  'title',
  'description',
  'params',
  'param_docs',
  'annotations',
  'uri',
  'translated',
] as const;
export type Field = (typeof FIELDS)[number];

type FieldTexts = Record<Exclude<Field, 'translated'>, string>;

/** BM25 length normalisation per field: names are short and their length says little, so less of it. */
export function fieldB(field: Field): number {
  return field === 'name' ? 0.5 : 0.75;
}

/** Schema text beyond this many characters adds length, not meaning; it also bounds build cost per tool. */
const MAX_SCHEMA_CHARS = 4_000;

interface SchemaText {
  names: string[];
  docs: string[];
  size: number;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Property names and descriptions (and string enum values) of a JSON Schema, nested objects included. */
function walkSchema(schema: unknown, acc: SchemaText, depth: number): void {
  const node = record(schema);
  if (!node || depth > 3 || acc.size > MAX_SCHEMA_CHARS) return;
  const props = record(node.properties);
  for (const [key, raw] of Object.entries(props ?? {})) {
    const prop = record(raw);
    acc.names.push(key);
    acc.size += key.length;
    if (typeof prop?.description === 'string') {
      acc.docs.push(prop.description);
      acc.size += prop.description.length;
    }
    if (Array.isArray(prop?.enum)) acc.docs.push(prop.enum.filter((v) => typeof v === 'string').join(' '));
    walkSchema(prop, acc, depth + 1);
    walkSchema(prop?.items, acc, depth + 1);
  }
}

/** Annotation words: the title, and the names of hints that are set (`readOnlyHint: true` -> "read only"). */
function annotationText(annotations: Record<string, unknown> | undefined): string {
  if (!annotations) return '';
  const words: string[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (key === 'title' && typeof value === 'string') words.push(value);
    else if (value === true) words.push(key.replace(/Hint$/, ''));
  }
  return words.join(' ');
}

function fieldTexts(entry: CatalogEntry, server: CatalogServer | undefined): FieldTexts {
  const schema: SchemaText = { names: [], docs: [], size: 0 };
  walkSchema(entry.inputSchema, schema, 0);
  for (const arg of entry.arguments ?? []) {
    schema.names.push(arg.name);
    if (arg.description) schema.docs.push(arg.description);
  }
  return {
    name: entry.name,
    server: [entry.server, server?.title ?? ''].join(' '),
    title: entry.title ?? '',
    description: entry.description,
    params: schema.names.join(' '),
    param_docs: schema.docs.join(' ').slice(0, MAX_SCHEMA_CHARS),
    annotations: annotationText(entry.annotations),
    uri: entry.uri ?? '',
  };
}

/** The entry's terms per field, in FIELDS order; `translated` holds English glosses of its Chinese text. */
export function entryTerms(
  entry: CatalogEntry,
  server: CatalogServer | undefined,
  glossary: Glossary | undefined,
): string[][] {
  const texts = fieldTexts(entry, server);
  const chinese = `${texts.title} ${texts.description} ${texts.param_docs}`;
  return FIELDS.map((f) => (f === 'translated' ? translatedTerms(chinese, glossary) : tokenize(texts[f])));
}
