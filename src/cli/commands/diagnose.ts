import type { Command } from 'commander';
import type { Diagnosis } from '../../maintenance/diagnose.js';
import { countsText, problemLines } from '../format.js';
import { runOperation } from '../operation.js';
import { EXIT_PROBLEM, UsageError, writeJson } from '../runtime.js';

interface DiagnoseFlags {
  config: string[];
  userConfigs: boolean;
  timeout?: number;
  json?: boolean;
}

const MARK: Record<Diagnosis['health'], string> = {
  healthy: '✔',
  degraded: '!',
  unauthorized: '✖',
  'needs-input': '?',
  failed: '✖',
};
const STDERR_LINES = 10;

function describe(
  d: Diagnosis,
  width: number,
  steps: (t: Diagnosis['timings']) => { step: string; ms: number }[],
) {
  const state =
    d.health === 'healthy' ? countsText(d.counts) : `${d.health}${d.reason ? `: ${d.reason}` : ''}`;
  const timed = [...steps(d.timings).map((s) => `${s.step} ${s.ms} ms`), `total ${d.timings.totalMs} ms`];
  const stderr = d.stderrTail?.trimEnd().split(/\r?\n/).slice(-STDERR_LINES) ?? [];
  return [
    `${MARK[d.health]} ${d.name.padEnd(width)}  ${d.transport.padEnd(5)}  ${state}`,
    `    ${timed.join(' · ')}`,
    ...(d.fix ? [`    fix: ${d.fix}`] : []),
    ...(stderr.length > 0 ? ['    stderr:', ...stderr.map((l) => `      ${l}`)] : []),
  ];
}

/** `diagnose [SERVER]`: probe now, with each step's time, the stderr tail and a suggested fix. */
export function diagnoseCommand(program: Command, wholeNumber: (v: string) => number): void {
  program
    .command('diagnose')
    .description('probe every configured server (or one) now: timings per step, stderr, and what to fix')
    .argument('[server]', 'only this server (by its configured name)')
    .option(
      '-c, --config <file>',
      'an MCP config file to read (repeatable), as for discover',
      (v, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      '--no-user-configs',
      "read only --config files and the environment, not this machine's client configs",
    )
    .option(
      '--timeout <ms>',
      'time budget per server, in milliseconds (default discovery.timeoutMs)',
      wholeNumber,
    )
    .option('--json', 'print the diagnoses as JSON')
    .action(async (server: string | undefined, flags: DiagnoseFlags, cmd: Command) =>
      runOperation(cmd, async (rt) => {
        const { diagnose, steps } = await import('../../maintenance/diagnose.js');
        const settings = {
          ...rt.settings,
          discovery: {
            ...rt.settings.discovery,
            ...(!flags.userConfigs && { userConfigs: false }),
            ...(flags.timeout !== undefined && { timeoutMs: flags.timeout }),
          },
        };
        const outcome = await diagnose({ settings, server, configFiles: flags.config });
        if (!outcome.ok)
          throw new UsageError(
            outcome.known.length > 0
              ? `no server named "${outcome.unknown}"; configured: ${outcome.known.join(', ')}`
              : `no server named "${outcome.unknown}": no MCP servers are configured here`,
          );
        const { servers, problems } = outcome.result;
        if (servers.some((s) => s.health !== 'healthy')) process.exitCode = EXIT_PROBLEM;
        if (flags.json) return writeJson(outcome.result);
        const width = Math.max(0, ...servers.map((s) => s.name.length));
        const lines = servers.flatMap((d) => describe(d, width, steps));
        if (servers.length === 0)
          lines.push('no MCP servers configured here; try --config examples/demo.mcp.json');
        lines.push(...problemLines({ problems }));
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
