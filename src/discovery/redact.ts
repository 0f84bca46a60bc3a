import type { Target } from '../sources/spec.js';

/** Values too short to be a secret would blank out ordinary words. */
const MIN_SECRET_LENGTH = 6;

/** The server's own env and header values: a server that echoes them to stderr must not leak them into reports. */
export function secretsOf(target: Target): string[] {
  const values = target.transport === 'stdio' ? Object.values(target.env) : Object.values(target.headers);
  return values.filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}
