import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ListMethod } from './report.js';

/** A server that hands out cursors forever would otherwise keep a probe busy until its timeout. */
const MAX_PAGES = 1_000;

async function page(client: Client, method: ListMethod, cursor: string | undefined, options: RequestOptions) {
  const params = cursor === undefined ? undefined : { cursor };
  switch (method) {
    case 'tools/list': {
      const r = await client.listTools(params, options);
      return { items: r.tools, next: r.nextCursor };
    }
    case 'resources/list': {
      const r = await client.listResources(params, options);
      return { items: r.resources, next: r.nextCursor };
    }
    case 'resources/templates/list': {
      const r = await client.listResourceTemplates(params, options);
      return { items: r.resourceTemplates, next: r.nextCursor };
    }
    case 'prompts/list': {
      const r = await client.listPrompts(params, options);
      return { items: r.prompts, next: r.nextCursor };
    }
  }
}

export interface Listed {
  items: unknown[];
  /** Why the list may be incomplete: the server repeated a cursor or never stopped paginating. */
  truncated?: string;
}

/** Every item of a list method, following `nextCursor` until the server stops giving one. */
export async function listAll(
  client: Client,
  method: ListMethod,
  options: () => RequestOptions,
): Promise<Listed> {
  const items: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const result = await page(client, method, cursor, options());
    items.push(...result.items);
    if (!result.next) return { items };
    if (seen.has(result.next))
      return { items, truncated: `${method} repeated a cursor after ${n + 1} pages` };
    seen.add(result.next);
    cursor = result.next;
  }
  return { items, truncated: `${method} still paginating after ${MAX_PAGES} pages` };
}
