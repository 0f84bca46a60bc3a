import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  consoleHandler,
  createHandlers,
  DeliveryError,
  slackHandler,
  slackPayload,
  webhookHandler,
} from '../../src/monitor/handlers/index.js';
import { alert } from './alert-fixture.js';

const fast = { baseDelayMs: 1, maxDelayMs: 5 };

type Received = { url: string; headers: IncomingHttpHeaders; body: string };
let server: Server | undefined;

/** A real HTTP receiver; `statuses[i]` answers request i (the last one repeats), 0 means never answer. */
async function receiver(statuses: number[]): Promise<{ base: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      const status = statuses[Math.min(received.length, statuses.length) - 1] ?? 200;
      if (status) res.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, received };
}

async function stop(): Promise<void> {
  const closing = server;
  server = undefined;
  closing?.closeAllConnections();
  await new Promise((resolve) => (closing ? closing.close(resolve) : resolve(undefined)));
}
afterEach(stop);

const webhook = (url: string, retries = 2, timeoutMs = 2_000) =>
  webhookHandler(
    { type: 'webhook', url, headers: { authorization: 'Bearer s3cret' }, timeoutMs, retries },
    fast,
  );

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('webhook handler', () => {
  it('POSTs exactly { version: 1, alert } with the configured headers, named by host only', async () => {
    const { base, received } = await receiver([200]);
    const handler = webhook(`${base}/hooks/alerts?token=abc`);
    await handler.send(alert);
    expect(received).toHaveLength(1);
    expect(received[0]?.url).toBe('/hooks/alerts?token=abc');
    expect(JSON.parse(received[0]?.body ?? '')).toEqual({ version: 1, alert });
    expect(received[0]?.headers).toMatchObject({
      authorization: 'Bearer s3cret',
      'content-type': 'application/json',
    });
    expect(handler.name).toBe(`webhook:${new URL(base).host}`);
  });

  it('delivers on the third attempt after two 500s', async () => {
    const { base, received } = await receiver([500, 500, 200]);
    await webhook(base).send(alert);
    expect(received).toHaveLength(3);
  });

  it('gives up with DeliveryError after retries + 1 attempts when the receiver keeps failing', async () => {
    const { base, received } = await receiver([500]);
    const error = await failure(webhook(base, 3).send(alert));
    expect(received).toHaveLength(4);
    expect(error).toMatchObject({ code: 'delivery-failed', attempts: 4, lastErrorType: 'http-500' });
  });

  it('does not retry a 400, but does retry a 429', async () => {
    const rejected = await receiver([400]);
    expect(await failure(webhook(rejected.base).send(alert))).toMatchObject({ attempts: 1 });
    expect(rejected.received).toHaveLength(1);
    await stop();
    const limited = await receiver([429, 200]);
    await webhook(limited.base).send(alert);
    expect(limited.received).toHaveLength(2);
  });

  it('times out each attempt when the receiver never answers', async () => {
    const { base, received } = await receiver([0]);
    const started = Date.now();
    const error = await failure(webhook(base, 1, 200).send(alert));
    expect(error).toMatchObject({ attempts: 2, lastErrorType: 'TimeoutError' });
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 200 - 20);
  });

  it('rejects after retries when nothing listens on the port', async () => {
    const { base } = await receiver([200]);
    await stop();
    const error = await failure(webhook(base, 2).send(alert));
    expect(error).toMatchObject({ attempts: 3, lastErrorType: 'ECONNREFUSED' });
  });
});

describe('slack handler', () => {
  const secretPath = '/services/T0000/B0000/XXXXsecretXXXX';

  it('posts { text, blocks } with title, severity, value vs threshold, window and runbook link', async () => {
    const { base, received } = await receiver([200]);
    await slackHandler({ type: 'slack', webhookUrl: base + secretPath, timeoutMs: 2_000, retries: 0 }).send(
      alert,
    );
    const body = JSON.parse(received[0]?.body ?? '');
    expect(received[0]?.url).toBe(secretPath);
    expect(body).toEqual(slackPayload(alert));
    expect(body.text).toBe(':red_circle: [FIRING critical] Average response time 1.2 s (threshold 1 s)');
    const text = `${body.blocks[0].text.text}\n${body.blocks[1].elements[0].text}`;
    for (const part of [
      '*Severity:* critical',
      '1.2 s &gt; 1 s over 5m',
      '<https://example.com/runbook#response_time|Runbook>',
    ]) {
      expect(text).toContain(part);
    }
    expect(slackPayload({ ...alert, event: 'resolved', value: 0.4, valueText: '0.4 s' }).text).toMatch(
      /^:large_green_circle: \[RESOLVED critical\]/,
    );
  });

  it('never shows the webhook URL in its name or its errors', async () => {
    const { base, received } = await receiver([500, 403]);
    const handler = slackHandler(
      { type: 'slack', webhookUrl: base + secretPath, timeoutMs: 2_000, retries: 2 },
      fast,
    );
    const error = await failure(handler.send(alert));
    expect(received).toHaveLength(2);
    expect(error).toMatchObject({ attempts: 2, lastErrorType: 'http-403' });
    for (const shown of [handler.name, error.message, String(error.stack), JSON.stringify(error)]) {
      expect(shown).not.toContain('secret');
      expect(shown).not.toContain('/services/');
    }
  });
});

describe('console handler and createHandlers', () => {
  it('writes one readable line per event', async () => {
    const out = new PassThrough();
    await consoleHandler(out).send(alert);
    expect(out.read().toString()).toBe(
      'ALERT FIRED critical response_time: Average response time 1.2 s > 1 s over 5m — runbook https://example.com/runbook#response_time\n',
    );
  });

  it('builds one handler per settings entry', async () => {
    const handlers = createHandlers([
      { type: 'console' },
      {
        type: 'webhook',
        url: 'https://hooks.example.com/x?token=t',
        headers: {},
        timeoutMs: 100,
        retries: 0,
      },
      {
        type: 'slack',
        webhookUrl: 'https://hooks.slack.com/services/T/B/secret',
        timeoutMs: 100,
        retries: 0,
      },
    ]);
    expect(handlers.map((h) => h.name)).toEqual(['console', 'webhook:hooks.example.com', 'slack']);
  });
});
