/** The address of the client's socket as this server sees it ('unknown' without a socket). */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests, or another runtime: there is no socket to ask.
    return 'unknown';
  }
}
