import type { IncomingMessage } from 'node:http';
import { RPC_PARSE_ERROR, RPC_SERVER_ERROR } from './http-reply.js';

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export type BodyResult =
  | { ok: true; value: unknown }
  | { ok: false; status: 400 | 413; code: number; message: string };

const tooLarge = (maxBytes: number): BodyResult => ({
  ok: false,
  status: 413,
  code: RPC_SERVER_ERROR,
  message: `Payload Too Large: request body must not exceed ${maxBytes} bytes`,
});

/**
 * Reads and parses a JSON body, holding at most `maxBytes` in memory. A declared Content-Length over the limit is
 * refused before reading; otherwise reading stops counting as soon as the limit is passed.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  if (Number(req.headers['content-length']) > maxBytes) return Promise.resolve(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > maxBytes) return;
      size += chunk.length;
      if (size > maxBytes) resolve(tooLarge(maxBytes));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBytes) return;
      try {
        resolve({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch {
        resolve({ ok: false, status: 400, code: RPC_PARSE_ERROR, message: 'Parse error: invalid JSON' });
      }
    });
    req.on('error', reject);
  });
}
