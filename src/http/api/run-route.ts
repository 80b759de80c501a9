/** The steps every admin route goes through, in this order, and the audit record after them. */
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AdminCaller } from '../../directory/admin-keys.ts';
import type { Directory } from '../../directory/directory.ts';
import type { Account, EventActor } from '../../directory/model.ts';
import type { AuthThrottle } from '../auth-throttle.ts';
import { createRateLimiter } from '../rate-limit.ts';
import { redactSecrets } from '../scim/redact-secrets.ts';
import { sourceAddress } from '../source-address.ts';
import { unstorableText } from '../unstorable-text.ts';
import {
  accessibleAccount,
  accountNotFound,
  authenticateCaller,
  requireOperator,
} from './admin-auth.ts';
import type { ApiRoute, RouteRunner } from './api-route.ts';
import { idSchema } from './common-schemas.ts';
import { ApiProblem, type FieldProblem, renderProblem, toApiProblem } from './problem-response.ts';
import { checkBodyShape, readJsonBody } from './read-json-body.ts';

/** Longest request body kept in the audit trail. */
const AUDIT_REQUEST_CHARS = 4096;

export interface RunDeps {
  readonly directory: Directory;
  readonly maxBodyBytes: number;
  readonly adminRateLimitPerSecond: number;
  readonly authThrottle: AuthThrottle;
  readonly trustedProxies: ReadonlySet<string>;
  /** Logs a 5xx; the request (when known) names its id in the line. */
  readonly onInternalError: (error: unknown, c?: Context) => void;
}

const retryAfter = (seconds: number) => ({ headers: { 'Retry-After': String(seconds) } });

/**
 * Who the caller is, refused with 429 while its address is past its failed authentications
 * (auth-throttle.ts); a presented key that is refused counts as one more.
 */
async function authenticateThrottled(
  c: Context,
  { directory, authThrottle, trustedProxies }: RunDeps,
): Promise<AdminCaller> {
  const address = sourceAddress(c, trustedProxies);
  if (address !== undefined) {
    const wait = authThrottle.retryAfter(address, Date.now());
    if (wait > 0) {
      throw new ApiProblem(
        429,
        'auth.throttled',
        `too many failed authentications from this address; retry after ${wait} s with a valid key`,
        retryAfter(wait),
      );
    }
  }
  try {
    return await authenticateCaller(c, directory.adminKeys);
  } catch (error) {
    // A presented key that was refused, not a missing one, nor a lookup the database failed.
    const refused = error instanceof ApiProblem && error.status === 401;
    if (refused && address !== undefined && c.req.header('authorization') !== undefined) {
      authThrottle.fail(address, Date.now());
    }
    throw error;
  }
}

/** RFC 6901 JSON Pointer of a zod issue path. */
function pointer(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          pointer: pointer([...issue.path, key]),
          message: 'unknown field',
        }))
      : [{ pointer: pointer(issue.path), message: issue.message }],
  );
}

function invalid(where: 'body' | 'query', error: z.ZodError): ApiProblem {
  const errors = fieldProblems(error);
  const summary = errors.map((e) => `${e.pointer || '/'}: ${e.message}`).join('; ');
  return new ApiProblem(400, 'request.invalid', `the request ${where} is invalid: ${summary}`, {
    errors,
  });
}

/** Each query parameter once: a repeated one is refused rather than one of its values picked. */
function singleQuery(c: Context): Record<string, string> {
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1) {
      throw new ApiProblem(400, 'request.invalid', `the query parameter '${name}' is repeated`, {
        errors: [{ pointer: `/${name}`, message: 'repeated' }],
      });
    }
    single[name] = values[0] ?? '';
  }
  return single;
}

function parseQuery(route: ApiRoute, single: Readonly<Record<string, string>>): unknown {
  if (!route.query) {
    const names = Object.keys(single);
    if (names.length === 0) return {};
    throw new ApiProblem(
      400,
      'request.invalid',
      `this endpoint takes no query parameters (got ${names.join(', ')})`,
      { errors: names.map((name) => ({ pointer: `/${name}`, message: 'unknown parameter' })) },
    );
  }
  for (const [name, value] of Object.entries(single)) {
    const problem = unstorableText(value);
    if (problem) {
      throw new ApiProblem(400, 'request.invalid', `${problem} are not allowed in '${name}'`, {
        errors: [{ pointer: `/${name}`, message: `${problem} are not allowed` }],
      });
    }
  }
  const parsed = route.query.safeParse(single);
  if (!parsed.success) throw invalid('query', parsed.error);
  return parsed.data;
}

function parsePath(
  route: ApiRoute,
  raw: Readonly<Record<string, string>>,
  where: string,
): Record<string, string> {
  const notFound = () =>
    new ApiProblem(404, 'resource.not_found', `nothing at ${where}: not an id Roster issued`);
  // No id or name Roster issued holds such text, so nothing can be at that path.
  if (Object.values(raw).some((value) => unstorableText(value) !== undefined)) throw notFound();
  if (!route.params) return raw;
  const parsed = route.params.safeParse(raw);
  if (!parsed.success) throw notFound();
  return parsed.data as Record<string, string>;
}

/** What the trail keeps of a request body: per the route's choice, redacted and bounded. */
function auditedRequest(route: ApiRoute, body: unknown): string | null {
  if (body === undefined || route.audit?.request !== 'redacted') return null;
  const text = JSON.stringify(redactSecrets(body));
  return text.length > AUDIT_REQUEST_CHARS ? `${text.slice(0, AUDIT_REQUEST_CHARS)}…` : text;
}

/** What a route is given once its caller is known; read only as far as the route gets. */
export interface RouteInputs {
  /** Path parameters by name, `accountId` among them for account routes. */
  readonly params: Readonly<Record<string, string>>;
  /** Each query parameter's one value. */
  readonly query: () => Readonly<Record<string, string>>;
  /** The body as received, before its schema (routes that take one). */
  readonly body: () => Promise<unknown>;
}

/** How a route ended: its answer, or the problem to render on the caller's surface. */
export type RouteOutcome =
  | {
      readonly ok: true;
      readonly status: 200 | 201 | 204;
      readonly body: unknown;
      readonly headers: Readonly<Record<string, string>> | undefined;
    }
  | { readonly ok: false; readonly problem: ApiProblem };

/**
 * Access → account → path → query → body → handler, then the audit record. Both surfaces run
 * routes through this: HTTP with the caller its key authenticates (`routeRunner`), the console
 * with the caller its session stands for (`routeCaller`), so neither has rules of its own.
 */
/** The author of the events a route's changes emit (directory/events.ts). */
function eventActor(caller: AdminCaller | undefined, surface: 'api' | 'console'): EventActor {
  if (surface === 'console') {
    return { kind: 'console', keyId: caller?.kind === 'account' ? caller.keyId : null };
  }
  if (caller?.kind === 'account') return { kind: 'admin_key', keyId: caller.keyId };
  return caller?.kind === 'operator' ? { kind: 'operator' } : { kind: 'system' };
}

async function perform(
  deps: RunDeps,
  route: ApiRoute,
  c: Context,
  identify: () => Promise<AdminCaller | undefined>,
  inputs: RouteInputs,
  surface: 'api' | 'console',
): Promise<RouteOutcome> {
  const { directory, onInternalError } = deps;
  let caller: AdminCaller | undefined;
  let auditAccountId: string | null = null;
  let targetId: string | null = null;
  let rawBody: unknown;
  let outcome: RouteOutcome;
  try {
    caller = await identify();
    if (caller?.kind === 'account') auditAccountId = caller.accountId;
    if (caller && route.access === 'operator') requireOperator(caller);
    // The account first: another account's resources must look exactly like missing ones,
    // whatever else the path holds.
    let account: Account | undefined;
    const accountId = inputs.params.accountId;
    if (accountId !== undefined && caller) {
      if (!idSchema.safeParse(accountId).success) throw accountNotFound(accountId);
      account = await accessibleAccount(caller, accountId, directory.accounts);
      auditAccountId = account.id;
    }
    const params = parsePath(route, inputs.params, c.req.path);
    targetId = Object.values(params).at(-1) ?? null;
    const query = parseQuery(route, inputs.query());
    let body: unknown;
    if (route.body) {
      rawBody = await inputs.body();
      const parsed = route.body.safeParse(rawBody);
      if (!parsed.success) throw invalid('body', parsed.error);
      body = parsed.data;
    }
    const result = await route.handler({
      c,
      params,
      query,
      body,
      caller: caller ?? { kind: 'anonymous' },
      actor: eventActor(caller, surface),
      account: account as Account,
    });
    if (result.targetId !== undefined) targetId = result.targetId;
    if (result.accountId !== undefined) auditAccountId = result.accountId;
    const status = result.status ?? route.success.status;
    outcome = {
      ok: true,
      status,
      body: status === 204 ? undefined : result.body,
      headers: result.headers,
    };
  } catch (error) {
    const problem = toApiProblem(error);
    if (problem.status >= 500) onInternalError(error, c);
    outcome = { ok: false, problem };
  }
  if (route.audit && caller) {
    const status = outcome.ok ? outcome.status : outcome.problem.status;
    // Recorded before answering: an acknowledged change is always in the trail.
    await directory.audit.record({
      accountId: auditAccountId,
      actor:
        caller.kind === 'operator'
          ? { kind: 'operator' }
          : { kind: 'admin-key', keyId: caller.keyId, prefix: caller.prefix },
      action: route.audit.action,
      targetType: route.audit.targetType,
      targetId,
      status,
      outcome: status < 400 ? 'success' : 'failure',
      errorCode: outcome.ok ? null : outcome.problem.code,
      request: auditedRequest(route, rawBody),
    });
  }
  return outcome;
}

export function routeRunner(deps: RunDeps): RouteRunner {
  const { maxBodyBytes, adminRateLimitPerSecond } = deps;
  const keyLimiter = createRateLimiter(adminRateLimitPerSecond);
  const identify = async (route: ApiRoute, c: Context): Promise<AdminCaller | undefined> => {
    if (route.access === 'public') return undefined;
    const caller = await authenticateThrottled(c, deps);
    const key = caller.kind === 'operator' ? 'operator' : caller.keyId;
    const wait = keyLimiter.take(key, Date.now());
    if (wait > 0) {
      throw new ApiProblem(
        429,
        'request.rate_limited',
        `more than ${adminRateLimitPerSecond} requests per second with this key; retry after ${wait} s`,
        retryAfter(wait),
      );
    }
    return caller;
  };
  return async (route, c) => {
    const outcome = await perform(
      deps,
      route,
      c,
      () => identify(route, c),
      {
        params: c.req.param() as Record<string, string>,
        query: () => singleQuery(c),
        body: () => readJsonBody(c, maxBodyBytes),
      },
      'api',
    );
    if (!outcome.ok) return renderProblem(c, outcome.problem);
    return outcome.status === 204
      ? c.body(null, 204, outcome.headers)
      : c.json(outcome.body, outcome.status, outcome.headers);
  };
}

/** What another surface gives to run a route in process for a caller it has authenticated. */
export interface RouteCall {
  readonly caller: AdminCaller;
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** Checked like a JSON body (depth, storable text), then by the route's schema. */
  readonly body?: unknown;
}

export type RouteCaller = (route: ApiRoute, c: Context, call: RouteCall) => Promise<RouteOutcome>;

/**
 * Runs admin API routes in process for a caller already authenticated (the console's session):
 * the same access rules, schemas, handlers and audit trail as over HTTP.
 */
export function routeCaller(deps: RunDeps): RouteCaller {
  return (route, c, call) =>
    perform(
      deps,
      route,
      c,
      async () => call.caller,
      {
        params: call.params ?? {},
        query: () =>
          Object.fromEntries(
            Object.entries(call.query ?? {}).filter(
              (entry): entry is [string, string] => entry[1] !== undefined,
            ),
          ),
        body: async () => {
          checkBodyShape(call.body);
          return call.body;
        },
      },
      'console',
    );
}
