/**
 * One declaration per route: method, path, who may call it, and the zod schemas that validate its
 * parameters, query and body. `mountRoutes` runs every route through the same steps (auth →
 * access → path → query → body → handler → audit), and `openapi.ts` describes the very same
 * declarations, so the document cannot drift from what the server accepts.
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { AdminCaller } from '../../directory/admin-keys.ts';
import type { Account, EventActor } from '../../directory/model.ts';
import '../request-context.ts';

/**
 * - public: no key (the OpenAPI document);
 * - operator: the operator key only;
 * - account: the operator key, or an admin key of the account in the path (`{accountId}`);
 * - any: any valid key, for routes about the caller itself (`/me`).
 */
export type Access = 'public' | 'operator' | 'account' | 'any';

/** Who called: a key holder, or nobody on a public route. */
export type Caller = AdminCaller | { readonly kind: 'anonymous' };

export interface RouteInput<P, Q, B> {
  readonly c: Context;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly caller: Caller;
  /** The author of the changes this request makes, for their events (run-route.ts). */
  readonly actor: EventActor;
  /** The account named by `{accountId}` once the caller's access to it is checked (account routes). */
  readonly account: Account;
}

export interface RouteResult {
  readonly status?: 200 | 201 | 204;
  readonly body?: unknown;
  /** For the audit trail: the id of what the call acted on, when the path does not name it. */
  readonly targetId?: string;
  /** For the audit trail: the account acted on, when the path does not name it (creation). */
  readonly accountId?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ApiRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form, relative to /api/v1: '/accounts/{accountId}/users/{userId}'. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly access: Access;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly success: {
    readonly status: 200 | 201 | 204;
    readonly description: string;
    readonly schema?: z.ZodType;
  };
  /** Statuses the route itself may answer besides the common ones (400, 401, 403, 404...). */
  readonly errors?: readonly number[];
  /**
   * Mutating routes: the audit action ('user.deactivate'), the kind of target, and what of the
   * request body the trail keeps: 'redacted' (the body with secret-named fields replaced, as
   * the provisioning log does) or 'omitted' (nothing: routes whose input is a secret or a
   * file, which no redaction can vouch for). Every audited route decides.
   */
  readonly audit?: {
    readonly action: string;
    readonly targetType: string;
    readonly request: 'redacted' | 'omitted';
  };
  readonly handler: (
    input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>,
  ) => Promise<RouteResult>;
}

/** Keeps the schema types for the handler, then erases them for the route table. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  route: ApiRoute<P, Q, B>,
): ApiRoute {
  return route as unknown as ApiRoute;
}

/** '/accounts/{accountId}' → '/accounts/:accountId' */
export const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

export type RouteRunner = (route: ApiRoute, c: Context) => Promise<Response>;

export function mountRoutes(app: Hono, routes: readonly ApiRoute[], run: RouteRunner): void {
  for (const route of routes) {
    app.on(route.method.toUpperCase(), honoPath(route.path), (c) => {
      // The metrics' operation label: the route, never the path with its ids.
      c.set('apiOperation', route.operationId);
      return run(route, c);
    });
  }
}

/** Response schemas with a component name, in declaration order. */
const schemaNames = new Map<z.ZodType, string>();

/** Names a response schema's component in the OpenAPI document ('Account', 'User'). */
export function named<S extends z.ZodType>(name: string, schema: S): S {
  schemaNames.set(schema, name);
  return schema;
}

export const namedSchemas = (): ReadonlyMap<z.ZodType, string> => schemaNames;
