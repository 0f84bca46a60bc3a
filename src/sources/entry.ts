import { z } from 'zod';
import { type Dialect, type ExpandEnv, expandTarget } from './expand.js';
import { isRecord } from './file.js';
import type { Problem, ServerSpec, SourceRef, Target } from './spec.js';

const TRANSPORT_FIX = 'use stdio, http or sse';

/** Spellings seen across clients; the last two are streamable HTTP, which we call `http`. */
const TransportSchema = z.enum(['stdio', 'http', 'sse', 'streamable-http', 'streamableHttp'], {
  error: (issue) => `unknown transport ${JSON.stringify(issue.input)}: ${TRANSPORT_FIX}`,
});

const quotedString = (example: string) => z.string({ error: `must be a string; quote it, e.g. ${example}` });
const stringMap = (what: string) =>
  z.record(z.string(), quotedString('"8080"'), { error: `must be an object of ${what}` });

/**
 * One server entry in any client's shape: Claude Desktop/Code and Cursor (`command`, `url`, `type`),
 * VS Code (`type` required there, but we infer it), Windsurf (`serverUrl`), Cursor/Windsurf/Cline
 * (`disabled`). Loose: clients add their own keys (`envFile`, `autoApprove`, ...) that we do not need.
 */
const ServerEntrySchema = z.looseObject(
  {
    command: z.string({ error: 'must be a string; put the arguments in args' }).optional(),
    args: z
      .array(quotedString('"8080"'), { error: 'must be an array of strings, e.g. ["-y", "some-package"]' })
      .optional(),
    env: stringMap('string values').optional(),
    cwd: z.string({ error: 'must be a string path' }).optional(),
    type: TransportSchema.optional(),
    transport: TransportSchema.optional(),
    url: z.string({ error: 'must be a string URL' }).optional(),
    serverUrl: z.string({ error: 'must be a string URL' }).optional(),
    headers: stringMap('header values').optional(),
    disabled: z.boolean({ error: 'must be true or false' }).optional(),
  },
  { error: 'must be an object with command (stdio) or url (http, sse)' },
);
type ServerEntry = z.infer<typeof ServerEntrySchema>;

export interface EntryOptions {
  /** Where the entry was read from; its `file` is also the file of every problem. */
  source: SourceRef;
  dialect: Dialect;
  ctx: ExpandEnv;
}

export type EntryResult = { ok: true; spec: ServerSpec } | { ok: false; problem: Problem };

/** Validates, expands and normalises one entry. Never throws: a bad entry is one problem, not a failed file. */
export function readEntry(name: string, raw: unknown, opts: EntryOptions): EntryResult {
  const fail = (message: string, field?: string, level: Problem['level'] = 'error'): EntryResult => ({
    ok: false,
    problem: { level, file: opts.source.file, server: name, ...(field ? { field } : {}), message },
  });
  if (isRecord(raw) && raw.disabled === true) return fail('disabled in config', undefined, 'info');

  const parsed = ServerEntrySchema.safeParse(raw);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    return fail(`${first?.message ?? 'invalid entry'}${more}`, first ? fieldPath(first.path) : undefined);
  }

  const shaped = toTarget(parsed.data);
  if ('message' in shaped) return fail(shaped.message, shaped.field);
  const { target, needsInput } = expandTarget(shaped.target, opts.dialect, opts.ctx);

  if (target.transport === 'stdio' && target.command.trim() === '') {
    return fail('is empty after expanding placeholders', 'command');
  }
  // A URL still holding an unanswered placeholder cannot be checked; the server waits for input anyway.
  if (target.transport !== 'stdio' && needsInput.length === 0 && !isHttpUrl(target.url)) {
    return fail('is not a valid http:// or https:// URL', shaped.urlField);
  }
  return { ok: true, spec: { name, target, sources: [opts.source], needsInput } };
}

type Shaped = { target: Target; urlField: string } | { message: string; field?: string };

/** Picks the transport: an explicit type wins, else `command` means stdio and a URL means `auto`. */
function toTarget(entry: ServerEntry): Shaped {
  const declared = entry.type ?? entry.transport;
  const transport = declared === 'streamable-http' || declared === 'streamableHttp' ? 'http' : declared;
  const typeField = entry.type ? 'type' : 'transport';
  const urlField = entry.url !== undefined ? 'url' : 'serverUrl';
  const url = entry.url ?? entry.serverUrl;

  if (transport === 'stdio' || (transport === undefined && entry.command !== undefined)) {
    if (entry.command === undefined)
      return { message: `is missing (${typeField} is stdio)`, field: 'command' };
    const target: Target = {
      transport: 'stdio',
      command: entry.command,
      args: entry.args ?? [],
      env: entry.env ?? {},
      ...(entry.cwd === undefined ? {} : { cwd: entry.cwd }),
    };
    return { target, urlField };
  }
  if (url === undefined) {
    return transport === undefined
      ? { message: 'has neither command nor url: add command (stdio) or url (http, sse)' }
      : { message: `is missing (${typeField} is ${declared})`, field: 'url' };
  }
  return { target: { transport: transport ?? 'auto', url, headers: entry.headers ?? {} }, urlField };
}

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

/** `args[2]`, `env.PORT`, `headers["X-Api-Key"]`: the way a user would point at the value in the file. */
export function fieldPath(path: readonly PropertyKey[]): string | undefined {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(key))) out += out ? `.${String(key)}` : String(key);
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || undefined;
}
