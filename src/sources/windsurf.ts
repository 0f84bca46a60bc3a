import { join } from 'node:path';
import type { SourceContext } from './context.js';
import { readServersFile } from './server-map.js';
import type { ReadResult } from './spec.js';

/** Windsurf: `~/.codeium/windsurf/mcp_config.json`, key `mcpServers`, remote servers under `serverUrl`. */
export function readWindsurf(ctx: SourceContext): Promise<ReadResult> {
  return readServersFile(join(ctx.home, '.codeium', 'windsurf', 'mcp_config.json'), {
    kind: 'windsurf',
    scope: 'user',
    keys: ['mcpServers'],
    dialect: 'vscode',
    ctx,
  });
}
