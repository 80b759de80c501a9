/**
 * The HTTP application: SCIM at /scim/v2, the admin API at /api/v1, health probes, Prometheus
 * metrics at /metrics (metrics.ts), and the web console at `/` (console/console-router.tsx).
 * Every request gets an id (request-id.ts).
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Directory } from '../directory/directory.ts';
import { createCursorCodec } from '../scim/cursor.ts';
import { apiRouter, apiRoutes } from './api/router.ts';
import { routeCaller } from './api/run-route.ts';
import { createAuthThrottle } from './auth-throttle.ts';
import { consoleRouter } from './console/console-router.tsx';
import { createMetrics, type Metrics } from './metrics.ts';
import { metricsRoute } from './metrics-route.ts';
import { requestIds, requestLogger } from './request-id.ts';
import { scimRouter } from './scim/router.ts';
import { registerWebhookMetrics } from './webhook-metrics.ts';

/**
 * Routes on a normalised path: `//Users` and `/Users/` reach `/Users` (IdPs build URLs by
 * concatenating a base that may end in a slash).
 */
function normalisedPath(request: Request): string {
  const url = request.url;
  const start = url.indexOf('/', url.indexOf('://') + 3);
  const queryAt = url.indexOf('?', start);
  let path = start < 0 ? '/' : url.slice(start, queryAt < 0 ? undefined : queryAt);
  if (path.includes('//')) path = path.replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

/** The two API surfaces: every answer there may carry a token, a key or a user's data. */
const API_SURFACE = /^\/(scim\/v2|api\/v1)(\/|$)/;

/**
 * Headers on every response, errors and 404s included. `nosniff` (Fetch §X-Content-Type-Options)
 * keeps browsers from reading a JSON body as HTML; `no-store` (RFC 9111 §5.2.2.5) keeps shared
 * and browser caches from keeping tokens issued by install and rotate, new admin keys, and user
 * records. ETags still work: a client revalidates with If-None-Match (RFC 9110 §13.1.2).
 */
const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('X-Content-Type-Options', 'nosniff');
  if (API_SURFACE.test(c.req.path)) c.res.headers.set('Cache-Control', 'no-store');
};

export interface AppOptions {
  readonly directory: Directory;
  readonly config: Config;
  readonly logger: Logger;
  /** Signs cursors; must be shared by every instance behind one load balancer. */
  readonly cursorSecret: string;
  /**
   * The registry `GET /metrics` exposes, for modules that add their own metrics (metrics.ts);
   * by default a new one, without process metrics.
   */
  readonly metrics?: Metrics | undefined;
}

export function createApp(options: AppOptions) {
  const { directory, config, logger, cursorSecret } = options;
  const metrics =
    options.metrics ??
    createMetrics({ provisioningLogBacklog: () => directory.provisioningLog.backlog() });
  registerWebhookMetrics(metrics, directory);
  const app = new Hono({ getPath: normalisedPath });
  const cursors = createCursorCodec(cursorSecret, config.cursorTimeoutSeconds);
  // One count of failed authentications per address, across SCIM and the admin API.
  const authThrottle = createAuthThrottle({
    limit: config.authFailureLimit,
    windowSeconds: config.authFailureWindowSeconds,
  });
  const trustedProxies = new Set(config.trustedProxies);
  const publicOrigin = { publicUrl: config.publicUrl, allowedHosts: new Set(config.allowedHosts) };

  // The id first, so every answer below carries it; then the metrics, which time the rest.
  app.use(requestIds(logger));
  app.use(metrics.middleware);
  app.use(securityHeaders);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await directory.store.ping();
      return c.json({ status: 'ready' });
    } catch (error) {
      requestLogger(logger, c).warn({ err: error }, 'readiness check failed');
      return c.json({ status: 'unavailable', reason: 'database unreachable' }, 503);
    }
  });

  app.get(
    '/metrics',
    metricsRoute({
      metrics,
      adminKeys: directory.adminKeys,
      metricsToken: config.metricsToken,
      authThrottle,
      trustedProxies,
    }),
  );

  app.route(
    '/scim/v2',
    scimRouter({
      directory,
      cursors,
      publicOrigin,
      maxBodyBytes: config.maxBodyBytes,
      bulkMaxOperations: config.bulkMaxOperations,
      bulkMaxPayloadBytes: config.bulkMaxPayloadBytes,
      rateLimitPerSecond: config.rateLimitPerSecond,
      authThrottle,
      trustedProxies,
      cursorTimeoutSeconds: config.cursorTimeoutSeconds,
      advertisePagination: config.scimSpcPagination,
      onInternalError: (error, c) =>
        requestLogger(logger, c).error({ err: error }, 'unhandled error in SCIM request'),
    }),
  );

  app.route(
    '/api/v1',
    apiRouter({
      directory,
      cursors,
      maxBodyBytes: config.maxBodyBytes,
      publicOrigin,
      adminRateLimitPerSecond: config.adminRateLimitPerSecond,
      permissionCatalog: config.permissions,
      authThrottle,
      trustedProxies,
      onInternalError: (error, c) =>
        requestLogger(logger, c).error({ err: error }, 'unhandled error in admin request'),
    }),
  );

  // The console runs the admin API's own route declarations, as the signed-in admin.
  const onConsoleError = (error: unknown, c?: Context) =>
    requestLogger(logger, c).error({ err: error }, 'unhandled error in console request');
  const webConsole = consoleRouter(app, {
    directory,
    routes: apiRoutes(directory, cursors, publicOrigin),
    callRoute: routeCaller({
      directory,
      maxBodyBytes: config.maxBodyBytes,
      adminRateLimitPerSecond: config.adminRateLimitPerSecond,
      authThrottle,
      trustedProxies,
      onInternalError: onConsoleError,
    }),
    publicOrigin,
    trustedProxies,
    authThrottle,
    maxBodyBytes: config.maxBodyBytes,
    domainRecheckSeconds: config.domainRecheckSeconds,
    onInternalError: onConsoleError,
  });

  // Browsers get a page; API clients and the API surfaces keep the JSON answer.
  app.notFound((c) =>
    !API_SURFACE.test(c.req.path) && (c.req.header('accept') ?? '').includes('text/html')
      ? webConsole.notFound(c)
      : c.json({ error: 'not_found', detail: `nothing at ${c.req.path}` }, 404),
  );
  app.onError((error, c) => {
    requestLogger(logger, c).error({ err: error }, 'unhandled error');
    return c.json({ error: 'internal', detail: 'internal error' }, 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
