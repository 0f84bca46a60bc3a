import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchResult {
  name: string;
  data: Record<string, unknown>;
}

export function printTable(title: string, rows: Array<{ metric: string; value: string }>): void {
  const width = Math.max(...rows.map((r) => r.metric.length));
  console.log(`\n${title}`);
  for (const r of rows) console.log(`  ${r.metric.padEnd(width)}  ${r.value}`);
}

export function writeResult(dir: string, result: BenchResult): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.name}.json`);
  const doc = { ...result.data, measuredAt: new Date().toISOString(), node: process.version };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}
