import { readFile } from 'node:fs/promises';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import type { Problem } from './spec.js';

/** A config file as an object, or why not. A missing file is `absent`, which is not a problem by itself. */
export type FileResult =
  | { status: 'ok'; data: Record<string, unknown> }
  | { status: 'absent' }
  | { status: 'problem'; problem: Problem };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads and parses one config file. Every format is read as JSONC (comments and trailing commas allowed):
 * VS Code needs it and it is harmless for strict JSON. Files ending in .yaml or .yml are read as YAML.
 */
export async function readConfigFile(file: string): Promise<FileResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'absent' };
    return problem(file, `cannot read the file (${code ?? (err as Error).name})`);
  }
  // Windows editors often save a byte-order mark, which neither parser skips.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = /\.ya?ml$/i.test(file) ? parseYaml(text) : parseJson(text);
  if (!parsed.ok) return problem(file, parsed.message);
  if (!isRecord(parsed.value))
    return problem(file, 'the top level must be an object, e.g. { "mcpServers": {} }');
  return { status: 'ok', data: parsed.value };
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

function parseJson(text: string): Parsed {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (!first) return { ok: true, value };
  const { line, column } = lineAndColumn(text, first.offset);
  return {
    ok: false,
    message: `invalid JSON at line ${line}, column ${column}: ${printParseErrorCode(first.error)}`,
  };
}

function parseYaml(text: string): Parsed {
  const doc = parseDocument(text);
  const first = doc.errors[0];
  if (!first) return { ok: true, value: doc.toJS() };
  // The first line names the line and column; the lines after it quote the file, which may hold secrets.
  const headline = first.message.split('\n')[0]?.replace(/:$/, '') ?? first.code;
  return { ok: false, message: `invalid YAML: ${headline}` };
}

/** 1-based, as editors show them. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function problem(file: string, message: string): FileResult {
  return { status: 'problem', problem: { level: 'error', file, message } };
}
