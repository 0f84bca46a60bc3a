import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DiscoveryRun, DiscoveryRunSchema } from '../discovery/report.js';
import { writeFileAtomic } from './atomic.js';

export const lastRunFile = (dataDir: string) => join(dataDir, 'last-run.json');

export async function saveLastRun(dataDir: string, run: DiscoveryRun): Promise<string> {
  const file = lastRunFile(dataDir);
  await writeFileAtomic(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

export type LastRun = { ok: true; run: DiscoveryRun } | { ok: false; missing: boolean; message: string };

export async function loadLastRun(dataDir: string): Promise<LastRun> {
  const file = lastRunFile(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      ok: false,
      missing,
      message: missing
        ? `no discovery run yet in ${dataDir}: run \`mcp-discovery discover\``
        : `${file}: ${(e as Error).message}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      missing: false,
      message: `${file}: not valid JSON (${(e as Error).message}); run \`mcp-discovery discover\` again`,
    };
  }
  const parsed = DiscoveryRunSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      missing: false,
      message: `${file}: ${issue?.path.join('.')}: ${issue?.message}; run \`mcp-discovery discover\` again`,
    };
  }
  return { ok: true, run: parsed.data };
}
