import type { Alert } from '../../src/monitor/alert.js';

/** One fired critical alert, as the handler tests send it. */
export const alert: Alert = {
  id: 'response_time:critical:1795000000000',
  event: 'fired',
  kpi: 'response_time',
  title: 'Average response time',
  severity: 'critical',
  value: 1.2,
  threshold: 1,
  valueText: '1.2 s',
  thresholdText: '1 s',
  window: '5m',
  message: 'Average response time 1.2 s is above 1 s',
  startedAt: '2026-11-25T14:30:00.000Z',
  runbookUrl: 'https://example.com/runbook#response_time',
  instance: 'host-a:1234',
};
