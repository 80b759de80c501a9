/**
 * RFC 9865 cursors. A cursor is self-contained and signed, so any instance sharing the secret
 * can continue a listing (no server-side state): base64url(payload) "." base64url(HMAC). Both
 * parts use only RFC 3986 unreserved characters, as §2 requires.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { expiredCursor, fail, invalidCursor, ok, type Result } from './errors.ts';

interface Payload {
  /** The store's keyset position. */
  readonly k: string;
  /** Fingerprint of the query the cursor belongs to (filter, sort, account). */
  readonly q: string;
  /** Expiry, epoch milliseconds: a cursor is valid for the full cursorTimeout. */
  readonly e: number;
  /** totalResults of the walk's first page, carried so later pages need not count again. */
  readonly t: number;
}

export interface CursorState {
  readonly position: string;
  readonly total: number;
}

export interface CursorCodec {
  encode(state: CursorState, query: string, nowMs: number): string;
  decode(cursor: string, query: string, nowMs: number): Result<CursorState>;
}

export function createCursorCodec(secret: string, timeoutSeconds: number): CursorCodec {
  const sign = (data: string) =>
    createHmac('sha256', secret).update(data).digest().subarray(0, 18).toString('base64url');
  const fingerprint = (query: string) =>
    createHmac('sha256', secret).update(`q:${query}`).digest().subarray(0, 9).toString('base64url');

  return {
    encode(state, query, nowMs) {
      const payload: Payload = {
        k: state.position,
        q: fingerprint(query),
        e: nowMs + timeoutSeconds * 1000,
        t: state.total,
      };
      const data = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${data}.${sign(data)}`;
    },
    decode(cursor, query, nowMs) {
      const [data, signature, extra] = cursor.split('.');
      if (!data || !signature || extra !== undefined) {
        return fail(invalidCursor(`'${cursor.slice(0, 40)}' is not a cursor this server issued`));
      }
      const expected = Buffer.from(sign(data));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        return fail(invalidCursor('the cursor was altered or issued by another server'));
      }
      let payload: Payload;
      try {
        payload = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as Payload;
      } catch {
        return fail(invalidCursor('the cursor is malformed'));
      }
      if (
        !payload ||
        typeof payload.k !== 'string' ||
        typeof payload.e !== 'number' ||
        typeof payload.t !== 'number'
      ) {
        return fail(invalidCursor('the cursor is malformed'));
      }
      if (payload.q !== fingerprint(query)) {
        return fail(
          invalidCursor('the cursor belongs to a listing with a different filter or sort order'),
        );
      }
      if (payload.e < nowMs) {
        return fail(
          expiredCursor(
            `the cursor expired; cursors are valid for ${timeoutSeconds} seconds (cursorTimeout)`,
          ),
        );
      }
      return ok({ position: payload.k, total: payload.t });
    },
  };
}
