/**
 * Our entries in a Claude Code settings object (`~/.claude/settings.json` and friends), as pure functions:
 * `hooks.<Event>` is a list of matcher groups `{ matcher?, hooks: [{ type: 'command', command, timeout }] }`.
 * Every other key, event and group is left exactly as it was; ours are recognised by their command.
 */
export const HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'Stop',
  'SessionEnd',
] as const;

/** Tool events take a matcher; `*` is every tool, built-in and MCP. */
const TOOL_EVENTS: ReadonlySet<string> = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `... dist/cli/main.js' hook ...` or `mcp-discovery hook ...`: a command that runs our hook. */
export function isOurCommand(command: unknown): boolean {
  return (
    typeof command === 'string' &&
    /(main\.js|mcp-discovery)['"]?\s+(?:--\S+\s+\S+\s+)*hook(\s|$)/.test(command)
  );
}

const isOurHook = (h: unknown) => isObject(h) && isOurCommand(h.command);

/** The settings without our entries; groups, events and `hooks` left empty by the removal go too. */
export function withoutOurHooks(settings: Json): { settings: Json; removed: number } {
  if (!isObject(settings.hooks)) return { settings, removed: 0 };
  let removed = 0;
  const hooks: Json = {};
  for (const [event, groups] of Object.entries(settings.hooks)) {
    if (!Array.isArray(groups)) {
      hooks[event] = groups;
      continue;
    }
    const kept: unknown[] = [];
    let touched = false;
    for (const group of groups) {
      if (!isObject(group) || !Array.isArray(group.hooks) || !group.hooks.some(isOurHook)) {
        kept.push(group);
        continue;
      }
      touched = true;
      const others = group.hooks.filter((h) => !isOurHook(h));
      removed += group.hooks.length - others.length;
      if (others.length > 0) kept.push({ ...group, hooks: others });
    }
    if (!touched || kept.length > 0) hooks[event] = kept;
  }
  const out: Json = { ...settings, hooks };
  if (removed > 0 && Object.keys(hooks).length === 0) delete out.hooks;
  return { settings: removed > 0 ? out : settings, removed };
}

/** The settings with exactly one entry of ours per event (any older ones replaced), everything else kept. */
export function withOurHooks(settings: Json, command: string, timeoutSeconds: number): Json {
  const base = withoutOurHooks(settings).settings;
  const hooks: Json = isObject(base.hooks) ? { ...base.hooks } : {};
  for (const event of HOOK_EVENTS) {
    const existing = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    const entry = {
      ...(TOOL_EVENTS.has(event) && { matcher: '*' }),
      hooks: [{ type: 'command', command, timeout: timeoutSeconds }],
    };
    hooks[event] = [...existing, entry];
  }
  return { ...base, hooks };
}

/** Our installed entries: which events, and the command each runs. */
export function ourHooks(settings: Json): { event: string; command: string }[] {
  const found: { event: string; command: string }[] = [];
  if (!isObject(settings.hooks)) return found;
  for (const [event, groups] of Object.entries(settings.hooks)) {
    if (!Array.isArray(groups)) continue;
    for (const group of groups)
      if (isObject(group) && Array.isArray(group.hooks))
        for (const h of group.hooks)
          if (isOurHook(h)) found.push({ event, command: (h as Json).command as string });
  }
  return found;
}
