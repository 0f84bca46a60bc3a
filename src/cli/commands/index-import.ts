import type { Command } from 'commander';
import type { importCatalogFile } from '../../import-catalog.js';
import { type GlobalOptions, resolveSettings, UsageError, writeJson } from '../runtime.js';

export function indexCommand(program: Command): void {
  const index = program.command('index').description('the catalog: offline import');
  index
    .command('import')
    .description(
      'load tool definitions from JSONL or a JSON array of {"server","name","description","inputSchema"}',
    )
    .argument('<file>', 'tools file (the format of LiveMCPBench tools.jsonl)')
    .option('--servers <file>', 'JSONL of {"server","title","description"} describing the servers')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: { servers?: string; json?: boolean }, cmd: Command) => {
      const settings = resolveSettings(cmd.optsWithGlobals<GlobalOptions>());
      const { ImportFileError, importCatalogFile: load } = await import('../../import-catalog.js');
      let outcome: Awaited<ReturnType<typeof importCatalogFile>>;
      try {
        outcome = await load(settings, file, flags.servers);
      } catch (error) {
        if (error instanceof ImportFileError) throw new UsageError(error.message);
        throw error;
      }
      const { result, problems } = outcome;
      // Some lines not loading is a problem a script should notice, although the rest was loaded.
      if (problems.length > 0) process.exitCode = 1;
      if (flags.json) return writeJson({ ...result, problems });
      const lines = [
        `imported ${result.entries} entries of ${result.servers} servers: ` +
          `${result.added.length} added, ${result.changed.length} changed, ${result.removed.length} removed`,
        ...problems.map((p) => `error: ${p.file}: line ${p.line}: ${p.message}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
