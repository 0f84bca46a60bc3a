import type { CatalogEntry } from '../store/catalog.js';

/**
 * How a person or agent refers to an entry: `server/tool` for tools, `@server:uri` for resources and
 * templates (the @-mention form), `/mcp__server__prompt` for prompts (the slash-command form).
 */
export function reference(entry: Pick<CatalogEntry, 'kind' | 'server' | 'name' | 'uri'>): string {
  if (entry.kind === 'tool') return `${entry.server}/${entry.name}`;
  if (entry.kind === 'prompt') return `/mcp__${entry.server}__${entry.name}`;
  return `@${entry.server}:${entry.uri ?? entry.name}`;
}
