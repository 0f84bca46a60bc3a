import type { ChildProcess } from 'node:child_process';
import { deserializeMessage, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import spawn from 'cross-spawn';
import { endGroup, trackGroup } from './process-group.js';

export interface StdioParams {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

/** Variables a server inherits from us; the rest of our environment (tokens included) stays here. */
const INHERITED = [
  'HOME',
  'LOGNAME',
  'PATH',
  'SHELL',
  'TERM',
  'USER',
  'LANG',
  'TMPDIR',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
  'SYSTEMROOT',
];
const STDERR_TAIL_BYTES = 2_048;
/** The SDK's default read buffer limit: a larger unterminated line is a broken server, not a message. */
const MAX_LINE_CHARS = 10 * 1024 * 1024;

/**
 * The SDK's stdio client transport, reshaped for probing: the child leads its own process group so the whole
 * tree can be ended, its exit code and the tail of its stderr are kept for the failure reason, and the first line
 * on stdout that is not JSON-RPC is remembered (servers that log to stdout are a common misconfiguration).
 */
export class ProbeStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  firstBadLine: string | undefined;
  private stderrTail = '';
  private child: ChildProcess | undefined;
  private pending = '';
  private exited: Promise<void> | undefined;

  constructor(private readonly params: StdioParams) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const env: Record<string, string> = {};
      for (const key of INHERITED) if (process.env[key] !== undefined) env[key] = process.env[key] as string;
      const child = spawn(this.params.command, this.params.args, {
        env: { ...env, ...this.params.env },
        cwd: this.params.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
      this.child = child;
      this.exited = new Promise((done) => child.once('close', () => done()));
      child.once('error', reject);
      child.once('spawn', () => {
        if (child.pid) trackGroup(child.pid);
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
      });
      child.once('close', () => this.onclose?.());
      child.stdin?.on('error', (e) => this.onerror?.(e));
      child.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
      });
      child.stdout?.on('data', (chunk: Buffer) => this.read(chunk));
    });
  }

  /** Newline-delimited JSON-RPC, as the SDK's ReadBuffer does, but a bad line is kept for the failure reason. */
  private read(chunk: Buffer): void {
    this.pending += chunk.toString('utf8');
    if (this.pending.length > MAX_LINE_CHARS) {
      this.onerror?.(new Error(`stdout line longer than ${MAX_LINE_CHARS} characters`));
      this.pending = '';
      return;
    }
    let newline = this.pending.indexOf('\n');
    while (newline !== -1) {
      const line = this.pending.slice(0, newline).replace(/\r$/, '');
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
      if (!line.trim()) continue;
      let message: JSONRPCMessage;
      try {
        message = deserializeMessage(line);
      } catch (error) {
        this.firstBadLine ??= line.slice(0, 200);
        this.onerror?.(error as Error);
        continue;
      }
      this.onmessage?.(message);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || stdin.destroyed) return reject(new Error('Not connected'));
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Closes stdin (the polite stop), then ends the whole process group. Resolves when nothing of it is left. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    child.stdin?.end();
    if (child.exitCode === null && child.signalCode === null) {
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 300).unref())]);
    }
    await endGroup(child.pid);
    await this.exited;
  }
}
