import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`: addresses no other machine can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare.toLowerCase() === 'localhost') return true;
  const family = isIP(bare);
  return family !== 0 && loopback.check(bare, family === 6 ? 'ipv6' : 'ipv4');
}

/** The edge refuses an open, unauthenticated catalog: anything off loopback needs a token. */
export function assertBindable(host: string, token: string | undefined): void {
  if (token || isLoopback(host)) return;
  throw new Error(
    `refusing to listen on ${host} without a token: set --token or MCP_DISCOVERY_TOKEN, or bind 127.0.0.1`,
  );
}

/** The host as it appears in a URL or a `Host` header: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * `Host` header values a loopback face accepts. A browser page on a rebound DNS name sends its own name here, so
 * only the loopback spellings of this port get through (DNS-rebinding protection).
 */
export function loopbackHostHeaders(host: string, port: number): string[] {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', urlHost(host)]);
  return [...names].map((name) => `${name}:${port}`);
}
