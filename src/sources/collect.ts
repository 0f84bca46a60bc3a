import { readClaudeCode } from './claude-code.js';
import { readClaudeDesktop } from './claude-desktop.js';
import { readConfigFileSource } from './config-file.js';
import type { SourceContext } from './context.js';
import { readCursor } from './cursor.js';
import { readEnv } from './env.js';
import { mergeSpecs } from './merge.js';
import type { ReadResult } from './spec.js';
import { readVscode } from './vscode.js';
import { readWindsurf } from './windsurf.js';

export interface CollectOptions {
  /** `--config` files, in the order given; earlier files win ties. */
  configFiles: readonly string[];
  /** false: read only the `--config` files and the environment, not the clients' own configs. */
  userConfigs: boolean;
  ctx: SourceContext;
}

interface Reader {
  /** Names the source in the problem reported if the reader throws. */
  label: string;
  read: () => Promise<ReadResult>;
}

/**
 * Reads every source and merges them (rules in merge.ts). The list order is the tie-break within a scope:
 * environment, --config files, then the clients.
 */
export async function collectSpecs(opts: CollectOptions): Promise<ReadResult> {
  const { ctx } = opts;
  const readers: Reader[] = [
    { label: 'env', read: () => readEnv(ctx) },
    ...opts.configFiles.map((file) => ({ label: file, read: () => readConfigFileSource(file, ctx) })),
  ];
  if (opts.userConfigs) {
    readers.push(
      { label: 'claude-code', read: () => readClaudeCode(ctx) },
      { label: 'claude-desktop', read: () => readClaudeDesktop(ctx) },
      { label: 'cursor', read: () => readCursor(ctx) },
      { label: 'vscode', read: () => readVscode(ctx) },
      { label: 'windsurf', read: () => readWindsurf(ctx) },
    );
  }
  const results = await Promise.all(readers.map(guarded));
  const merged = mergeSpecs(results.flatMap((r) => r.specs));
  return { specs: merged.specs, problems: [...results.flatMap((r) => r.problems), ...merged.problems] };
}

/** One reader failing in a way nobody planned for must not hide what the others found. */
async function guarded(reader: Reader): Promise<ReadResult> {
  try {
    return await reader.read();
  } catch (err) {
    const message = `could not be read: unexpected ${err instanceof Error ? err.name : 'error'}`;
    return { specs: [], problems: [{ level: 'error', file: reader.label, message }] };
  }
}
