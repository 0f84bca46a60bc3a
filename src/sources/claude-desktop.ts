import { join } from 'node:path';
import { appDataDir, type SourceContext } from './context.js';
import { readServersFile } from './server-map.js';
import type { ReadResult } from './spec.js';

/** `claude_desktop_config.json` in Claude Desktop's application data directory. */
function claudeDesktopConfigPath(ctx: SourceContext): string {
  return join(appDataDir(ctx), 'Claude', 'claude_desktop_config.json');
}

/** Claude Desktop passes every string through as written, so no placeholder is expanded. */
export function readClaudeDesktop(ctx: SourceContext): Promise<ReadResult> {
  return readServersFile(claudeDesktopConfigPath(ctx), {
    kind: 'claude-desktop',
    scope: 'user',
    keys: ['mcpServers'],
    dialect: 'none',
    ctx,
  });
}
