import type { AlertHandlerSettings } from '../../settings/schema.js';
import type { Alert, AlertHandler } from '../alert.js';
import { type Backoff, deliver, postJson } from './retry.js';

export type WebhookSettings = Extract<AlertHandlerSettings, { type: 'webhook' }>;

/** POSTs `{ version: 1, alert }`; `version` lets receivers cope when the alert shape grows. */
export function webhookHandler(settings: WebhookSettings, backoff: Backoff = {}): AlertHandler {
  // Host only: the path, query and headers often carry the receiver's token.
  const name = `webhook:${new URL(settings.url).host}`;
  return {
    name,
    send(alert: Alert) {
      const body = { version: 1, alert };
      return deliver((signal) => postJson(settings.url, body, settings.headers, signal), {
        ...backoff,
        name,
        timeoutMs: settings.timeoutMs,
        retries: settings.retries,
      });
    },
  };
}
