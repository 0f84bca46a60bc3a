import { z } from 'zod';
import type { CatalogEntry, CatalogServer } from '../store/catalog.js';
import { tokenize } from './tokenize.js';

export const CategorySchema = z.enum([
  'database',
  'web_automation',
  'file_operations',
  'memory_management',
  'api_integration',
  'development',
  'analytics',
  'communication',
  'other',
]);
export type Category = z.infer<typeof CategorySchema>;

/** Keywords per category, as typed; stemmed once below so they match index terms. */
const KEYWORDS: Record<Exclude<Category, 'other'>, string> = {
  database:
    'sql database db postgres postgresql mysql sqlite mongodb mongo redis supabase dynamodb table row query',
  web_automation:
    'browser navigate click screenshot webpage website scrape crawl playwright puppeteer selenium html hover fill form page url',
  file_operations:
    'file files directory folder path filesystem pdf docx document excel csv upload download move copy',
  memory_management: 'memory remember knowledge graph entity entities relation observation note notes recall',
  api_integration: 'api endpoint http rest webhook graphql request oauth token json',
  development:
    'git commit branch code npm package dependency docker container build deploy debug lint test repository maven library component',
  analytics:
    'analysis analyze analytics chart statistics metric metrics report trend stock price finance plot visualization',
  communication: 'email mail message send slack chat notify notification sms channel post tweet discord',
};

const STEMMED = Object.entries(KEYWORDS).map(
  ([category, words]) => [category as Category, new Set(tokenize(words))] as const,
);

/**
 * The entry's category by keyword rules: each keyword in the name counts 3, in the server's name 2, in the
 * title or description 1; the best-scoring category wins (ties go to the earlier one), none is `other`.
 * Pure and cheap, so it runs once per entry at index build.
 */
export function categorize(entry: CatalogEntry, server?: CatalogServer): Category {
  const parts: Array<[string[], number]> = [
    [tokenize(entry.name), 3],
    [tokenize(`${entry.server} ${server?.title ?? ''}`), 2],
    [tokenize(`${entry.title ?? ''} ${entry.description}`), 1],
  ];
  let best: Category = 'other';
  let bestScore = 0;
  for (const [category, words] of STEMMED) {
    let score = 0;
    for (const [terms, weight] of parts) for (const t of terms) if (words.has(t)) score += weight;
    if (score > bestScore) {
      best = category;
      bestScore = score;
    }
  }
  return best;
}
