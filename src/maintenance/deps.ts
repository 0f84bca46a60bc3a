import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import spawn from 'cross-spawn';
import { z } from 'zod';
import type { ResolvedSettings } from '../settings/index.js';
import { runTask } from './task.js';

export const DepsReportSchema = z.object({
  registry: z.enum(['reachable', 'unreachable']),
  /** Why the registry could not be used, or why the audit gave no answer. */
  reason: z.string().optional(),
  outdated: z
    .object({
      count: z.number(),
      packages: z.array(
        z.object({
          name: z.string(),
          current: z.string().nullable(),
          wanted: z.string(),
          latest: z.string(),
        }),
      ),
    })
    .nullable(),
  vulnerabilities: z
    .object({
      info: z.number(),
      low: z.number(),
      moderate: z.number(),
      high: z.number(),
      critical: z.number(),
      total: z.number(),
    })
    .nullable(),
  /** npm failed for a reason other than registry access (no lockfile, a broken package.json): exit 1. */
  problems: z.array(z.string()),
});
export type DepsReport = z.infer<typeof DepsReportSchema>;

/** npm's error codes for a registry it cannot reach or that does not have what was asked. */
const NO_ACCESS =
  /\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|E401|E403|E404)\b/;

/** `//user:token@host` in a registry URL never reaches a report. */
const mask = (text: string) => text.replace(/\/\/[^/@\s]+@/g, '//***@');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** An npm --json error document, in the two shapes npm 11 prints: `{error: {code, summary}}` and `{message, …}`. */
function npmError(out: unknown): { text: string; noAccess: boolean; auditUnavailable: boolean } | undefined {
  if (!isObject(out)) return undefined;
  const error = isObject(out.error) ? out.error : undefined;
  if (!error && typeof out.message !== 'string') return undefined;
  const code = typeof error?.code === 'string' ? error.code : '';
  const text = [code, error?.summary, out.message]
    .filter((t) => typeof t === 'string' && t !== '')
    .join(': ');
  return {
    text: mask(text || 'npm failed'),
    noAccess: NO_ACCESS.test(text),
    // A registry that answers but serves no audits (a mirror's 405), or an install without a lockfile (global).
    auditUnavailable: typeof out.statusCode === 'number' || code === 'ENOLOCK',
  };
}

function outdatedPackages(out: Record<string, unknown>): NonNullable<DepsReport['outdated']>['packages'] {
  return Object.entries(out)
    .filter((entry): entry is [string, Record<string, unknown>] => isObject(entry[1]))
    .map(([name, p]) => ({
      name,
      current: typeof p.current === 'string' ? p.current : null, // not installed: npm leaves it out
      wanted: String(p.wanted ?? ''),
      latest: String(p.latest ?? ''),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The report from what `npm outdated --json` and `npm audit --json` printed (parsed; undefined if not JSON). */
export function summarise(outdated: unknown, audit: unknown): DepsReport {
  const problems: string[] = [];
  const reasons: string[] = [];
  let unreachable = false;
  const outdatedError = npmError(outdated);
  const auditError = isObject(audit) && audit.auditReportVersion !== undefined ? undefined : npmError(audit);
  for (const [what, error] of [
    ['outdated', outdatedError],
    ['audit', auditError],
  ] as const) {
    if (!error) continue;
    if (error.noAccess) unreachable = true;
    if (error.noAccess) reasons.push(`${what}: ${error.text}`);
    else if (what === 'audit' && error.auditUnavailable) reasons.push(`audit not available: ${error.text}`);
    else problems.push(`npm ${what}: ${error.text}`);
  }
  const counts = isObject(audit) && isObject(audit.metadata) ? audit.metadata.vulnerabilities : undefined;
  const count = (key: string) => (isObject(counts) ? Number(counts[key] ?? 0) : 0);
  const vulnerabilities = isObject(counts)
    ? {
        info: count('info'),
        low: count('low'),
        moderate: count('moderate'),
        high: count('high'),
        critical: count('critical'),
        total: count('total'),
      }
    : null;
  if (!auditError && !vulnerabilities) problems.push('npm audit: no report in its output');
  const packages = !outdatedError && isObject(outdated) ? outdatedPackages(outdated) : null;
  if (!outdatedError && !packages) problems.push('npm outdated: no report in its output');
  return {
    registry: unreachable ? 'unreachable' : 'reachable',
    ...(reasons.length > 0 && { reason: reasons.join('; ') }),
    outdated: packages && { count: packages.length, packages },
    vulnerabilities,
    problems,
  };
}

/** The folder holding our package.json: two levels above this module, in src/ and in dist/ alike. */
export function packageRoot(): string {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  if (!existsSync(join(root, 'package.json'))) throw new Error(`no package.json in ${root}`);
  return root;
}

interface NpmRun {
  code: number | null;
  stdout: string;
  spawnError?: string;
  timedOut: boolean;
}

/** npm without a shell (cross-spawn finds npm.cmd on Windows), bounded by a timeout. */
function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<NpmRun> {
  return new Promise((resolve) => {
    const child = spawn('npm', args, {
      cwd,
      env: { ...env, npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, spawnError: error.code ?? error.message, timedOut });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, timedOut });
    });
  });
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export interface CheckDepsOptions {
  settings: ResolvedSettings;
  root?: string;
  env?: NodeJS.ProcessEnv;
  /** Per npm command. */
  timeoutMs?: number;
}

const unreachable = (reason: string): DepsReport => ({
  registry: 'unreachable',
  reason: mask(reason),
  outdated: null,
  vulnerabilities: null,
  problems: [],
});

/**
 * `maintain deps`: outdated packages and known vulnerabilities of this installation, from npm. A ping without
 * retries comes first: offline, `npm outdated` retries every request for over a minute before it gives up.
 */
export function checkDeps(options: CheckDepsOptions): Promise<DepsReport> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 120_000;
  return runTask(options.settings.dataDir, 'deps', async () => {
    const root = options.root ?? packageRoot();
    const ping = await npm(['ping', '--json', '--fetch-retries=0'], root, env, timeoutMs);
    if (ping.spawnError === 'ENOENT') return unreachable('npm not found on PATH');
    if (ping.spawnError) return unreachable(`npm could not start: ${ping.spawnError}`);
    if (ping.timedOut) return unreachable(`npm ping timed out after ${timeoutMs / 1000} s`);
    if (ping.code !== 0)
      return unreachable(npmError(parse(ping.stdout))?.text ?? `npm ping exited ${ping.code}`);
    const [outdated, audit] = await Promise.all([
      npm(['outdated', '--json'], root, env, timeoutMs),
      npm(['audit', '--json'], root, env, timeoutMs),
    ]);
    if (outdated.timedOut || audit.timedOut) return unreachable(`npm timed out after ${timeoutMs / 1000} s`);
    return summarise(parse(outdated.stdout), parse(audit.stdout));
  });
}
