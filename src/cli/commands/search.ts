import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Command, Option } from 'commander';
import type { CatalogSearch } from '../../catalog-search.js';
import { type Category, CategorySchema } from '../../search/index.js';
import type { EntryKind } from '../../store/catalog.js';
import { hitLines } from '../format-hits.js';
import { type GlobalOptions, startRuntime, UsageError, writeJson } from '../runtime.js';

interface SearchFlags {
  limit?: number;
  server?: string;
  category?: string;
  kind?: 'tool' | 'resource' | 'prompt';
  explain?: boolean;
  json?: boolean;
  batch?: string;
}

/** `resource` covers resource templates too: both are things to @-mention. */
const KINDS: Record<NonNullable<SearchFlags['kind']>, EntryKind[]> = {
  tool: ['tool'],
  resource: ['resource', 'resource_template'],
  prompt: ['prompt'],
};

/** A query over this size is refused rather than truncated silently: nobody types 10,000 characters by accident. */
const MAX_QUERY_CHARS = 10_000;

export function searchCommand(program: Command, wholeNumber: (v: string) => number): void {
  program
    .command('search')
    .description('rank the indexed tools, resources and prompts for a task')
    .argument('[query...]', 'the task, in words')
    .option('-n, --limit <n>', 'results to show (default: search.defaultLimit, 10)', wholeNumber)
    .option('--server <name>', 'only this server')
    .addOption(new Option('--category <category>', 'only this category').choices(CategorySchema.options))
    .addOption(
      new Option('--kind <kind>', 'only tools, resources (and templates) or prompts').choices(
        Object.keys(KINDS),
      ),
    )
    .option('--explain', "show each field's and signal's share of the score")
    .option('--json', 'print results as JSON')
    .option('--batch <file>', 'JSONL of {"id","query"}: print one JSONL line {"id","ranked":[...]} per query')
    .action(async (words: string[], flags: SearchFlags, cmd: Command) => {
      const query = words.join(' ').trim();
      if (!flags.batch && !query)
        throw new UsageError('give a task to search for, e.g. `mcp-discovery search "read a csv file"`');
      if (query.length > MAX_QUERY_CHARS)
        throw new UsageError(`the query is ${query.length} characters; the limit is ${MAX_QUERY_CHARS}`);
      const rt = await startRuntime(cmd.optsWithGlobals<GlobalOptions>());
      const { CatalogSearch } = await import('../../catalog-search.js');
      const catalog = await CatalogSearch.open(rt.settings);
      try {
        if (flags.server && !catalog.servers.has(flags.server)) {
          const known =
            [...catalog.servers].sort().join(', ') ||
            'none yet: run `mcp-discovery discover` or `index import`';
          throw new UsageError(`unknown server "${flags.server}"; known servers: ${known}`);
        }
        const request = {
          limit: flags.limit,
          server: flags.server,
          category: flags.category as Category | undefined,
          kind: flags.kind && KINDS[flags.kind],
          explain: flags.explain,
        };
        if (flags.batch) return await runBatch(flags.batch, catalog, request);
        const { hits, cached } = catalog.search({ ...request, query });
        if (flags.json) return writeJson({ query, cached, hits });
        const lines =
          hits.length > 0 ? hitLines(hits, !!flags.explain) : [`nothing in the catalog matches "${query}"`];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await catalog.close();
        await rt.telemetry.shutdown();
      }
    });
}

/** Evaluation mode: one ranked id list per query line; bad lines are reported on stderr with their numbers. */
async function runBatch(
  file: string,
  catalog: CatalogSearch,
  request: Omit<Parameters<CatalogSearch['search']>[0], 'query'>,
): Promise<void> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  let bad = 0;
  try {
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      let item: { id?: unknown; query?: unknown };
      try {
        item = JSON.parse(line);
      } catch {
        bad++;
        console.error(`${file}: line ${n}: not valid JSON`);
        continue;
      }
      if (typeof item.query !== 'string' || !item.query.trim()) {
        bad++;
        console.error(`${file}: line ${n}: query: expected a non-empty string`);
        continue;
      }
      const { hits } = catalog.search({ ...request, query: item.query });
      process.stdout.write(`${JSON.stringify({ id: item.id ?? n, ranked: hits.map((h) => h.id) })}\n`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    throw error;
  }
  if (bad > 0) process.exitCode = 1;
}
