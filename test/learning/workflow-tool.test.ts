import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LearningStore } from '../../src/learning/store.js';
import type { Hub } from '../../src/server/hub.js';
import { registerWorkflowTool } from '../../src/server/workflow-tool.js';
import { SettingsSchema } from '../../src/settings/index.js';
import { dbFile } from '../../src/store/index.js';

let data: string;
let client: Client;

/** Rows as the hook writes them, for two sessions that list issues then label them. */
function seed(file: string) {
  const store = LearningStore.open(file);
  const insert = store.db.prepare(
    `INSERT INTO hook_events (key, at, at_ms, event, session_id, tool_use_id, tool_name, outcome, prompt)
     VALUES (?, '2026-01-01T00:00:00.000Z', ?, ?, ?, ?, ?, ?, ?)`,
  );
  let n = 0;
  const now = Date.now();
  for (const s of ['a', 'b']) {
    insert.run(`k${n++}`, now, 'UserPromptSubmit', s, null, null, null, 'label the stale issues');
    for (const tool of ['mcp__github__list_issues', 'mcp__github__add_labels'])
      insert.run(`k${n++}`, now, 'PostToolUse', s, `t${n}`, tool, 'success', null);
  }
  store.close();
}

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'mcp-discovery-workflow-'));
  seed(dbFile(data));
  const hub = { catalog: { settings: { ...SettingsSchema.parse({}), dataDir: data } } } as unknown as Hub;
  const server = new McpServer({ name: 't', version: '1' });
  registerWorkflowTool(server, hub);
  const [a, b] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'c', version: '1' });
  await Promise.all([server.connect(a), client.connect(b)]);
});
afterAll(async () => {
  await client.close();
  rmSync(data, { recursive: true, force: true });
});

describe('suggest_workflow', () => {
  it('returns the learned tool sequences whose prompts fit the task', async () => {
    const r = await client.callTool({ name: 'suggest_workflow', arguments: { task: 'label stale issues' } });
    expect(r.isError).toBeFalsy();
    const { workflows } = r.structuredContent as { workflows: Array<Record<string, unknown>> };
    expect(workflows).toEqual([
      {
        steps: ['github/list_issues', 'github/add_labels'],
        sessions: 2,
        confidence: 1,
        effectiveness: 0.75,
        prompts: ['label the stale issues'],
        score: expect.any(Number),
      },
    ]);
  });

  it('returns nothing for an unrelated task', async () => {
    const r = await client.callTool({ name: 'suggest_workflow', arguments: { task: 'bake bread' } });
    expect((r.structuredContent as { workflows: unknown[] }).workflows).toEqual([]);
  });
});
