import type { SearchHit } from '../search/index.js';
import { reference } from '../search/index.js';

const firstLine = (text: string, max = 100) => {
  const line =
    text
      .split(/\r?\n/)
      .find((l) => l.trim())
      ?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** A numbered block per hit: how to use it, what it is, why it ranked; with `explain`, the score's parts. */
export function hitLines(hits: SearchHit[], explain: boolean): string[] {
  const width = String(hits.length).length;
  return hits.flatMap((hit, i) => {
    const head = `${String(i + 1).padStart(width)}. ${reference(hit.entry)}  (${hit.entry.kind} · ${hit.category})  ${hit.score.toFixed(2)}`;
    const pad = ' '.repeat(width + 2);
    const lines = [head];
    const about = firstLine(hit.entry.description || hit.entry.title || '');
    if (about) lines.push(`${pad}${about}`);
    lines.push(`${pad}why: ${hit.reason}`);
    if (explain && hit.explain) {
      const parts = [...Object.entries(hit.explain.fields), ...Object.entries(hit.explain.signals)]
        .filter(([, v]) => v !== 0)
        .sort(([, a], [, b]) => b - a)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`);
      lines.push(`${pad}score: ${parts.join(' + ')}`);
    }
    return lines;
  });
}
