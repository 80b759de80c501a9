/**
 * `/api/v1`: the admin REST API. Each noun contributes its route declarations; every route runs
 * through `run-route.ts` (auth → access → validation → handler → audit) and is described in the
 * OpenAPI document served at `/api/v1/openapi.json`.
 */
import { type Context, Hono } from 'hono';
import type { Directory } from '../../directory/directory.ts';
import type { CursorCodec } from '../../scim/cursor.ts';
import type { AuthThrottle } from '../auth-throttle.ts';
import type { PublicOrigin } from '../public-base.ts';
import { hasTokenInQuery, TOKEN_IN_QUERY_DETAIL } from '../token-in-query.ts';
import { accountRoutes } from './accounts.ts';
import { adminKeyRoutes } from './admin-keys.ts';
import { type ApiRoute, defineRoute, mountRoutes } from './api-route.ts';
import { auditRoutes } from './audit.ts';
import { deprovisionBrakeRoutes } from './deprovision-brake.ts';
import { domainRoutes } from './domains.ts';
import { eventRoutes } from './events.ts';
import { groupMappingRoutes } from './group-mappings.ts';
import { groupRoutes } from './groups.ts';
import { openApiDocument } from './openapi.ts';
import { permissionSetRoutes } from './permission-sets.ts';
import { ApiProblem, renderProblem, toApiProblem } from './problem-response.ts';
import { provisioningLogRoutes } from './provisioning-log.ts';
import { routeRunner } from './run-route.ts';
import { scimAppRoutes } from './scim-apps.ts';
import { scimPreviewRoutes } from './scim-preview.ts';
import { seatPoolRoutes } from './seat-pools.ts';
import { teamRoutes } from './teams.ts';
import { userRoutes } from './users.ts';
import { webhookRoutes } from './webhooks.ts';

export interface ApiRouterOptions {
  readonly directory: Directory;
  /** Signs list cursors, as for SCIM. */
  readonly cursors: CursorCodec;
  readonly maxBodyBytes: number;
  /** ROSTER_PUBLIC_URL and ROSTER_ALLOWED_HOSTS: the base of the tenant URLs handed out. */
  readonly publicOrigin: PublicOrigin;
  /** Requests per second per admin key (burst twice this), then 429. */
  readonly adminRateLimitPerSecond: number;
  /** Failed authentications per source address, shared with SCIM. */
  readonly authThrottle: AuthThrottle;
  /** Proxies whose X-Forwarded-For names the client (ROSTER_TRUSTED_PROXIES). */
  readonly trustedProxies: ReadonlySet<string>;
  /** Logs a 5xx; the request (when known) names its id in the line. */
  readonly onInternalError: (error: unknown, c?: Context) => void;
  /** ROSTER_PERMISSIONS: the permissions permission sets may name (empty: any). */
  readonly permissionCatalog?: readonly string[] | undefined;
}

/** Every route of the admin API. */
export function apiRoutes(
  directory: Directory,
  cursors: CursorCodec,
  publicOrigin: PublicOrigin = { allowedHosts: new Set() },
  permissionCatalog: readonly string[] = [],
): ApiRoute[] {
  const routes: ApiRoute[] = [
    ...accountRoutes(directory),
    ...adminKeyRoutes(directory),
    ...userRoutes(directory, cursors),
    ...permissionSetRoutes(directory, permissionCatalog),
    ...teamRoutes(directory),
    ...seatPoolRoutes(directory),
    ...domainRoutes(directory),
    ...scimAppRoutes(directory, publicOrigin),
    ...groupRoutes(directory, cursors),
    ...groupMappingRoutes(directory),
    ...scimPreviewRoutes(directory),
    ...deprovisionBrakeRoutes(directory),
    ...provisioningLogRoutes(directory),
    ...eventRoutes(directory),
    ...auditRoutes(directory),
    ...webhookRoutes(directory),
  ];
  let document: unknown;
  routes.push(
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document',
      tag: 'Meta',
      access: 'public',
      success: { status: 200, description: 'The OpenAPI document' },
      async handler() {
        document ??= openApiDocument(routes);
        return { body: document };
      },
    }),
  );
  return routes;
}

export function apiRouter(options: ApiRouterOptions) {
  const api = new Hono();
  const routes = apiRoutes(
    options.directory,
    options.cursors,
    options.publicOrigin,
    options.permissionCatalog,
  );
  api.use(async (c, next) => {
    if (!hasTokenInQuery(c.req.url)) return next();
    return renderProblem(
      c,
      new ApiProblem(400, 'request.invalid', TOKEN_IN_QUERY_DETAIL, {
        errors: [{ pointer: '/access_token', message: 'send it in the Authorization header' }],
      }),
    );
  });
  mountRoutes(api, routes, routeRunner(options));

  // Registered last: a path no route declares, or a method it does not take.
  api.all('*', (c) => {
    const known = routes.some((r) => routeMatches(r.path, c.req.path.replace(/^\/api\/v1/, '')));
    return renderProblem(
      c,
      known
        ? new ApiProblem(
            405,
            'request.method_not_allowed',
            `${c.req.method} is not allowed on ${c.req.path}`,
          )
        : new ApiProblem(404, 'route.not_found', `no admin API endpoint at ${c.req.path}`),
    );
  });
  api.onError((error, c) => {
    const problem = toApiProblem(error);
    if (problem.status >= 500) options.onInternalError(error, c);
    return renderProblem(c, problem);
  });
  return api;
}

function routeMatches(template: string, path: string): boolean {
  const pattern = template.replace(/\{\w+\}/g, '[^/]+');
  return new RegExp(`^${pattern}$`).test(path);
}
