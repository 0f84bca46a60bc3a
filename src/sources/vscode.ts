import { join } from 'node:path';
import { appDataDir, type SourceContext } from './context.js';
import { concat, readServersFile } from './server-map.js';
import type { ReadResult } from './spec.js';

/** The user-profile `mcp.json` of VS Code (stable build, default profile). */
function vscodeUserMcpPath(ctx: SourceContext): string {
  return join(appDataDir(ctx), 'Code', 'User', 'mcp.json');
}

/**
 * VS Code: `<project>/.vscode/mcp.json` and the user `mcp.json`, key `servers`, JSONC. The top-level
 * `inputs` array only describes prompts; servers using `${input:id}` are marked as needing input.
 */
export async function readVscode(ctx: SourceContext): Promise<ReadResult> {
  const common = { kind: 'vscode', dialect: 'vscode', ctx, keys: ['servers'] } as const;
  return concat(
    await Promise.all([
      readServersFile(join(ctx.cwd, '.vscode', 'mcp.json'), { ...common, scope: 'project' }),
      readServersFile(vscodeUserMcpPath(ctx), { ...common, scope: 'user' }),
    ]),
  );
}
