import { z } from 'zod';

/** Where a server definition was read from. Precedence between scopes is in `merge.ts`. */
export const SourceKindSchema = z.enum([
  'claude-desktop',
  'claude-code',
  'cursor',
  'vscode',
  'windsurf',
  'config',
  'env',
]);
export type SourceKind = z.infer<typeof SourceKindSchema>;

/** explicit = given for this run (`--config`, environment); managed = enforced by an administrator. */
export const ScopeSchema = z.enum(['explicit', 'managed', 'project', 'local', 'user']);
export type Scope = z.infer<typeof ScopeSchema>;

export const SourceRefSchema = z.object({
  kind: SourceKindSchema,
  scope: ScopeSchema,
  /** Absolute path of the file, or `env` for environment variables. */
  file: z.string(),
  /** The name the entry had in that file, when it differs from the server's name after clash resolution. */
  originalName: z.string().optional(),
});
export type SourceRef = z.infer<typeof SourceRefSchema>;

const StringMap = z.record(z.string(), z.string());

export const StdioTargetSchema = z.object({
  transport: z.literal('stdio'),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: StringMap.default({}),
  cwd: z.string().optional(),
});

/** `auto` tries streamable HTTP first, then SSE, as the MCP SDK recommends for a bare URL. */
export const RemoteTargetSchema = z.object({
  transport: z.enum(['http', 'sse', 'auto']),
  url: z.url(),
  headers: StringMap.default({}),
});

export const TargetSchema = z.discriminatedUnion('transport', [StdioTargetSchema, RemoteTargetSchema]);
export type Target = z.infer<typeof TargetSchema>;
export type StdioTarget = z.infer<typeof StdioTargetSchema>;
export type RemoteTarget = z.infer<typeof RemoteTargetSchema>;

export const ServerSpecSchema = z.object({
  name: z.string().min(1),
  target: TargetSchema,
  sources: z.array(SourceRefSchema).min(1),
  /** Placeholders that cannot be resolved without the user (`${input:x}`, an unset `${VAR}`): not probed. */
  needsInput: z.array(z.string()).default([]),
});
export type ServerSpec = z.infer<typeof ServerSpecSchema>;

export const ProblemSchema = z.object({
  level: z.enum(['error', 'warning', 'info']),
  file: z.string(),
  server: z.string().optional(),
  field: z.string().optional(),
  message: z.string(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** What every reader returns: the servers it could read and a line for each it could not. */
export interface ReadResult {
  specs: ServerSpec[];
  problems: Problem[];
}

export function formatProblem(p: Problem): string {
  const where = [p.file, p.server && `server "${p.server}"`, p.field && `field ${p.field}`].filter(Boolean);
  return `${where.join(': ')}: ${p.message}`;
}
