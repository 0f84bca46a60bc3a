/**
 * The monitor alerting through all four handlers built from settings, each against a real receiver: a local
 * HTTP server for the webhook and Slack, an SMTP server in this process for email, and stderr for the console.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { KpiSchema } from '../../src/kpi/schema.js';
import { createHandlers, Monitor } from '../../src/monitor/index.js';
import { AlertHandlerSettingsSchema } from '../../src/settings/schema.js';

const posts: { path: string; body: unknown }[] = [];
const http = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    posts.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString()) });
    res.writeHead(200).end('ok');
  });
});
const mails: string[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      mails.push(Buffer.concat(chunks).toString());
      callback();
    });
  },
});

afterAll(async () => {
  await new Promise<void>((r) => http.close(() => r()));
  await new Promise<void>((r) => smtp.close(() => r()));
});

const listen = async (
  server: { listen: (p: number, h: string, cb: () => void) => unknown },
  address: () => AddressInfo,
) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return address().port;
};

describe('the monitor through every handler', () => {
  it('delivers the fired and the resolved alert to console, webhook, Slack and email', async () => {
    const httpPort = await listen(http, () => http.address() as AddressInfo);
    const smtpPort = await listen(smtp.server, () => smtp.server.address() as AddressInfo);
    const handlers = createHandlers(
      [
        { type: 'console' },
        { type: 'webhook', url: `http://127.0.0.1:${httpPort}/alerts`, retries: 0 },
        { type: 'slack', webhookUrl: `http://127.0.0.1:${httpPort}/services/T0/B0/secret`, retries: 0 },
        {
          type: 'email',
          host: '127.0.0.1',
          port: smtpPort,
          from: 'mcpd@example.com',
          to: ['ops@example.com'],
          retries: 0,
        },
      ].map((h) => AlertHandlerSettingsSchema.parse(h)),
    );
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const kpi = KpiSchema.parse({
      id: 'rss_test',
      title: 'Test RSS',
      description: 'scripted',
      measure: { type: 'average', gauge: { metric: 'process_memory_usage', match: {} } },
      unit: 'bytes',
      windowSeconds: 60,
      direction: 'above',
      warning: 100,
      pendingSeconds: 0,
      headline: false,
    });
    let rss = 500;
    let t = 0;
    const monitor = new Monitor({
      collect: async () => [{ name: 'process_memory_usage', labels: {}, value: rss }],
      handlers,
      kpis: [kpi],
      intervalMs: 60_000,
      repeatMs: 0,
      clock: () => {
        t += 120_000;
        return { mono: t, wall: 1_795_000_000_000 + t };
      },
    });
    let written: string[];
    try {
      expect((await monitor.tick()).map((a) => a.event)).toEqual(['fired']);
      rss = 50;
      expect((await monitor.tick()).map((a) => a.event)).toEqual(['resolved']);
      await monitor.stop();
    } finally {
      // Read before restoring: restoring a spy also forgets its calls.
      written = stderr.mock.calls.map(([chunk]) => String(chunk));
      stderr.mockRestore();
    }
    const consoleLines = written.filter((l) => l.includes('rss_test'));
    expect(consoleLines).toHaveLength(2);
    expect(
      posts
        .filter((p) => p.path === '/alerts')
        .map((p) => (p.body as { alert: { event: string } }).alert.event),
    ).toEqual(['fired', 'resolved']);
    expect(posts.filter((p) => p.path.startsWith('/services/'))).toHaveLength(2);
    expect(mails).toHaveLength(2);
    expect(mails[0]).toMatch(/Subject: \[FIRING warning\] Test RSS/);
  });
});
