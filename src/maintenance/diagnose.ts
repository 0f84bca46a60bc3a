import pLimit from 'p-limit';
import { z } from 'zod';
import { readSpecs } from '../discover.js';
import { probeServer } from '../discovery/probe.js';
import { type ServerReport, ServerReportSchema } from '../discovery/report.js';
import type { ResolvedSettings } from '../settings/index.js';
import { ProblemSchema, type SourceContext } from '../sources/index.js';
import { VERSION } from '../version.js';
import { runTask } from './task.js';

/** One server as `diagnose` reports it: the probe's verdict and timings, with what to do about it. */
export const DiagnosisSchema = ServerReportSchema.pick({
  name: true,
  transport: true,
  command: true,
  args: true,
  url: true,
  health: true,
  reason: true,
  stderrTail: true,
  timings: true,
  counts: true,
}).extend({ fix: z.string().optional() });
export type Diagnosis = z.infer<typeof DiagnosisSchema>;

export const DiagnoseResultSchema = z.object({
  servers: z.array(DiagnosisSchema),
  /** Config entries that could not be read: these servers were not probed at all. */
  problems: z.array(ProblemSchema),
});
export type DiagnoseResult = z.infer<typeof DiagnoseResultSchema>;

/** The settings a fix refers to: the budgets the probe was given. */
export interface Limits {
  timeoutMs: number;
  slowMs: number;
}

type Timings = ServerReport['timings'];
const STEPS: [keyof Timings, string][] = [
  ['connectMs', 'spawn/connect'],
  ['initializeMs', 'initialize'],
  ['toolsMs', 'tools/list'],
  ['resourcesMs', 'resources/list'],
  ['resourceTemplatesMs', 'resources/templates/list'],
  ['promptsMs', 'prompts/list'],
];

/** Each step the probe timed, in the order it ran. */
export function steps(t: Timings): { step: string; ms: number }[] {
  return STEPS.flatMap(([key, step]) => (t[key] === undefined ? [] : [{ step, ms: t[key] as number }]));
}

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
const commandLine = (r: Pick<ServerReport, 'command' | 'args'>) =>
  [r.command ?? '', ...(r.args ?? [])].map(quote).join(' ');

/**
 * What to do about a server that is not healthy, from its report alone (pure, so each branch is tested). The
 * reasons it reads are the ones `classifyFailure` and the probe write.
 */
export function suggestFix(r: ServerReport, limits: Limits): string | undefined {
  const reason = r.reason ?? '';
  const byHand = r.command ? `run \`${commandLine(r)}\` by hand` : `open ${r.url} by hand`;
  switch (r.health) {
    case 'healthy':
      return undefined;
    case 'needs-input':
      return `fill in ${reason.replace(/^needs input: /, '')}: VS Code asks for an input the first time it starts the server; put the value in the config (or the environment variable) so discovery can start it too`;
    case 'unauthorized':
      return `the server refused the credentials: check the token in ${r.headerKeys.length > 0 ? `the headers (${r.headerKeys.join(', ')})` : 'the headers or environment (none is configured)'}, and that it has not expired`;
    case 'degraded': {
      if (reason.startsWith('slow:') || reason.includes('; slow:')) {
        const slowest = steps(r.timings).sort((a, b) => b.ms - a.ms)[0];
        const where = slowest ? `; the slowest step was ${slowest.step} (${slowest.ms} ms)` : '';
        return `it answered, but took ${r.timings.totalMs} ms, past discovery.slowMs (${limits.slowMs} ms)${where}: raise discovery.slowMs if that is normal for this server, or ${byHand} to see what it does at start`;
      }
      return `a list failed or was cut short, so what it offers is partial: ${byHand}; the server's own logs should say why`;
    }
  }
  if (reason.startsWith('command not found'))
    return `install ${r.command} or put its folder on PATH (discovery uses the PATH of the shell that runs it), or give its full path in the config`;
  if (reason.startsWith('command not executable'))
    return `make ${r.command} executable (chmod +x) or fix the path`;
  if (reason.startsWith('timed out')) {
    if (reason.includes('non-protocol output'))
      return `the server writes other text to stdout, where only protocol messages may go: have it log to stderr, or ${byHand} to see what it prints`;
    const during = /during ([\w/]+)/.exec(reason)?.[1] ?? '';
    if (during === 'initialize' || during === 'spawn' || during === 'connect')
      return `no answer to initialize within discovery.timeoutMs (${limits.timeoutMs} ms): raise discovery.timeoutMs if the server is slow to start (a first npx download is), or ${byHand} to check it starts at all`;
    return `${during} did not finish within discovery.timeoutMs (${limits.timeoutMs} ms): raise discovery.timeoutMs; the server lists slowly`;
  }
  if (reason.startsWith('exited with code') || reason.startsWith('killed by'))
    return `it stopped during ${/during ([\w/]+)/.exec(reason)?.[1] ?? 'start'}: ${byHand}; its stderr${r.stderrTail ? ' (below)' : ''} shows why`;
  if (reason.startsWith('connection refused'))
    return `nothing listens at ${r.url}: start the server, or fix the host and port in the config`;
  if (reason.startsWith('host not found'))
    return `the host of ${r.url} does not resolve: check its spelling and DNS`;
  if (/^HTTP \d+/.test(reason))
    return `the server answered ${reason.split(' during')[0]}: check the URL's path (streamable HTTP usually ends in /mcp, SSE in /sse)`;
  if (reason.startsWith('network error'))
    return `the network failed on the way to ${r.url}: check proxies and TLS`;
  return `it answered with something that is not MCP: ${byHand} and compare with the transport in the config (${r.transport})`;
}

function diagnosisOf(r: ServerReport, limits: Limits): Diagnosis {
  const { name, transport, command, args, url, health, reason, stderrTail, timings, counts } = r;
  const fix = suggestFix(r, limits);
  return {
    name,
    transport,
    command,
    args,
    url,
    health,
    reason,
    stderrTail,
    timings,
    counts,
    ...(fix && { fix }),
  };
}

export type DiagnoseOutcome =
  | { ok: true; result: DiagnoseResult }
  | { ok: false; unknown: string; known: string[] };

/**
 * `diagnose [SERVER]`: probes every configured server (or the one named) now, as discovery would, and returns
 * each report with a suggested fix. Nothing is recorded in the store: it looks, it does not change the catalog.
 */
export function diagnose(options: {
  settings: ResolvedSettings;
  server?: string;
  configFiles?: string[];
  context?: SourceContext;
}): Promise<DiagnoseOutcome> {
  const { settings } = options;
  return runTask(settings.dataDir, 'diagnose', async () => {
    const { specs, problems } = await readSpecs(options);
    const chosen = options.server ? specs.filter((s) => s.name === options.server) : specs;
    if (options.server && chosen.length === 0)
      return { ok: false, unknown: options.server, known: specs.map((s) => s.name).sort() };
    const limits = { timeoutMs: settings.discovery.timeoutMs, slowMs: settings.discovery.slowMs };
    const limit = pLimit(settings.discovery.maxParallel);
    const reports = await Promise.all(
      chosen.map((spec) => limit(() => probeServer(spec, { ...limits, clientVersion: VERSION }))),
    );
    const servers = reports.sort((a, b) => a.name.localeCompare(b.name)).map((r) => diagnosisOf(r, limits));
    return { ok: true, result: { servers, problems } };
  });
}
