import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { type LearningSource, withLearningSource } from '../learning/source.js';
import { describeUrl } from '../store/postgres/errors.js';
import { HOOK_EVENTS, ourHooks } from './claude-settings.js';
import { type HookConfig, readHookConfig } from './config.js';
import { claudeSettingsFile, dataDirOfCommand, readSettingsFile, SCOPES, type Scope } from './install.js';
import { hookLogFile } from './log.js';
import { hookDbFile } from './record.js';
import { spoolFile } from './spool.js';

export interface ScopeStatus {
  scope: Scope;
  file: string;
  /** Events our hook is installed for in this file. */
  events: string[];
  /** Events we install that this file lacks (an older install, or edited by hand). */
  missing: string[];
  command?: string;
  dataDir?: string;
  problem?: string;
}

export interface HookStatus {
  scopes: ScopeStatus[];
  dataDir: string;
  /** Where the hook writes: the database file, or the PostgreSQL database (without its password). */
  store: string;
  contextEnabled: boolean;
  /** `problem`: the PostgreSQL database could not be read (events wait in the spool meanwhile). */
  events: { recorded: number; last?: string; problem?: string };
  spooled: number;
  log: { file: string; lines: number; last?: string };
}

const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
    : [];

export async function scopeStatus(where: {
  cwd: string;
  env: Record<string, string | undefined>;
}): Promise<ScopeStatus[]> {
  const out: ScopeStatus[] = [];
  for (const scope of SCOPES) {
    const file = claudeSettingsFile(scope, where);
    try {
      const found = ourHooks((await readSettingsFile(file)).value);
      const events = [...new Set(found.map((f) => f.event))];
      const command = found[0]?.command;
      out.push({
        scope,
        file,
        events,
        missing: events.length > 0 ? HOOK_EVENTS.filter((e) => !events.includes(e)) : [],
        ...(command && { command, dataDir: dataDirOfCommand(command) }),
      });
    } catch (error) {
      out.push({ scope, file, events: [], missing: [], problem: (error as Error).message });
    }
  }
  return out;
}

/**
 * Runs `fn` on the store the hook writes to, as hooks.json and the environment say; undefined for a SQLite
 * database not created yet (looking must not create it).
 */
async function withHookStore<T>(
  config: HookConfig,
  fn: (s: LearningSource) => Promise<T>,
): Promise<T | undefined> {
  if (config.backend !== 'postgres' && !existsSync(hookDbFile(config.dataDir))) return undefined;
  const store = { backend: config.backend, postgresUrl: config.postgresUrl };
  return withLearningSource({ dataDir: config.dataDir, store }, fn);
}

export async function hookStatus(
  dataDir: string,
  where: { cwd: string; env: Record<string, string | undefined> },
): Promise<HookStatus> {
  const config = readHookConfig(['--data-dir', dataDir], where.env);
  let events: HookStatus['events'] = { recorded: 0 };
  try {
    const read = await withHookStore(config, async (s) => {
      const last = await s.lastAt();
      return { recorded: (await s.stamp()).count, ...(last && { last }) };
    });
    if (read) events = read;
  } catch (error) {
    // A status is most needed when the shared database is down: report that, and the spool, instead of failing.
    if (config.backend !== 'postgres') throw error;
    events = { recorded: 0, problem: (error as Error).message };
  }
  const log = lines(hookLogFile(dataDir));
  const url = config.backend === 'postgres' ? config.postgresUrl : undefined;
  return {
    scopes: await scopeStatus(where),
    dataDir,
    store:
      config.backend === 'postgres'
        ? url
          ? describeUrl(url)
          : 'PostgreSQL, but no store.postgresUrl'
        : hookDbFile(dataDir),
    contextEnabled: config.contextEnabled,
    events,
    spooled: lines(spoolFile(dataDir)).length,
    log: { file: hookLogFile(dataDir), lines: log.length, ...(log.length > 0 && { last: log.at(-1) }) },
  };
}

export interface HookTestResult {
  command: string;
  exitCode: number | null;
  ms: number;
  recorded: boolean;
  stdout: string;
  stderr: string;
  dataDir?: string;
  logLine?: string;
}

/**
 * Runs the installed command through the shell, as Claude Code does, with a sample PostToolUse event of a session
 * of its own, checks the event reached the database, then removes it so it does not count as usage.
 */
export async function testHook(command: string, cwd: string): Promise<HookTestResult> {
  const sessionId = `mcp-discovery-hooks-test-${process.pid}-${Date.now()}`;
  const event = {
    session_id: sessionId,
    transcript_path: '/dev/null',
    cwd,
    permission_mode: 'default',
    hook_event_name: 'PostToolUse',
    tool_name: 'mcp__mcp-discovery__search_tools',
    tool_input: { query: 'hooks test' },
    tool_response: { content: [{ type: 'text', text: '{}' }] },
    tool_use_id: `toolu_test_${Date.now()}`,
  };
  const t0 = performance.now();
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command, { shell: true, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(JSON.stringify(event));
  });
  const ms = performance.now() - t0;
  const dataDir = dataDirOfCommand(command);
  let recorded = false;
  if (dataDir) {
    // The command ran with this process's environment, so it wrote where this reading of hooks.json says.
    const config = readHookConfig(['--data-dir', dataDir], process.env);
    const removed = await withHookStore(config, (s) => s.deleteSession(sessionId)).catch((error: unknown) => {
      if (config.backend !== 'postgres') throw error;
      return 0; // unreachable: the hook spooled the event, and its log line says why
    });
    recorded = (removed ?? 0) > 0;
  }
  const logLine = dataDir ? lines(hookLogFile(dataDir)).at(-1) : undefined;
  return {
    command,
    exitCode: run.code,
    ms,
    recorded,
    stdout: run.stdout,
    stderr: run.stderr,
    ...(dataDir && { dataDir }),
    ...(logLine && { logLine }),
  };
}
