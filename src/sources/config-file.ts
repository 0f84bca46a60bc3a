import { resolve } from 'node:path';
import type { SourceContext } from './context.js';
import { readServersFile } from './server-map.js';
import type { ReadResult } from './spec.js';

/**
 * Our own `--config FILE`: JSON(C), or YAML when it ends in .yaml/.yml. Servers under `mcpServers` or
 * `servers`, in any client's entry shape, with both placeholder dialects. The user named the file, so a
 * missing one is an error. A relative path is taken from ctx.cwd.
 */
export function readConfigFileSource(file: string, ctx: SourceContext): Promise<ReadResult> {
  return readServersFile(resolve(ctx.cwd, file), {
    kind: 'config',
    scope: 'explicit',
    keys: ['mcpServers', 'servers'],
    dialect: 'all',
    required: true,
    ctx,
  });
}
