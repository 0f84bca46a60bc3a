/**
 * One Claude Code hook event, read with small hand-written guards. This module is on the hook's fast path, which
 * must not load zod (about 130 ms), so here, and only here, a shape is written as a TypeScript interface instead
 * of a zod schema. Fields follow the Claude Code hooks reference: common fields `session_id`, `transcript_path`,
 * `cwd`, `permission_mode`, `hook_event_name`; tool events add `tool_name`, `tool_input`, `tool_use_id`;
 * PostToolUse `tool_response`; PostToolUseFailure `error` and `is_interrupt`; UserPromptSubmit `prompt`;
 * SessionStart `source` and `model`; SessionEnd `reason`. Unknown fields are ignored.
 */
import { HOOK_EVENTS } from './claude-settings.js';

export interface HookEvent {
  /** `hook_event_name` as sent, known to us or not. */
  name: string;
  sessionId?: string;
  cwd?: string;
  toolName?: string;
  toolUseId?: string;
  toolInput?: Record<string, unknown>;
  toolResponse?: unknown;
  error?: string;
  isInterrupt?: boolean;
  prompt?: string;
  source?: string;
  reason?: string;
  model?: string;
}

/** The events the learning reads. Others (Notification, PreCompact...) are recorded as they come, and ignored. */
export const KNOWN_EVENTS: ReadonlySet<string> = new Set(HOOK_EVENTS);

export type ParseResult = { ok: true; event: HookEvent } | { ok: false; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function parseHookEvent(text: string): ParseResult {
  if (text.trim() === '') return { ok: false, problem: 'stdin was empty: expected one hook event as JSON' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the input, which may be a private prompt: say only where it broke.
    const message = (error as Error).message;
    const cut = /end of JSON|Unterminated/i.test(message) ? ', cut short' : '';
    const at = /position (\d+)/.exec(message)?.[1];
    return {
      ok: false,
      problem: `stdin is not valid JSON (${text.length} characters read${cut}${at ? `, error at position ${at}` : ''})`,
    };
  }
  if (!isObject(value)) return { ok: false, problem: 'stdin: expected a JSON object' };
  const name = str(value.hook_event_name);
  if (!name) return { ok: false, problem: 'hook_event_name: expected a non-empty string' };
  return {
    ok: true,
    event: {
      name,
      sessionId: str(value.session_id),
      cwd: str(value.cwd),
      toolName: str(value.tool_name),
      toolUseId: str(value.tool_use_id),
      toolInput: isObject(value.tool_input) ? value.tool_input : undefined,
      toolResponse: value.tool_response,
      error: str(value.error) ?? str(value.error_message),
      isInterrupt: value.is_interrupt === true ? true : undefined,
      prompt: typeof value.prompt === 'string' ? value.prompt : undefined,
      source: str(value.source),
      reason: str(value.reason),
      model: str(value.model),
    },
  };
}

/**
 * A tool result that reports its own failure: MCP results carry `isError: true` (Claude Code passes the result
 * as `tool_response`); some built-ins say `is_error`.
 */
export function isErrorResponse(response: unknown): boolean {
  if (!isObject(response)) return false;
  return response.isError === true || response.is_error === true;
}

export function outcomeOf(e: HookEvent): 'success' | 'failure' | undefined {
  if (e.name === 'PostToolUseFailure') return 'failure';
  if (e.name === 'PostToolUse') return isErrorResponse(e.toolResponse) ? 'failure' : 'success';
  return undefined;
}

const PROXY_CALL = /^mcp__.+__call_tool$/;

/**
 * The upstream entry a call really used, when it went through a proxy: our own `call_tool` (`server/name`) or
 * Claude Code's `ReadMcpResourceTool` (`@server:uri`).
 */
export function viaOf(e: HookEvent): string | undefined {
  const input = e.toolInput;
  if (!e.toolName || !input) return undefined;
  if (PROXY_CALL.test(e.toolName)) {
    const server = str(input.server);
    const name = str(input.name);
    return server && name ? `${server}/${name}` : undefined;
  }
  if (e.toolName === 'ReadMcpResourceTool') {
    const server = str(input.server);
    const uri = str(input.uri);
    return server && uri ? `@${server}:${uri}` : undefined;
  }
  return undefined;
}

/** The little we keep beyond the columns; never tool inputs or results. */
export function detailOf(e: HookEvent): Record<string, unknown> | undefined {
  const d: Record<string, unknown> = {};
  const via = viaOf(e);
  if (via) d.via = via;
  if (e.name === 'PostToolUseFailure') {
    if (e.error) d.error = e.error.slice(0, 200);
    if (e.isInterrupt) d.interrupt = true;
  }
  if (e.name === 'SessionStart') {
    if (e.source) d.source = e.source;
    if (e.model) d.model = e.model;
  }
  if (e.name === 'SessionEnd' && e.reason) d.reason = e.reason;
  return Object.keys(d).length > 0 ? d : undefined;
}
