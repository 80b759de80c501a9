/**
 * `/scim/v2`: middleware order is log → token-in-query refusal → failed-auth throttle → auth →
 * rate limit → routes. /Bulk is charged its operation count once it is parsed (bulk.ts).
 */
import { type Context, Hono } from 'hono';
import type { Directory } from '../../directory/directory.ts';
import type { CursorCodec } from '../../scim/cursor.ts';
import { notFound, ScimError, tooManyRequests } from '../../scim/errors.ts';
import type { AuthThrottle } from '../auth-throttle.ts';
import { type PublicOrigin, publicBase } from '../public-base.ts';
import { createRateLimiter } from '../rate-limit.ts';
import { sourceAddress } from '../source-address.ts';
import { hasTokenInQuery, TOKEN_IN_QUERY_DETAIL } from '../token-in-query.ts';
import { bearerAuth } from './bearer-auth.ts';
import { bulkRoutes } from './bulk.ts';
import { discoveryRoutes } from './discovery.ts';
import { isContention, renderScimError, toScimError } from './error-response.ts';
import { groupsRoutes } from './groups.ts';
import { provisioningRecorder } from './provisioning-recorder.ts';
import { rootSearchRoutes } from './root-search.ts';
import type { ScimEnv } from './scim-env.ts';
import { usersRoutes } from './users.ts';

export interface ScimRouterOptions {
  readonly directory: Directory;
  readonly cursors: CursorCodec;
  /** ROSTER_PUBLIC_URL and ROSTER_ALLOWED_HOSTS: the origin of `meta.location`. */
  readonly publicOrigin: PublicOrigin;
  readonly maxBodyBytes: number;
  readonly bulkMaxOperations: number;
  readonly bulkMaxPayloadBytes: number;
  readonly rateLimitPerSecond: number;
  /** Failed authentications per source address, shared with the admin API. */
  readonly authThrottle: AuthThrottle;
  /** Proxies whose X-Forwarded-For names the client (ROSTER_TRUSTED_PROXIES). */
  readonly trustedProxies: ReadonlySet<string>;
  readonly cursorTimeoutSeconds: number;
  /** ROSTER_SCIM_SPC_PAGINATION: RFC 9865's `pagination` in /ServiceProviderConfig. */
  readonly advertisePagination?: boolean | undefined;
  /** Logs a 5xx; the request (when known) names its id in the line. */
  readonly onInternalError: (error: unknown, c?: Context) => void;
}

const DISCOVERY = /^\/scim\/v2\/(ServiceProviderConfigs?|ResourceTypes|Schemas)(\/|$)/;
const BULK = /^\/scim\/v2\/Bulk$/;

/** Charges an account `cost` requests against its rate limit, or throws 429 with Retry-After. */
export type ChargeRequests = (accountId: string, cost: number, what: string) => void;

/** 429 for an address past its failed authentications (auth-throttle.ts). */
function throttled(wait: number) {
  return tooManyRequests(
    `too many failed authentications from this address; retry after ${wait} s with a valid token`,
    wait,
  );
}

export function scimRouter(options: ScimRouterOptions) {
  const { directory } = options;
  const scim = new Hono<ScimEnv>();
  const limiter = createRateLimiter(options.rateLimitPerSecond);
  const authenticate = bearerAuth(directory.tokens, (id) => directory.accounts.isSandbox(id));
  const { authThrottle } = options;

  /** Charges the account `cost` requests, or throws 429 with Retry-After. */
  const charge: ChargeRequests = (accountId, cost, what) => {
    const wait = limiter.take(accountId, Date.now(), cost);
    if (wait === 0) return;
    const rate = options.rateLimitPerSecond;
    let detail = `more than ${rate} requests per second for this account`;
    if (cost > 1) {
      detail = `${what} count as ${cost} requests against this account's ${rate} per second (bursts of ${rate * 2})`;
      if (cost > rate * 2) {
        detail +=
          '; a request larger than a burst runs once the account has been quiet long enough';
      }
    }
    throw tooManyRequests(`${detail}; retry after ${wait} s`, wait);
  };

  scim.use(provisioningRecorder(directory.provisioningLog));
  scim.use(async (c, next) => {
    c.set('baseUrl', `${publicBase(c, options.publicOrigin)}/scim/v2`);
    const address = sourceAddress(c, options.trustedProxies);
    c.set('sourceAddress', address);
    if (hasTokenInQuery(c.req.url)) throw new ScimError(400, 'invalidValue', TOKEN_IN_QUERY_DETAIL);
    if (DISCOVERY.test(c.req.path)) {
      // Discovery needs no token; one that is sent and valid names the account in the log.
      await authenticate(c).catch(() => c.set('authFailure', undefined));
      return next();
    }
    if (address !== undefined) {
      const wait = authThrottle.retryAfter(address, Date.now());
      if (wait > 0) throw throttled(wait);
    }
    try {
      await authenticate(c);
    } catch (error) {
      // A credential that was presented and refused is a guess; a missing one is not, nor is
      // a token that could not be checked (the database unavailable: 503).
      const refused = error instanceof ScimError && error.status === 401;
      if (refused && address !== undefined && c.req.header('authorization') !== undefined) {
        authThrottle.fail(address, Date.now());
      }
      throw error;
    }
    // /Bulk pays for its operations once it has read them (bulk.ts).
    if (!(c.req.method === 'POST' && BULK.test(c.req.path))) {
      charge(c.get('accountId') as string, 1, 'this request');
    }
    await next();
  });

  scim.route('/', discoveryRoutes(options));
  const users = usersRoutes(options);
  const groups = groupsRoutes(options);
  scim.route('/', rootSearchRoutes({ ...options, types: [users.search, groups.search] }));
  scim.route('/Users', users);
  scim.route('/Groups', groups);
  scim.route('/Bulk', bulkRoutes({ ...options, charge }));

  // Registered last, so it answers only what no route above did (and is still logged).
  scim.all('*', (c) => {
    c.set('operation', 'unknown endpoint');
    throw notFound(`no SCIM endpoint at ${c.req.method} ${c.req.path}`);
  });
  scim.onError((error, c) => {
    const scimError = toScimError(error);
    if (scimError.status >= 500 && !isContention(error)) options.onInternalError(error, c);
    return renderScimError(c, scimError);
  });
  return scim;
}
