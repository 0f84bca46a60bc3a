import { join } from 'node:path';
import type { SourceContext } from './context.js';
import { isRecord, readConfigFile } from './file.js';
import { concat, readServerMap, readServersFile } from './server-map.js';
import type { ReadResult } from './spec.js';

/**
 * Claude Code keeps MCP servers in three files:
 * - `~/.claude.json` (or `$CLAUDE_CONFIG_DIR/.claude.json`): top-level `mcpServers` is user scope,
 *   `projects[<dir>].mcpServers` is local scope, for that exact directory only (no parent lookup).
 * - `<project>/.mcp.json`: project scope, checked into the repository.
 * - `managed-mcp.json` in the system directory: deployed by an administrator.
 * All expand `${VAR}` and `${VAR:-default}`.
 */
function claudeJsonPath(ctx: SourceContext): string {
  return join(ctx.env.CLAUDE_CONFIG_DIR || ctx.home, '.claude.json');
}

export function claudeManagedMcpPaths(ctx: SourceContext): string[] {
  if (ctx.claudeManagedDir) return [join(ctx.claudeManagedDir, 'managed-mcp.json')];
  switch (ctx.platform) {
    case 'darwin':
      return ['/Library/Application Support/ClaudeCode/managed-mcp.json'];
    case 'win32':
      // Newer releases read Program Files; older ones (and older docs) ProgramData.
      return [
        'C:\\Program Files\\ClaudeCode\\managed-mcp.json',
        'C:\\ProgramData\\ClaudeCode\\managed-mcp.json',
      ];
    default:
      return ['/etc/claude-code/managed-mcp.json'];
  }
}

export async function readClaudeCode(ctx: SourceContext): Promise<ReadResult> {
  const common = { kind: 'claude-code', dialect: 'claude', ctx, keys: ['mcpServers'] } as const;
  const results = await Promise.all([
    ...claudeManagedMcpPaths(ctx).map((file) => readServersFile(file, { ...common, scope: 'managed' })),
    readServersFile(join(ctx.cwd, '.mcp.json'), { ...common, scope: 'project' }),
    readClaudeJson(ctx),
  ]);
  return concat(results);
}

async function readClaudeJson(ctx: SourceContext): Promise<ReadResult> {
  const file = claudeJsonPath(ctx);
  const read = await readConfigFile(file);
  if (read.status === 'absent') return { specs: [], problems: [] };
  if (read.status === 'problem') return { specs: [], problems: [read.problem] };
  const common = { kind: 'claude-code', dialect: 'claude', ctx, file } as const;
  const project = findProject(read.data.projects, ctx.cwd);
  const local = project
    ? readServerMap(project.entry.mcpServers, `projects[${JSON.stringify(project.key)}].mcpServers`, {
        ...common,
        scope: 'local',
      })
    : { specs: [], problems: [] };
  return concat([local, readServerMap(read.data.mcpServers, 'mcpServers', { ...common, scope: 'user' })]);
}

/** On Windows Claude Code writes project keys with forward slashes (`C:/git/app`). */
function findProject(
  projects: unknown,
  cwd: string,
): { key: string; entry: Record<string, unknown> } | undefined {
  if (!isRecord(projects)) return undefined;
  for (const key of [cwd, cwd.replaceAll('\\', '/')]) {
    const entry = projects[key];
    if (isRecord(entry)) return { key, entry };
  }
  return undefined;
}
