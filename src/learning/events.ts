/**
 * Hook events as the learning reads them back from `hook_events`, and how a call names what it used:
 * `server/tool` for MCP tools (`mcp__server__tool`, or our `call_tool` proxying one), `@server:uri` for a resource
 * read through `ReadMcpResourceTool`, and the bare name for Claude Code's built-ins (`Bash`, `Edit`...).
 */
export interface LearningEvent {
  id: number;
  atMs: number;
  event: string;
  sessionId?: string;
  toolUseId?: string;
  toolName?: string;
  outcome?: 'success' | 'failure';
  prompt?: string;
  detail: { via?: string; error?: string; reason?: string; source?: string };
  /** Hook process start to the event being written, in ms. */
  handleMs?: number;
}

/** `mcp__github__create_issue` -> github / create_issue. The server is everything up to the next `__`. */
export function parseMcpToolName(name: string): { server: string; tool: string } | undefined {
  const m = /^mcp__(.+?)__(.+)$/.exec(name);
  return m ? { server: m[1] as string, tool: m[2] as string } : undefined;
}

/** What a tool event used, as learning keys it (see the module comment). */
export function usedRef(e: Pick<LearningEvent, 'toolName' | 'detail'>): string | undefined {
  if (e.detail.via) return e.detail.via;
  if (!e.toolName) return undefined;
  const mcp = parseMcpToolName(e.toolName);
  return mcp ? `${mcp.server}/${mcp.tool}` : e.toolName;
}

export const isCompletion = (e: LearningEvent) =>
  e.event === 'PostToolUse' || e.event === 'PostToolUseFailure';
export const isToolEvent = (e: LearningEvent) => e.event === 'PreToolUse' || isCompletion(e);

export const DAY_MS = 86_400_000;

/** Weight of something that happened at `atMs`, seen at `nowMs`: 1 now, 1/2 one half-life ago. */
export function decay(atMs: number, nowMs: number, halfLifeDays: number): number {
  const age = Math.max(0, nowMs - atMs);
  return 0.5 ** (age / (halfLifeDays * DAY_MS));
}
