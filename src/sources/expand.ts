import { basename } from 'node:path';
import type { Target } from './spec.js';

/**
 * Which placeholders a client expands in its config files:
 * - `claude`: Claude Code's `${VAR}` and `${VAR:-default}`.
 * - `vscode`: VS Code's `${env:VAR}`, `${userHome}`, `${workspaceFolder}`, `${workspaceFolderBasename}`,
 *   `${pathSeparator}`, `${/}` and `${input:id}`; Cursor and Windsurf accept the same forms.
 * - `all`: both, for our own `--config` files.
 * - `none`: Claude Desktop expands nothing.
 */
export type Dialect = 'claude' | 'vscode' | 'all' | 'none';

/** The part of the SourceContext that expansion reads. */
export interface ExpandEnv {
  env: Record<string, string | undefined>;
  home: string;
  cwd: string;
  platform: NodeJS.Platform;
}

export interface Expanded {
  value: string;
  /** `env:VAR` for an unset Claude-style variable without default, `input:id` for a VS Code input. */
  needsInput: string[];
}

// Like Claude Code: everything up to the first `}` is the placeholder, so `${A:-${B}}` is not nested.
const PLACEHOLDER = /\$\{([^}]*)\}/g;
const CLAUDE_VAR = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export function expandString(input: string, dialect: Dialect, ctx: ExpandEnv): Expanded {
  const needsInput: string[] = [];
  if (dialect === 'none') return { value: input, needsInput };
  const value = input.replace(PLACEHOLDER, (whole, body: string) => {
    if (dialect !== 'claude') {
      const resolved = vscodeVariable(body, ctx, needsInput);
      if (resolved !== undefined) return resolved;
    }
    if (dialect !== 'vscode') {
      const resolved = claudeVariable(body, ctx, needsInput);
      if (resolved !== undefined) return resolved;
    }
    // Unknown to this dialect: the client would leave it as written, so do we.
    return whole;
  });
  return { value, needsInput };
}

/** Returns undefined when `body` is not a VS Code variable. */
function vscodeVariable(body: string, ctx: ExpandEnv, needsInput: string[]): string | undefined {
  if (body.startsWith('env:')) return ctx.env[body.slice(4)] ?? ''; // VS Code: unset means empty
  if (body.startsWith('input:')) {
    // Answered by the user at a prompt VS Code shows; we cannot guess it, so the server is not probed.
    needsInput.push(body);
    return `\${${body}}`;
  }
  switch (body) {
    case 'userHome':
      return ctx.home;
    case 'workspaceFolder':
      return ctx.cwd;
    case 'workspaceFolderBasename':
      return basename(ctx.cwd);
    case 'pathSeparator':
    case '/':
      return ctx.platform === 'win32' ? '\\' : '/';
    default:
      return undefined;
  }
}

/** Returns undefined when `body` is not a Claude Code variable. */
function claudeVariable(body: string, ctx: ExpandEnv, needsInput: string[]): string | undefined {
  const match = CLAUDE_VAR.exec(body);
  if (!match) return undefined;
  const [, name = '', fallback] = match;
  // Claude Code uses the default only when the variable is unset, not when it is empty.
  const value = ctx.env[name] ?? fallback;
  if (value !== undefined) return value;
  needsInput.push(`env:${name}`);
  return `\${${body}}`;
}

/**
 * Expands every string a client would expand: command, args, env values and cwd of a stdio server;
 * url and header values of a remote one. Names (env keys, header names) are left as written.
 */
export function expandTarget(
  target: Target,
  dialect: Dialect,
  ctx: ExpandEnv,
): { target: Target; needsInput: string[] } {
  const needs = new Set<string>();
  const one = (s: string): string => {
    const out = expandString(s, dialect, ctx);
    for (const n of out.needsInput) needs.add(n);
    return out.value;
  };
  const values = (map: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(map).map(([k, v]) => [k, one(v)]));
  const expanded: Target =
    target.transport === 'stdio'
      ? {
          transport: 'stdio',
          command: one(target.command),
          args: target.args.map(one),
          env: values(target.env),
          ...(target.cwd === undefined ? {} : { cwd: one(target.cwd) }),
        }
      : { transport: target.transport, url: one(target.url), headers: values(target.headers) };
  return { target: expanded, needsInput: [...needs] };
}
