import { join } from 'node:path';
import { benchCallOverhead } from './call-overhead.js';
import { benchDiscovery } from './discovery.js';
import { benchHook } from './hook.js';
import { type BenchResult, writeResult } from './report.js';
import { benchRetrieval } from './retrieval.js';
import { benchScale } from './scale.js';
import { benchSearchLatency } from './search-latency.js';
import { benchServeLoad } from './serve-load.js';

/** `npm run bench [name...]`: runs the named benchmarks (all by default), prints tables, writes bench/results/. */
const suites: Record<string, () => Promise<BenchResult>> = {
  discovery: benchDiscovery,
  'call-overhead': benchCallOverhead,
  'http-load': benchServeLoad,
  retrieval: benchRetrieval,
  'search-latency': benchSearchLatency,
  hook: benchHook,
  scale: benchScale,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in suites));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')}; choose from ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(suites)) {
  const result = await (suites[name] as () => Promise<BenchResult>)();
  console.log(`  -> ${writeResult(join(import.meta.dirname, 'results'), result)}`);
}
