import type { SourceContext } from './context.js';
import { readEntry } from './entry.js';
import { splitWords } from './shell-words.js';
import type { Problem, ReadResult, ServerSpec } from './spec.js';

/**
 * Servers given as environment variables, one group per NAME:
 *   MCP_<NAME>_COMMAND, MCP_<NAME>_ARGS, MCP_<NAME>_ENV_<KEY>        (stdio)
 *   MCP_<NAME>_URL, MCP_<NAME>_TRANSPORT, MCP_<NAME>_HEADER_<NAME>   (remote)
 * The server is called NAME lowercased with `_` as `-`. MCP_DISCOVERY_* are our own settings, and
 * variables that fit no pattern (Claude Code's MCP_TIMEOUT, say) are not ours to judge: both are skipped.
 */
const FILE = 'env';
const OURS = 'MCP_DISCOVERY_';

type Part = { field: 'command' | 'args' | 'url' | 'transport' } | { field: 'env' | 'header'; key: string };

interface Group {
  vars: string[];
  command?: string;
  args?: string;
  url?: string;
  transport?: string;
  env: Record<string, string>;
  headers: Record<string, string>;
}

export async function readEnv(ctx: SourceContext): Promise<ReadResult> {
  const groups = groupVariables(ctx.env);
  const result: ReadResult = { specs: [], problems: [] };
  for (const [name, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const built = buildSpec(name, group, ctx);
    if ('spec' in built) result.specs.push(built.spec);
    else result.problems.push(built.problem);
  }
  return result;
}

function groupVariables(env: Record<string, string | undefined>): Map<string, Group> {
  const candidates = Object.entries(env).flatMap(([variable, value]) =>
    value === undefined || !variable.startsWith('MCP_') || variable.startsWith(OURS)
      ? []
      : [{ variable, value, splits: splitsOf(variable.slice(4)) }],
  );
  // A NAME may contain `_ENV_` or end in `_URL`; the NAMEs that have their own COMMAND or URL variable
  // decide: a variable belongs to the shortest such NAME, else to the shortest NAME that parses.
  const anchored = new Set(
    candidates.flatMap((c) =>
      c.splits.filter((s) => s.part.field === 'command' || s.part.field === 'url').map((s) => s.name),
    ),
  );
  const groups = new Map<string, Group>();
  for (const { variable, value, splits } of candidates) {
    const chosen = splits.find((s) => anchored.has(s.name)) ?? splits[0];
    if (!chosen) continue;
    const group = groups.get(chosen.name) ?? { vars: [], env: {}, headers: {} };
    groups.set(chosen.name, group);
    group.vars.push(variable);
    const { part } = chosen;
    if (part.field === 'env') group.env[part.key] = value;
    else if (part.field === 'header') group.headers[headerName(part.key)] = value;
    else group[part.field] = value;
  }
  return groups;
}

/** Every way to read `rest` (the variable without `MCP_`) as NAME_SUFFIX, shortest NAME first. */
function splitsOf(rest: string): { name: string; part: Part }[] {
  const out: { name: string; part: Part }[] = [];
  for (let i = rest.indexOf('_'); i > 0; i = rest.indexOf('_', i + 1)) {
    const part = suffixPart(rest.slice(i + 1));
    if (part) out.push({ name: rest.slice(0, i), part });
  }
  return out;
}

function suffixPart(suffix: string): Part | undefined {
  if (suffix === 'COMMAND' || suffix === 'ARGS' || suffix === 'URL' || suffix === 'TRANSPORT') {
    return { field: suffix.toLowerCase() as 'command' | 'args' | 'url' | 'transport' };
  }
  const [, prefix, key] = /^(ENV|HEADER)_(.+)$/.exec(suffix) ?? [];
  if (prefix === 'ENV' && key) return { field: 'env', key };
  if (prefix === 'HEADER' && key) return { field: 'header', key };
  return undefined;
}

/** HEADER_X_API_KEY -> X-Api-Key: variable names cannot hold `-`, header names are case-insensitive. */
function headerName(key: string): string {
  return key
    .split('_')
    .map((w) => w.charAt(0) + w.slice(1).toLowerCase())
    .join('-');
}

function buildSpec(
  rawName: string,
  group: Group,
  ctx: SourceContext,
): { spec: ServerSpec } | { problem: Problem } {
  const name = rawName.toLowerCase().replaceAll('_', '-');
  const variable = (suffix: string) => `MCP_${rawName}_${suffix}`;
  const fail = (field: string, message: string) => ({
    problem: { level: 'error' as const, file: FILE, server: name, field, message },
  });
  if (group.command === undefined && group.url === undefined) {
    const orphan = group.vars.sort()[0] ?? variable('ARGS');
    return fail(orphan, `is set but neither ${variable('COMMAND')} nor ${variable('URL')} is`);
  }
  if (group.command !== undefined && group.url !== undefined) {
    return fail(variable('URL'), `set either ${variable('COMMAND')} or ${variable('URL')}, not both`);
  }
  const args = parseArgs(group.args);
  if (!args.ok) return fail(variable('ARGS'), args.message);

  const entry =
    group.command !== undefined
      ? { command: group.command, args: args.words, env: group.env, type: group.transport }
      : { url: group.url, type: group.transport, headers: group.headers };
  // The shell already expanded what it wanted to; values are taken as they are.
  const read = readEntry(name, entry, {
    source: { kind: 'env', scope: 'explicit', file: FILE },
    dialect: 'none',
    ctx,
  });
  if (read.ok) return { spec: read.spec };
  const head = read.problem.field?.split(/[.[]/)[0];
  const suffix = head && { command: 'COMMAND', args: 'ARGS', url: 'URL', type: 'TRANSPORT' }[head];
  return { problem: { ...read.problem, ...(suffix ? { field: variable(suffix) } : {}) } };
}

/** A JSON array when it starts with `[`, otherwise words split with simple shell quoting. */
function parseArgs(text: string | undefined): { ok: true; words: string[] } | { ok: false; message: string } {
  if (text === undefined) return { ok: true, words: [] };
  if (!text.trimStart().startsWith('[')) return splitWords(text);
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { ok: true, words: value };
  } catch {
    // reported below, without echoing the value
  }
  return { ok: false, message: 'starts with [ but is not a JSON array of strings' };
}
