/**
 * The address a request comes from, for throttling failed authentication per source. It is the
 * connection's peer address; X-Forwarded-For is believed only from a configured trusted proxy
 * (ROSTER_TRUSTED_PROXIES), since any client can send the header to dodge its own throttle or
 * to throttle someone else (RFC 7239 §8.3 on spoofed forwarding headers).
 */
import { isIP } from 'node:net';
import type { Context } from 'hono';

/** `::ffff:127.0.0.1` → `127.0.0.1`; lower case; undefined for anything that is not an IP. */
export function normalizeAddress(address: string | undefined): string | undefined {
  if (!address) return undefined;
  let value = address.trim().toLowerCase();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  if (value.startsWith('::ffff:') && isIP(value.slice(7)) === 4) value = value.slice(7);
  return isIP(value) === 0 ? undefined : value;
}

export interface RequestSocket {
  readonly remoteAddress?: string | undefined;
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
}

/**
 * The socket a request came over: @hono/node-server hands every request its IncomingMessage as
 * `c.env.incoming`. Undefined in process (`app.request`, Bulk's operations).
 */
export function requestSocket(c: Context): RequestSocket | undefined {
  return (c.env as { incoming?: { socket?: RequestSocket } } | undefined)?.incoming?.socket;
}

/**
 * The client's address: the peer, or, when the peer is a trusted proxy, the right-most
 * X-Forwarded-For entry that is not one (the left-most entries are whatever the client wrote).
 * Undefined for a request that did not arrive over a socket.
 */
export function sourceAddress(c: Context, trustedProxies: ReadonlySet<string>): string | undefined {
  const peer = normalizeAddress(requestSocket(c)?.remoteAddress);
  if (peer === undefined || !trustedProxies.has(peer)) return peer;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => normalizeAddress(hop));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (hop === undefined) return peer; // a malformed entry: trust nothing left of it
    if (!trustedProxies.has(hop)) return hop;
  }
  return peer;
}
