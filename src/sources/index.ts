export { readClaudeCode } from './claude-code.js';
export { readClaudeDesktop } from './claude-desktop.js';
export { type CollectOptions, collectSpecs } from './collect.js';
export { readConfigFileSource } from './config-file.js';
export { defaultContext, type SourceContext } from './context.js';
export { readCursor } from './cursor.js';
export { readEnv } from './env.js';
export {
  formatProblem,
  type Problem,
  ProblemSchema,
  type ReadResult,
  type RemoteTarget,
  RemoteTargetSchema,
  type Scope,
  ScopeSchema,
  type ServerSpec,
  ServerSpecSchema,
  type SourceKind,
  SourceKindSchema,
  type SourceRef,
  SourceRefSchema,
  type StdioTarget,
  StdioTargetSchema,
  type Target,
  TargetSchema,
} from './spec.js';
export { readVscode } from './vscode.js';
export { readWindsurf } from './windsurf.js';
