/** `/scim/v2`: middleware order is log → auth → rate limit → routes. */
import { Hono } from 'hono';
import type { Directory } from '../../directory/directory.ts';
import type { CursorCodec } from '../../scim/cursor.ts';
import { notFound, ScimError, tooManyRequests } from '../../scim/errors.ts';
import { publicBase } from '../public-base.ts';
import { hasTokenInQuery, TOKEN_IN_QUERY_DETAIL } from '../token-in-query.ts';
import { bearerAuth } from './bearer-auth.ts';
import { bulkRoutes } from './bulk.ts';
import { discoveryRoutes } from './discovery.ts';
import { isContention, renderScimError, toScimError } from './error-response.ts';
import { groupsRoutes } from './groups.ts';
import { provisioningRecorder } from './provisioning-recorder.ts';
import { createRateLimiter } from './rate-limit.ts';
import type { ScimEnv } from './scim-env.ts';
import { usersRoutes } from './users.ts';

export interface ScimRouterOptions {
  readonly directory: Directory;
  readonly cursors: CursorCodec;
  readonly publicUrl?: string | undefined;
  readonly maxBodyBytes: number;
  readonly bulkMaxOperations: number;
  readonly bulkMaxPayloadBytes: number;
  readonly rateLimitPerSecond: number;
  readonly cursorTimeoutSeconds: number;
  readonly onInternalError: (error: unknown) => void;
}

const DISCOVERY = /^\/scim\/v2\/(ServiceProviderConfigs?|ResourceTypes|Schemas)(\/|$)/;

export function scimRouter(options: ScimRouterOptions) {
  const { directory } = options;
  const scim = new Hono<ScimEnv>();
  const limiter = createRateLimiter(options.rateLimitPerSecond);
  const authenticate = bearerAuth(directory.tokens);

  scim.use(provisioningRecorder(directory.provisioningLog));
  scim.use(async (c, next) => {
    c.set('baseUrl', `${publicBase(c.req.url, options.publicUrl)}/scim/v2`);
    if (hasTokenInQuery(c.req.url)) throw new ScimError(400, 'invalidValue', TOKEN_IN_QUERY_DETAIL);
    if (DISCOVERY.test(c.req.path)) return next();
    await authenticate(c, async () => {
      const wait = limiter.take(c.get('accountId') as string, Date.now());
      if (wait > 0) {
        throw tooManyRequests(
          `more than ${options.rateLimitPerSecond} requests per second for this account; retry after ${wait} s`,
          wait,
        );
      }
      await next();
    });
  });

  scim.route('/', discoveryRoutes(options));
  scim.route('/Users', usersRoutes(options));
  scim.route('/Groups', groupsRoutes(options));
  scim.route('/Bulk', bulkRoutes(options));

  // Registered last, so it answers only what no route above did (and is still logged).
  scim.all('*', (c) => {
    c.set('operation', 'unknown endpoint');
    throw notFound(`no SCIM endpoint at ${c.req.method} ${c.req.path}`);
  });
  scim.onError((error, c) => {
    const scimError = toScimError(error);
    if (scimError.status >= 500 && !isContention(error)) options.onInternalError(error);
    return renderScimError(c, scimError);
  });
  return scim;
}
