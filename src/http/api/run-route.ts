/** The steps every admin route goes through, in this order, and the audit record after them. */
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AdminCaller } from '../../directory/admin-keys.ts';
import type { Directory } from '../../directory/directory.ts';
import type { Account } from '../../directory/model.ts';
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
import { readJsonBody } from './read-json-body.ts';

/** Longest request body kept in the audit trail. */
const AUDIT_REQUEST_CHARS = 4096;

export interface RunDeps {
  readonly directory: Directory;
  readonly maxBodyBytes: number;
  readonly adminRateLimitPerSecond: number;
  readonly authThrottle: AuthThrottle;
  readonly trustedProxies: ReadonlySet<string>;
  readonly onInternalError: (error: unknown) => void;
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

function parseQuery(route: ApiRoute, c: Context): unknown {
  const all = c.req.queries();
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(all)) {
    if (values.length > 1) {
      throw new ApiProblem(400, 'request.invalid', `the query parameter '${name}' is repeated`, {
        errors: [{ pointer: `/${name}`, message: 'repeated' }],
      });
    }
    single[name] = values[0] ?? '';
  }
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

function parsePath(route: ApiRoute, c: Context): Record<string, string> {
  const raw = c.req.param() as Record<string, string>;
  const notFound = () =>
    new ApiProblem(404, 'resource.not_found', `nothing at ${c.req.path}: not an id Roster issued`);
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

export function routeRunner(deps: RunDeps): RouteRunner {
  const { directory, maxBodyBytes, onInternalError, adminRateLimitPerSecond } = deps;
  const keyLimiter = createRateLimiter(adminRateLimitPerSecond);
  return async (route, c) => {
    let caller: AdminCaller | undefined;
    let auditAccountId: string | null = null;
    let targetId: string | null = null;
    let rawBody: unknown;
    let response: Response;
    let problem: ApiProblem | undefined;
    try {
      if (route.access !== 'public') {
        caller = await authenticateThrottled(c, deps);
        if (caller.kind === 'account') auditAccountId = caller.accountId;
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
        if (route.access === 'operator') requireOperator(caller);
      }
      // The account first: another account's resources must look exactly like missing ones,
      // whatever else the path holds.
      let account: Account | undefined;
      const accountId = c.req.param('accountId');
      if (accountId !== undefined && caller) {
        if (!idSchema.safeParse(accountId).success) throw accountNotFound(accountId);
        account = await accessibleAccount(caller, accountId, directory.accounts);
        auditAccountId = account.id;
      }
      const params = parsePath(route, c);
      targetId = Object.values(params).at(-1) ?? null;
      const query = parseQuery(route, c);
      let body: unknown;
      if (route.body) {
        rawBody = await readJsonBody(c, maxBodyBytes);
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
        account: account as Account,
      });
      if (result.targetId !== undefined) targetId = result.targetId;
      if (result.accountId !== undefined) auditAccountId = result.accountId;
      const status = result.status ?? route.success.status;
      response =
        status === 204
          ? c.body(null, 204, result.headers)
          : c.json(result.body, status, result.headers);
    } catch (error) {
      problem = toApiProblem(error);
      if (problem.status >= 500) onInternalError(error);
      response = renderProblem(c, problem);
    }
    if (route.audit && caller) {
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
        status: response.status,
        outcome: response.status < 400 ? 'success' : 'failure',
        errorCode: problem?.code ?? null,
        request: auditedRequest(route, rawBody),
      });
    }
    return response;
  };
}
