import type { AlertHandlerSettings } from '../../settings/schema.js';
import type { AlertHandler } from '../alert.js';
import { consoleHandler } from './console.js';
import { emailHandler } from './email.js';
import type { Backoff } from './retry.js';
import { slackHandler } from './slack.js';
import { webhookHandler } from './webhook.js';

export { consoleHandler } from './console.js';
export { type EmailSettings, emailHandler } from './email.js';
export { bodyText, subjectLine, summaryLine } from './format.js';
export { type Backoff, DeliveryError, deliver, HttpStatusError, postJson } from './retry.js';
export { type SlackSettings, slackHandler, slackPayload } from './slack.js';
export { type WebhookSettings, webhookHandler } from './webhook.js';

/** Builds the handler a settings entry describes. A program may also pass its own `AlertHandler` objects. */
export function createHandler(settings: AlertHandlerSettings, backoff: Backoff = {}): AlertHandler {
  switch (settings.type) {
    case 'console':
      return consoleHandler();
    case 'webhook':
      return webhookHandler(settings, backoff);
    case 'slack':
      return slackHandler(settings, backoff);
    case 'email':
      return emailHandler(settings, backoff);
  }
}

export function createHandlers(list: readonly AlertHandlerSettings[], backoff: Backoff = {}): AlertHandler[] {
  return list.map((settings) => createHandler(settings, backoff));
}
