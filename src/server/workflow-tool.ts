import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { loadLearned } from '../learning/load.js';
import { matchWorkflows } from '../learning/workflows.js';
import type { Hub } from './hub.js';

/**
 * `suggest_workflow`: for a task, the tool sequences that worked in earlier Claude Code sessions with similar
 * prompts (learned from hook events, src/learning). Read from the store at each call: hooks write continuously.
 */
export function registerWorkflowTool(server: McpServer, hub: Hub): void {
  server.registerTool(
    'suggest_workflow',
    {
      title: 'Suggest a workflow',
      description:
        'Tool sequences that earlier sessions used for similar tasks, learned from Claude Code hooks: each with its ' +
        'steps in order (server/tool, @server:uri, or a built-in tool), how many sessions used it, how often it ' +
        'worked, and the prompts that started it. Empty when nothing similar has been seen.',
      inputSchema: {
        task: z.string().min(1).max(10_000).describe('the task, in plain words'),
        limit: z.number().int().min(1).max(20).optional().describe('how many workflows, 5 by default'),
      },
      outputSchema: {
        workflows: z.array(
          z.object({
            steps: z.array(z.string()),
            sessions: z.number(),
            confidence: z.number(),
            effectiveness: z.number(),
            prompts: z.array(z.string()),
            score: z.number(),
          }),
        ),
      },
    },
    async ({ task, limit }) => {
      const learned = await loadLearned(hub.catalog.settings);
      const workflows = matchWorkflows(task, learned.patterns, limit ?? 5).map(({ pattern: p, score }) => ({
        steps: p.sequence,
        sessions: p.support,
        confidence: Number(p.confidence.toFixed(3)),
        effectiveness: Number(p.effectiveness.toFixed(3)),
        prompts: p.prompts,
        score: Number(score.toFixed(3)),
      }));
      return {
        content: [{ type: 'text', text: JSON.stringify({ workflows }) }],
        structuredContent: { workflows },
      };
    },
  );
}
