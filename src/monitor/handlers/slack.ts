import type { AlertHandlerSettings } from '../../settings/schema.js';
import type { Alert, AlertHandler } from '../alert.js';
import { comparison, subjectLine } from './format.js';
import { type Backoff, deliver, postJson } from './retry.js';

export type SlackSettings = Extract<AlertHandlerSettings, { type: 'slack' }>;

/** Incoming webhooks cannot colour a plain message, so the event shows as an emoji instead. */
const EMOJI: Record<Alert['event'], string> = {
  fired: ':red_circle:',
  repeated: ':large_orange_circle:',
  resolved: ':large_green_circle:',
};

/** Slack's mrkdwn treats `&`, `<` and `>` as control characters; titles and messages must not inject links. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<url|label>` breaks on `|` or `>` inside the URL; percent-encoding keeps the link intact. */
function link(url: string, label: string): string {
  return `<${url.replace(/[|<>]/g, (c) => encodeURIComponent(c))}|${label}>`;
}

/** The incoming-webhook payload: `text` is the notification fallback, `blocks` the message people read. */
export function slackPayload(alert: Alert): { text: string; blocks: unknown[] } {
  const details = [
    `${EMOJI[alert.event]} *${mrkdwn(subjectLine(alert))}*`,
    `*Severity:* ${alert.severity}    *KPI:* \`${mrkdwn(alert.kpi)}\``,
    `*Value:* ${mrkdwn(comparison(alert))} over ${mrkdwn(alert.window)}`,
    mrkdwn(alert.message),
  ].join('\n');
  const context = [
    link(alert.runbookUrl, 'Runbook'),
    `started ${alert.startedAt}`,
    ...(alert.resolvedAt ? [`resolved ${alert.resolvedAt}`] : []),
    mrkdwn(alert.instance),
  ].join(' · ');
  return {
    text: `${EMOJI[alert.event]} ${mrkdwn(subjectLine(alert))}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: details } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
    ],
  };
}

/** Named just `slack`: the webhook URL is the credential, so no part of it is shown. */
export function slackHandler(settings: SlackSettings, backoff: Backoff = {}): AlertHandler {
  return {
    name: 'slack',
    send(alert: Alert) {
      const body = slackPayload(alert);
      return deliver((signal) => postJson(settings.webhookUrl, body, {}, signal), {
        ...backoff,
        name: 'slack',
        timeoutMs: settings.timeoutMs,
        retries: settings.retries,
      });
    },
  };
}
