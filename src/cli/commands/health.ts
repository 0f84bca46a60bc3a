import type { Command } from 'commander';
import { runOperation } from '../operation.js';
import { EXIT_PROBLEM, writeJson } from '../runtime.js';

export function healthCommand(program: Command): void {
  program
    .command('health')
    .description(
      'check the store, discovery, response time, memory and firing alerts against the KPI thresholds. ' +
        'Exit 0 when every check is ok, 1 when any is warning or critical (warnings want attention too)',
    )
    .option('--probe', 'run a real discovery now instead of judging the last recorded run')
    .option(
      '-c, --config <file>',
      'with --probe: an MCP config file to read as well (repeatable), as for discover',
      (v, acc: string[]) => [...acc, v],
      [],
    )
    .option('--json', 'print the checks as JSON')
    .action(async (flags: { probe?: boolean; config: string[]; json?: boolean }, cmd: Command) =>
      runOperation(cmd, async (rt) => {
        const { health } = await import('../../maintenance/health.js');
        const report = await health({ settings: rt.settings, probe: flags.probe, configFiles: flags.config });
        if (report.status !== 'ok') process.exitCode = EXIT_PROBLEM;
        if (flags.json) return writeJson(report);
        const lines = report.checks.map((c) => `  ${c.status.padEnd(8)} ${c.check.padEnd(13)} ${c.reason}`);
        const server = report.server ? `server pid ${report.server.pid}` : 'no running server';
        process.stdout.write(`health: ${report.status} (${server})\n${lines.join('\n')}\n`);
      }),
    );
}
