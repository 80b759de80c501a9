/**
 * Request ids: every request (SCIM, admin API, console, health, metrics) gets one, returned in
 * the `X-Request-Id` response header of every answer, errors and 404s included; log lines
 * about the request carry it as `requestId`, and the provisioning log stores it with the event.
 * A proxy's or client's own id is kept when it is a sane token, so one id follows a request
 * from the IdP or load balancer through Roster; anything else is replaced, never echoed.
 */
import { getRandomValues } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import './request-context.ts';

/**
 * Ids taken from a request: 1 to 64 of letters, digits and `-._~:+/=@` (UUIDs, ULIDs, base64,
 * W3C trace ids, AWS and Heroku request ids all fit). Nothing that could split a log line,
 * forge a header or carry markup.
 */
const SANE_ID = /^[A-Za-z0-9._~:+/=@-]{1,64}$/;

export function isSaneRequestId(value: string): boolean {
  return SANE_ID.test(value);
}

/** Crockford's base32, lower case: no i, l, o, u, so ids read back unambiguously. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let offset = POOL_SIZE;
let lastMs = -1;
let lastTime = '';

/**
 * A new id of 20 characters: the millisecond time in 10 (so ids sort by when requests arrived)
 * and 50 random bits in 10 (so ids of one millisecond, on every instance, do not collide).
 * Entropy is drawn in blocks, as `directory/ids.ts` does: a call per id costs more than the id.
 */
export function newRequestId(now: number = Date.now()): string {
  if (offset + 10 > pool.length) {
    pool = getRandomValues(new Uint8Array(POOL_SIZE));
    offset = 0;
  }
  // Requests of one millisecond share the time part: it is written once.
  if (now !== lastMs) {
    lastMs = now;
    lastTime = '';
    let ms = now;
    for (let i = 0; i < 10; i++) {
      lastTime = ALPHABET[ms % 32] + lastTime;
      ms = Math.floor(ms / 32);
    }
  }
  const time = lastTime;
  let random = '';
  for (let i = 0; i < 10; i++) random += ALPHABET[(pool[offset++] as number) & 31];
  return time + random;
}

/**
 * Gives the request its id and sets `X-Request-Id` on whatever answer it gets. Registered first,
 * so error handlers, 404s and the other middleware all see the id. At `debug` level each request
 * also logs one line (method, path without its query, status, duration): the query may hold
 * filter values with personal data.
 */
export function requestIds(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming !== undefined && SANE_ID.test(incoming) ? incoming : newRequestId();
    c.set('requestId', id);
    const started = logger.isLevelEnabled('debug') ? performance.now() : undefined;
    await next();
    c.res.headers.set('X-Request-Id', id);
    if (started !== undefined) {
      requestLogger(logger, c).debug(
        {
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        },
        'request',
      );
    }
  };
}

/**
 * The logger for lines about this request: carries its `requestId`. Made when something is
 * logged, not per request: most requests log nothing.
 */
export function requestLogger(logger: Logger, c: Context | undefined): Logger {
  const requestId = c?.get('requestId');
  return requestId === undefined ? logger : logger.child({ requestId });
}
