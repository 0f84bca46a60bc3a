import nodemailer from 'nodemailer';
import type { AlertHandlerSettings } from '../../settings/schema.js';
import type { Alert, AlertHandler } from '../alert.js';
import { bodyText, subjectLine } from './format.js';
import { type Backoff, deliver } from './retry.js';

export type EmailSettings = Extract<AlertHandlerSettings, { type: 'email' }>;

/**
 * Sends each event as a plain-text mail over SMTP. `secure` means TLS from the first byte (port 465); otherwise
 * nodemailer upgrades with STARTTLS when the server offers it. Every SMTP phase is bounded by `timeoutMs`.
 */
export function emailHandler(settings: EmailSettings, backoff: Backoff = {}): AlertHandler {
  const name = `email:${settings.host}`;
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    // nodemailer's own logger would print SMTP dialogue, which includes the AUTH exchange.
    logger: false,
    debug: false,
  });
  return {
    name,
    send(alert: Alert) {
      return deliver(
        async () => {
          await transport.sendMail({
            from: settings.from,
            to: settings.to,
            subject: subjectLine(alert),
            text: bodyText(alert),
            headers: { 'X-Alert-Id': alert.id },
          });
        },
        { ...backoff, name, timeoutMs: settings.timeoutMs, retries: settings.retries },
      );
    },
    async close() {
      transport.close();
    },
  };
}
