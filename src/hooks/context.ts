import type { Suggestion } from '../learning/acceptance.js';
import { reference, type SearchHit } from '../search/index.js';
import { loadSettings } from '../settings/index.js';
import type { HookConfig } from './config.js';
import type { HookEvent } from './event.js';
import type { Recorded } from './record.js';

/**
 * The hook's slow path, loaded only when context is switched on: search the catalog for the prompt (or the shell
 * command about to run) and answer Claude with the few best entries above the score threshold, as
 * `hookSpecificOutput.additionalContext`. What was suggested is recorded beside the event (SQLite or PostgreSQL)
 * to measure acceptance. The catalog is searched where the event went: the hook's store, whatever the settings say.
 */
export interface HookAnswer {
  hookSpecificOutput: { hookEventName: string; additionalContext: string };
}

const MAX_DESCRIPTION = 90;

function line(hit: SearchHit): string {
  const e = hit.entry;
  const text = e.description.replace(/\s+/g, ' ').trim();
  const short = text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text;
  const how =
    e.kind === 'tool'
      ? `tool mcp__${e.server}__${e.name}`
      : e.kind === 'prompt'
        ? 'slash command'
        : 'resource to @-mention';
  return `- ${reference(e)} (${how})${short ? `: ${short}` : ''}`;
}

export async function contextFor(
  event: HookEvent,
  recorded: Pick<Recorded, 'id' | 'saveSuggestions'>,
  config: HookConfig,
): Promise<HookAnswer | undefined> {
  const query = event.name === 'UserPromptSubmit' ? event.prompt : String(event.toolInput?.command ?? '');
  if (!query?.trim()) return undefined;
  const loaded = loadSettings({ settingsFile: config.settingsFile, flags: { dataDir: config.dataDir } });
  if (!loaded.ok) throw new Error(`invalid settings: ${loaded.errors.join('; ')}`);
  const store = { ...loaded.settings.store, backend: config.backend, postgresUrl: config.postgresUrl };
  const settings = { ...loaded.settings, store };
  const minScore = config.minScore ?? settings.hooks.minScore;
  const limit = config.maxSuggestions ?? settings.hooks.maxSuggestions;
  const { CatalogSearch } = await import('../catalog-search.js');
  const catalog = await CatalogSearch.open(settings);
  let hits: SearchHit[];
  try {
    hits = catalog
      .search({
        query: query.slice(0, 10_000),
        limit,
        ...(event.name === 'PreToolUse' && { kind: 'tool' as const }),
      })
      .hits.filter((h) => h.score >= minScore);
  } finally {
    await catalog.close();
  }
  if (hits.length === 0) return undefined;
  const atMs = Date.now();
  const rows: Suggestion[] = hits.map((h) => ({
    eventId: recorded.id,
    sessionId: event.sessionId ?? '',
    atMs,
    kind: h.entry.kind,
    ref: reference(h.entry),
    score: h.score,
  }));
  await recorded.saveSuggestions(rows);
  const intro =
    event.name === 'UserPromptSubmit'
      ? 'mcp-discovery: MCP entries configured here that fit this request:'
      : 'mcp-discovery: an MCP tool configured here may do this more directly than the shell command:';
  return {
    hookSpecificOutput: {
      hookEventName: event.name,
      additionalContext: [intro, ...hits.map(line)].join('\n'),
    },
  };
}
