import { readEntry } from './entry.js';
import type { Dialect, ExpandEnv } from './expand.js';
import { isRecord, readConfigFile } from './file.js';
import type { ReadResult, Scope, SourceKind } from './spec.js';

export interface MapOptions {
  kind: SourceKind;
  scope: Scope;
  file: string;
  dialect: Dialect;
  ctx: ExpandEnv;
}

/**
 * Reads a `{ name: entry }` map such as `mcpServers`. A bad entry becomes one problem and the others still
 * load. `where` names the map in problems (`mcpServers`, `projects["/repo"].mcpServers`).
 */
export function readServerMap(map: unknown, where: string, opts: MapOptions): ReadResult {
  if (map === undefined) return { specs: [], problems: [] };
  if (!isRecord(map)) {
    return {
      specs: [],
      problems: [
        {
          level: 'error',
          file: opts.file,
          field: where,
          message: 'must be an object mapping each server name to its settings',
        },
      ],
    };
  }
  const result: ReadResult = { specs: [], problems: [] };
  const source = { kind: opts.kind, scope: opts.scope, file: opts.file };
  for (const [name, raw] of Object.entries(map)) {
    const entry = readEntry(name, raw, { source, dialect: opts.dialect, ctx: opts.ctx });
    if (entry.ok) result.specs.push(entry.spec);
    else result.problems.push(entry.problem);
  }
  return result;
}

export interface FileOptions extends Omit<MapOptions, 'file'> {
  /** Top-level keys holding server maps; each one present is read. */
  keys: readonly string[];
  /** A named file (`--config`) must exist; a client's usual location may not. */
  required?: boolean;
}

export async function readServersFile(file: string, opts: FileOptions): Promise<ReadResult> {
  const read = await readConfigFile(file);
  if (read.status === 'absent') {
    return opts.required
      ? { specs: [], problems: [{ level: 'error', file, message: 'file not found' }] }
      : { specs: [], problems: [] };
  }
  if (read.status === 'problem') return { specs: [], problems: [read.problem] };
  return concat(opts.keys.map((key) => readServerMap(read.data[key], key, { ...opts, file })));
}

export function concat(results: readonly ReadResult[]): ReadResult {
  return {
    specs: results.flatMap((r) => r.specs),
    problems: results.flatMap((r) => r.problems),
  };
}
