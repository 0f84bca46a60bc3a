import type { Kpi } from './schema.js';

/** Alert messages link here; README.md has a "Runbook: <kpi id>" section for every KPI. */
export const RUNBOOK_BASE = 'https://github.com/mcp-discovery/mcp-discovery/blob/main/README.md';

export function runbookAnchor(kpi: Kpi): string {
  return `runbook-${kpi.id.replaceAll('_', '-')}`;
}

export function runbookUrl(kpi: Kpi): string {
  return `${RUNBOOK_BASE}#${runbookAnchor(kpi)}`;
}
