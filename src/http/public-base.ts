/**
 * The origin clients reach this server at, for every URL handed out (`Location`,
 * `meta.location`, tenant URLs): ROSTER_PUBLIC_URL when set; else the Host header only when it
 * is listed in ROSTER_ALLOWED_HOSTS; else the address the connection arrived on. The Host
 * header is the client's to write (RFC 9110 §7.2): reflected as is, a forged one would have
 * Roster hand out links to anywhere (host header injection).
 */
import type { Context } from 'hono';
import { normalizeAddress, requestSocket } from './source-address.ts';

export interface PublicOrigin {
  /** ROSTER_PUBLIC_URL. */
  readonly publicUrl?: string | undefined;
  /** ROSTER_ALLOWED_HOSTS, lower-cased: Host header values that may be used as they are. */
  readonly allowedHosts: ReadonlySet<string>;
}

/** `http://host:port` of a request URL (string work: this runs on every SCIM request). */
export function originOf(url: string): string {
  const slash = url.indexOf('/', url.indexOf('://') + 3);
  return slash < 0 ? url : url.slice(0, slash);
}

/** Base for URLs handed out, without a trailing slash. */
export function publicBase(c: Context, { publicUrl, allowedHosts }: PublicOrigin): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, '');
  const requestOrigin = originOf(c.req.url);
  const socket = requestSocket(c);
  // In process (tests, Bulk's operations) the URL is the caller's own, not a client's header.
  if (socket === undefined) return requestOrigin;
  const scheme = requestOrigin.slice(0, requestOrigin.indexOf('://'));
  const host = requestOrigin.slice(scheme.length + 3).toLowerCase();
  if (allowedHosts.has(host)) return requestOrigin;
  const local = normalizeAddress(socket.localAddress) ?? '127.0.0.1';
  return `${scheme}://${local.includes(':') ? `[${local}]` : local}:${socket.localPort}`;
}
