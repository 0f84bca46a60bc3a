import { type ChildProcess, spawn } from 'node:child_process';
import { CLI } from '../cli/cli.js';
import { ROOT } from './servers.js';

export interface RunningServe {
  child: ChildProcess;
  /** http://127.0.0.1:<port>, without a path. */
  base: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM (or the given signal) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the built CLI's `serve --http --port 0` with the given global options and serve flags, and resolves
 * once it has printed its URLs: the line we wait for, never a guessed delay.
 */
export function startServe(options: {
  global: string[];
  flags?: string[];
  env: NodeJS.ProcessEnv;
}): Promise<RunningServe> {
  const child = spawn(
    process.execPath,
    [CLI, ...options.global, 'serve', '--http', '--port', '0', ...(options.flags ?? [])],
    { cwd: ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const look = (chunk: Buffer) => {
      out += chunk;
      const base = out.match(/metrics at (\S+)\/metrics/)?.[1];
      if (base) resolve({ child, base, output: () => out, stop });
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
}

/** Polls `probe` until it returns a value (not undefined), at most `ms`: for conditions another process makes true. */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`never saw ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
