import { createHash, timingSafeEqual } from 'node:crypto';

/** `missing`: no Bearer credentials at all; `invalid`: a Bearer token that is not ours (RFC 6750 tells them apart). */
export type BearerCheck = { ok: true } | { ok: false; reason: 'missing' | 'invalid' };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Checks an `Authorization` header against the token. Both sides are hashed first: timingSafeEqual needs equal
 * lengths, and comparing digests keeps the time taken independent of the token's length as well as its content.
 */
export function checkBearer(authorization: string | undefined, token: string): BearerCheck {
  const presented = BEARER.exec(authorization ?? '')?.[1];
  if (presented === undefined) return { ok: false, reason: 'missing' };
  return timingSafeEqual(digest(presented), digest(token)) ? { ok: true } : { ok: false, reason: 'invalid' };
}

/** The challenge sent with a 401: the error code only when a token was presented and refused (RFC 6750 §3). */
export function bearerChallenge(check: Extract<BearerCheck, { ok: false }>): string {
  return check.reason === 'invalid' ? 'Bearer error="invalid_token"' : 'Bearer';
}
