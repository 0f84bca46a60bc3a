import { join } from 'node:path';
import type { SourceContext } from './context.js';
import { concat, readServersFile } from './server-map.js';
import type { ReadResult } from './spec.js';

/** Cursor: `<project>/.cursor/mcp.json` and `~/.cursor/mcp.json`, key `mcpServers`, `${env:X}` style. */
export async function readCursor(ctx: SourceContext): Promise<ReadResult> {
  const common = { kind: 'cursor', dialect: 'vscode', ctx, keys: ['mcpServers'] } as const;
  return concat(
    await Promise.all([
      readServersFile(join(ctx.cwd, '.cursor', 'mcp.json'), { ...common, scope: 'project' }),
      readServersFile(join(ctx.home, '.cursor', 'mcp.json'), { ...common, scope: 'user' }),
    ]),
  );
}
