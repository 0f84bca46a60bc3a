import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ENV_OVERRIDES, envOverrides } from './env.js';
import { defaultDataDir, settingsCandidates } from './paths.js';
import { PROFILES, type ResolvedSettings, SettingsSchema } from './schema.js';

export interface LoadOptions {
  /** `--settings FILE`; when absent the usual places are searched and none is fine. */
  settingsFile?: string;
  /** Values from command-line flags, highest precedence, as a partial settings object. */
  flags?: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export type LoadResult =
  | { ok: true; settings: ResolvedSettings; file?: string }
  | { ok: false; errors: string[] };

type Layer = {
  origin: string;
  values: Record<string, unknown>;
  variableOf?: (path: string) => string | undefined;
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

function hasPath(values: Record<string, unknown>, path: PropertyKey[]): boolean {
  let node: unknown = values;
  for (const key of path) {
    if (!isObject(node) || !(String(key) in node)) return false;
    node = node[String(key)];
  }
  return true;
}

function readFile(
  file: string,
): { ok: true; values: Record<string, unknown> } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return {
      ok: false,
      error: `${file}: cannot read settings file (${(e as NodeJS.ErrnoException).code ?? e})`,
    };
  }
  try {
    const values = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
    if (values == null) return { ok: true, values: {} };
    if (!isObject(values)) return { ok: false, error: `${file}: settings must be an object of fields` };
    return { ok: true, values };
  } catch (e) {
    return {
      ok: false,
      error: `${file}: not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(e as Error).message}`,
    };
  }
}

/** Names the layer that supplied the value at fault, so an error points at the file, variable or flag to fix. */
function describeIssue(issue: z.core.$ZodIssue, layers: Layer[]): string {
  const path = issue.path.map(String);
  const dotted = path.join('.') || '(root)';
  const layer = [...layers].reverse().find((l) => hasPath(l.values, issue.path)) ?? layers[0];
  const variable = layer?.variableOf?.(dotted);
  const where = variable ? `${variable} (${dotted})` : `${layer?.origin ?? 'settings'}: ${dotted}`;
  return `${where}: ${issue.message}`;
}

/** defaults < profile < settings file < MCP_DISCOVERY_* environment < command-line flags. */
export function loadSettings(options: LoadOptions = {}): LoadResult {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.settingsFile ?? env.MCP_DISCOVERY_SETTINGS;
  const file = explicit ? resolve(cwd, explicit) : settingsCandidates(env, cwd).find((f) => existsSync(f));

  const layers: Layer[] = [];
  if (file) {
    const read = readFile(file);
    if (!read.ok) return { ok: false, errors: [read.error] };
    layers.push({ origin: file, values: read.values });
  }
  const envValues: Record<string, unknown> = {};
  for (const o of envOverrides(env)) setPath(envValues, o.path, o.value);
  const byPath = new Map(Object.entries(ENV_OVERRIDES).map(([variable, path]) => [path.join('.'), variable]));
  layers.push({ origin: 'environment', values: envValues, variableOf: (p) => byPath.get(p) });
  layers.push({ origin: 'command line', values: options.flags ?? {} });

  const merged = layers.reduce((acc, l) => deepMerge(acc, l.values), {} as Record<string, unknown>);
  const profile = merged.profile === 'production' ? 'production' : 'default';
  const withProfile = deepMerge(PROFILES[profile], merged);
  const parsed = SettingsSchema.safeParse(withProfile);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => describeIssue(i, layers)) };
  const dataDir = parsed.data.dataDir ? resolve(cwd, parsed.data.dataDir) : defaultDataDir(env);
  return { ok: true, settings: { ...parsed.data, dataDir }, ...(file ? { file } : {}) };
}
