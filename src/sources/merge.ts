import type { Problem, ReadResult, Scope, ServerSpec, SourceRef, Target } from './spec.js';

/**
 * Merge rules.
 * - Precedence: explicit (environment, then --config files in the order given) > managed > project >
 *   local > user. Within one scope the readers' fixed order decides (the order of `found`).
 * - The same name with the same definition (transport, command, args, env, cwd, url, headers) found in
 *   several places is one spec listing every source, highest precedence first; needsInput is the union.
 * - The same name with different definitions is a clash. The highest-precedence definition keeps the name;
 *   each other one stays, renamed `<name>@<source kind>` (then `-2`, `-3`, ... while taken), with
 *   `originalName` on its sources and a warning saying which definition won. Nothing is dropped.
 * - Output is sorted by name.
 */
const SCOPE_RANK: Record<Scope, number> = { explicit: 0, managed: 1, project: 2, local: 3, user: 4 };

interface Definition {
  target: Target;
  sources: SourceRef[];
  needsInput: Set<string>;
}

/** `found` holds one spec per place read, in the readers' fixed order. */
export function mergeSpecs(found: readonly ServerSpec[]): ReadResult {
  const byName = new Map<string, Definition[]>();
  for (const spec of sortByPrecedence(found)) {
    const definitions = byName.get(spec.name) ?? [];
    byName.set(spec.name, definitions);
    const key = definitionKey(spec.target);
    const same = definitions.find((d) => definitionKey(d.target) === key);
    if (same) {
      same.sources.push(...spec.sources);
      for (const n of spec.needsInput) same.needsInput.add(n);
    } else {
      definitions.push({
        target: spec.target,
        sources: [...spec.sources],
        needsInput: new Set(spec.needsInput),
      });
    }
  }

  const specs: ServerSpec[] = [];
  const problems: Problem[] = [];
  const taken = new Set(byName.keys()); // winners keep their names, so renames must avoid all of them
  for (const [name, [winner, ...losers]] of [...byName].sort(([a], [b]) => byCodePoint(a, b))) {
    if (!winner) continue;
    specs.push(toSpec(name, winner));
    for (const loser of losers) {
      const renamed = freeName(`${name}@${firstSource(loser).kind}`, taken);
      taken.add(renamed);
      const sources = loser.sources.map((s) => ({ ...s, originalName: name }));
      specs.push(toSpec(renamed, { ...loser, sources }));
      problems.push({
        level: 'warning',
        file: firstSource(loser).file,
        server: name,
        message:
          `also defined, differently, in ${describe(firstSource(winner))}, which wins; ` +
          `this definition (${firstSource(loser).kind}, ${firstSource(loser).scope} scope) is kept as "${renamed}"`,
      });
    }
  }
  specs.sort((a, b) => byCodePoint(a.name, b.name));
  return { specs, problems };
}

function sortByPrecedence(found: readonly ServerSpec[]): ServerSpec[] {
  // Array.prototype.sort is stable, so ties keep the readers' order.
  return [...found].sort((a, b) => rank(firstSource(a)) - rank(firstSource(b)));
}

/** Lower wins. The environment outranks --config files although both are explicit. */
function rank(source: SourceRef): number {
  return source.kind === 'env' ? -1 : SCOPE_RANK[source.scope];
}

function firstSource(d: { sources: SourceRef[] }): SourceRef {
  const [first] = d.sources;
  if (!first) throw new Error('a server definition without a source'); // excluded by ServerSpecSchema
  return first;
}

/** Key order is fixed and env/header maps are sorted, so equal definitions give equal keys. */
function definitionKey(target: Target): string {
  const sorted = (map: Record<string, string>) => Object.entries(map).sort(([a], [b]) => byCodePoint(a, b));
  return target.transport === 'stdio'
    ? JSON.stringify(['stdio', target.command, target.args, sorted(target.env), target.cwd ?? null])
    : JSON.stringify([target.transport, target.url, sorted(target.headers)]);
}

function freeName(base: string, taken: ReadonlySet<string>): string {
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

function toSpec(name: string, d: Definition): ServerSpec {
  return { name, target: d.target, sources: d.sources, needsInput: [...d.needsInput] };
}

function describe(source: SourceRef): string {
  return `${source.file} (${source.kind}, ${source.scope} scope)`;
}

/** Locale-independent, so the output order is the same on every machine. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
