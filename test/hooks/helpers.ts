import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { type CliResult, runCli } from '../cli/cli.js';
import { ROOT } from '../helpers/servers.js';

export const HOOK_FIXTURES = join(ROOT, 'test/fixtures/hooks');
export const hookFixture = (name: string) => readFileSync(join(HOOK_FIXTURES, `${name}.json`), 'utf8');

/** Fresh directories per test, removed afterwards. */
export function tempDirs(prefix = 'mcp-discovery-hooks-') {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/** The real `hook` command as Claude Code runs it: the event on stdin. */
export const runHook = (dataDir: string, input: string, env: Record<string, string> = {}) =>
  runCli(['hook', '--data-dir', dataDir], env, { input });

export type Row = {
  id: number;
  event: string;
  session_id: string | null;
  tool_use_id: string | null;
  tool_name: string | null;
  outcome: string | null;
  prompt: string | null;
  detail: string | null;
  handle_ms: number | null;
};

export function rows(dataDir: string): Row[] {
  const file = join(dataDir, 'mcp-discovery.db');
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], Row>('SELECT * FROM hook_events ORDER BY id').all();
  } finally {
    db.close();
  }
}

export const logLines = (dataDir: string) => {
  const file = join(dataDir, 'hooks.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
};

/** Runs the CLI as another user (root can write anywhere, so a read-only directory needs someone else). */
export function runCliAs(uid: number, args: string[], input: string): Promise<CliResult> {
  return runCli(args, { HOME: tmpdir() }, { input, uid });
}
