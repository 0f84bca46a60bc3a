import type { Command } from 'commander';
import { type GlobalOptions, resolveSettings, writeJson } from '../runtime.js';

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** `patterns review`: the workflow patterns learned from Claude Code hooks, failing tools, recommendations. */
export function patternsCommand(program: Command): void {
  const patterns = program
    .command('patterns')
    .description('workflow patterns learned from Claude Code hook events');
  patterns
    .command('review')
    .description(
      'top patterns by usage, most successful tool and resource patterns, failing tools, recommendations',
    )
    .option('--json', 'print the review as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const settings = resolveSettings(cmd.optsWithGlobals<GlobalOptions>());
      const { loadLearned } = await import('../../learning/load.js');
      const { reviewPatterns } = await import('../../learning/review.js');
      const review = reviewPatterns(await loadLearned(settings));
      if (flags.json) return writeJson(review);
      const seq = (s: string[]) => s.join(' → ');
      const out = [
        `${review.sessions} sessions`,
        '',
        'top patterns (sessions · confidence · effectiveness):',
      ];
      if (review.topPatterns.length === 0) out.push('  none yet');
      for (const p of review.topPatterns)
        out.push(`  ${seq(p.sequence)}  ${p.support} · ${pct(p.confidence)} · ${pct(p.effectiveness)}`);
      out.push('', 'most successful:');
      for (const p of review.successfulPatterns.slice(0, 5))
        out.push(
          `  ${seq(p.sequence)}  ${pct(p.effectiveness)}${p.prompts[0] ? `  e.g. "${p.prompts[0]}"` : ''}`,
        );
      if (review.resourcePatterns.length > 0) {
        out.push('', 'with resources:');
        for (const p of review.resourcePatterns.slice(0, 5)) out.push(`  ${seq(p.sequence)}  ${p.support}`);
      }
      out.push('', 'failing tools:');
      if (review.failingTools.length === 0) out.push('  none');
      for (const t of review.failingTools)
        out.push(`  ${t.ref}  ${t.failures}/${t.calls} failed, success rate ${pct(t.successRate)}`);
      out.push(
        '',
        'recommendations:',
        ...(review.recommendations.length > 0 ? review.recommendations : ['none']).map((r) => `  - ${r}`),
      );
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
