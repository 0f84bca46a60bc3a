import type { Alert } from '../alert.js';

/** Subject-line labels: what the reader must know first is whether it is still burning. */
const LABELS: Record<Alert['event'], string> = {
  fired: 'FIRING',
  repeated: 'STILL FIRING',
  resolved: 'RESOLVED',
};

/** How the value stands against the threshold, stated rather than assumed (some KPIs breach downwards). */
export function comparison(alert: Alert): string {
  const sign = alert.value > alert.threshold ? '>' : alert.value < alert.threshold ? '<' : '=';
  return `${alert.valueText} ${sign} ${alert.thresholdText}`;
}

/** `[FIRING critical] Average response time 1.2 s (threshold 1 s)` */
export function subjectLine(alert: Alert): string {
  return `[${LABELS[alert.event]} ${alert.severity}] ${alert.title} ${alert.valueText} (threshold ${alert.thresholdText})`;
}

/** `ALERT FIRED critical response_time: Average response time 1.2 s > 1 s over 5m — runbook <url>` */
export function summaryLine(alert: Alert): string {
  return (
    `ALERT ${alert.event.toUpperCase()} ${alert.severity} ${alert.kpi}: ${alert.title} ` +
    `${comparison(alert)} over ${alert.window} — runbook ${alert.runbookUrl}`
  );
}

/** Plain-text body with every field, for email and any reader without formatting. */
export function bodyText(alert: Alert): string {
  const lines = [
    subjectLine(alert),
    '',
    alert.message,
    '',
    `Event:     ${alert.event}`,
    `KPI:       ${alert.kpi}`,
    `Severity:  ${alert.severity}`,
    `Value:     ${alert.valueText}`,
    `Threshold: ${alert.thresholdText}`,
    `Window:    ${alert.window}`,
    `Started:   ${alert.startedAt}`,
    ...(alert.resolvedAt ? [`Resolved:  ${alert.resolvedAt}`] : []),
    `Instance:  ${alert.instance}`,
    `Alert id:  ${alert.id}`,
    '',
    `Runbook: ${alert.runbookUrl}`,
  ];
  return `${lines.join('\n')}\n`;
}
