import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ResolvedSettings } from './settings/index.js';
import {
  type ImportProblem,
  type ImportResult,
  openStore,
  parseImportFile,
  parseServersFile,
} from './store/index.js';

export interface ImportOutcome {
  result: ImportResult;
  /** Lines that could not be loaded, per file; the good lines were loaded. */
  problems: Array<ImportProblem & { file: string }>;
}

/** A missing file is the caller's mistake, reported with its path; anything unreadable inside it is a problem line. */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

async function read(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ImportFileError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
}

/** `index import`: loads an offline catalog (tools.jsonl and, optionally, servers.jsonl) into the store. */
export async function importCatalogFile(
  settings: ResolvedSettings,
  toolsFile: string,
  serversFile?: string,
): Promise<ImportOutcome> {
  const tools = resolve(toolsFile);
  const parsed = parseImportFile(await read(tools));
  const problems = parsed.problems.map((p) => ({ ...p, file: tools }));
  let servers: ReturnType<typeof parseServersFile>['servers'] = [];
  if (serversFile) {
    const file = resolve(serversFile);
    const s = parseServersFile(await read(file));
    servers = s.servers;
    problems.push(...s.problems.map((p) => ({ ...p, file })));
  }
  const store = await openStore(settings);
  try {
    const result = await store.importCatalog({ servers, entries: parsed.entries }, tools);
    return { result, problems };
  } finally {
    await store.close();
  }
}
