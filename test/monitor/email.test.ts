import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertHandler } from '../../src/monitor/alert.js';
import { DeliveryError, type EmailSettings, emailHandler } from '../../src/monitor/handlers/index.js';
import { alert } from './alert-fixture.js';

type Mail = { from: string; to: string[]; raw: string };
let server: SMTPServer | undefined;
let handler: AlertHandler | undefined;

/** A real SMTP server in this process; plain text (no STARTTLS offered) so no certificates are needed. */
async function smtp(options: Partial<SMTPServerOptions> = {}): Promise<{ port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        mails.push({
          from,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString(),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, mails };
}

afterEach(async () => {
  await handler?.close?.();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  handler = undefined;
});

const settings = (port: number, extra: Partial<EmailSettings> = {}): EmailSettings => ({
  type: 'email',
  host: '127.0.0.1',
  port,
  secure: false,
  from: 'monitor@example.com',
  to: ['oncall@example.com', 'lead@example.com'],
  timeoutMs: 2_000,
  retries: 0,
  ...extra,
});

/** Unfolds headers and undoes quoted-printable soft breaks so assertions read the text as sent. */
const readable = (raw: string) =>
  raw
    .replace(/\r\n[ \t]+/g, ' ')
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

describe('email handler', () => {
  it('sends a mail with the subject, recipients and every field in the body', async () => {
    const { port, mails } = await smtp();
    handler = emailHandler(settings(port));
    await handler.send(alert);
    expect(mails).toHaveLength(1);
    const mail = mails[0] as Mail;
    expect(mail.from).toBe('monitor@example.com');
    expect(mail.to).toEqual(['oncall@example.com', 'lead@example.com']);
    const text = readable(mail.raw);
    expect(text).toContain('Subject: [FIRING critical] Average response time 1.2 s (threshold 1 s)');
    for (const field of [
      'Value:     1.2 s',
      'Threshold: 1 s',
      'Window:    5m',
      'Runbook: https://example.com/runbook#response_time',
    ]) {
      expect(text).toContain(field);
    }
    expect(handler.name).toBe('email:127.0.0.1');
  });

  describe('with authentication', () => {
    let logins = 0;
    const authServer = () =>
      smtp({
        authOptional: false,
        onAuth(auth, _session, callback) {
          logins++;
          if (auth.username === 'alerts' && auth.password === 'right-password')
            return callback(null, { user: 'alerts' });
          callback(new Error('Invalid username or password'));
        },
      });

    it('delivers with the right credentials', async () => {
      const { port, mails } = await authServer();
      handler = emailHandler(settings(port, { user: 'alerts', password: 'right-password' }));
      await handler.send(alert);
      expect(mails).toHaveLength(1);
    });

    it('rejects with DeliveryError after retries when the password is wrong', async () => {
      const { port, mails } = await authServer();
      logins = 0;
      handler = emailHandler(settings(port, { user: 'alerts', password: 'wrong', retries: 2 }), {
        baseDelayMs: 1,
      });
      const error = await handler.send(alert).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ code: 'delivery-failed', attempts: 3, lastErrorType: 'EAUTH' });
      expect((error as Error).message).not.toContain('wrong');
      expect(logins).toBe(3);
      expect(mails).toHaveLength(0);
    });
  });
});
