/**
 * What every console handler is given: the open session (its caller), the CSRF token of the
 * session, the account shown, and the submitted form; and how pages reach the admin API's
 * operations (`ConsoleApi`): in process, as the signed-in caller, through the same route
 * declarations, schemas, handlers and audit trail as `/api/v1` (run-route.ts `routeCaller`).
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import type { OpenSession } from '../../directory/console-sessions.ts';
import type { accountSchema } from '../api/accounts.ts';
import type { ApiRoute } from '../api/api-route.ts';
import { ApiProblem } from '../api/problem-response.ts';
import type { RouteCaller, RouteOutcome } from '../api/run-route.ts';
import type { PublicOrigin } from '../public-base.ts';
import { BodyReadError, readBoundedBytes } from '../read-bounded-body.ts';
import type { StaticAssets } from './static-assets.ts';

export type AccountView = z.infer<typeof accountSchema>;

export interface ConsoleVars {
  open: OpenSession;
  sessionId: string;
  csrf: string;
  /** The account shown: an account key's own, or the one the operator chose. */
  account: AccountView | undefined;
  /** A POST's fields, read once (the CSRF check needs them before the handler). */
  form: FormData;
}

export type ConsoleEnv = { Variables: ConsoleVars };
export type ConsoleContext = Context<ConsoleEnv>;

/** An admin API problem a page cannot go on from: rendered as an error page (console-router). */
export class ConsoleProblem extends Error {
  override readonly name = 'ConsoleProblem';
  constructor(readonly problem: ApiProblem) {
    super(problem.detail);
  }
}

export interface OperationInput {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

export interface ConsoleApi {
  /**
   * Runs the admin API operation `operationId` as the session's caller; account routes act on
   * the account shown unless `params.accountId` says otherwise.
   */
  run(c: ConsoleContext, operationId: string, input?: OperationInput): Promise<RouteOutcome>;
  /** `run`, for operations a page cannot do without: a problem becomes the error page. */
  get<T>(c: ConsoleContext, operationId: string, input?: OperationInput): Promise<T>;
}

export function consoleApi(routes: readonly ApiRoute[], call: RouteCaller): ConsoleApi {
  const byId = new Map(routes.map((route) => [route.operationId, route]));
  const run: ConsoleApi['run'] = (c, operationId, input = {}) => {
    const route = byId.get(operationId);
    if (!route) throw new Error(`no admin API operation '${operationId}'`);
    const accountId = c.get('account')?.id;
    const params =
      route.path.includes('{accountId}') && accountId !== undefined
        ? { accountId, ...input.params }
        : { ...input.params };
    return call(route, c, {
      caller: c.get('open').caller,
      params,
      ...(input.query ? { query: input.query } : {}),
      ...(input.body !== undefined ? { body: input.body } : {}),
    });
  };
  return {
    run,
    async get<T>(c: ConsoleContext, operationId: string, input?: OperationInput): Promise<T> {
      const outcome = await run(c, operationId, input);
      if (!outcome.ok) throw new ConsoleProblem(outcome.problem);
      return outcome.body as T;
    },
  };
}

/** The console's wiring, given to every page module. */
export interface ConsoleDeps {
  readonly api: ConsoleApi;
  readonly assets: StaticAssets;
  /** Where tenant URLs point (public-base.ts), as the admin API hands them out. */
  readonly publicOrigin: PublicOrigin;
  /** How often the server re-checks pending domains (ROSTER_DOMAIN_RECHECK_SECONDS); 0: never. */
  readonly domainRecheckSeconds: number;
}

/** A path parameter of the route (console routes name every parameter they read). */
export const param = (c: Context, name: string): string => c.req.param(name) ?? '';

/** Whether the request came from htmx (a fragment is wanted, not a page). */
export const fromHtmx = (c: Context) => c.req.header('hx-request') === 'true';

/**
 * A form post's fields, bounded like an API body. URL-encoded forms and multipart ones (the
 * project upload's files) both arrive here.
 */
export async function readForm(c: Context, maxBytes: number): Promise<FormData> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    return new FormData();
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBoundedBytes(c.req.raw, maxBytes, c.env);
  } catch (error) {
    if (!(error instanceof BodyReadError)) throw error;
    throw new ConsoleProblem(
      error.reason === 'too-large'
        ? new ApiProblem(413, 'request.too_large', `the form is larger than ${maxBytes} bytes`)
        : new ApiProblem(400, 'request.aborted', 'the form did not arrive whole; send it again'),
    );
  }
  try {
    return await new Response(bytes, { headers: { 'content-type': type } }).formData();
  } catch {
    throw new ConsoleProblem(
      new ApiProblem(400, 'request.malformed', 'the form could not be read; send it again'),
    );
  }
}

/** A text field of the form: trimmed, undefined when absent or blank. */
export function field(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
