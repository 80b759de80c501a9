/**
 * The web console, served at `/` by the same process as SCIM and the admin API. Pages are
 * rendered on the server (hono/jsx); htmx (served from this app) updates the live parts. Every
 * change a page makes runs an admin API operation in process, as the signed-in caller
 * (console-env.ts `ConsoleApi`): one set of rules and one audit trail for both surfaces.
 *
 * Each console route runs: security headers → session (sign-in otherwise) → for a POST, origin
 * and CSRF checks on the form → the page, whose failures render as pages, never as JSON or a
 * stack trace. Routes are registered one by one (no catch-all), so the console never answers
 * for `/scim/v2` or `/api/v1`.
 */
import type { Context, Handler, Hono } from 'hono';
import type { Directory } from '../../directory/directory.ts';
import type { ApiRoute } from '../api/api-route.ts';
import { ApiProblem, toApiProblem } from '../api/problem-response.ts';
import type { RouteCaller } from '../api/run-route.ts';
import type { AuthThrottle } from '../auth-throttle.ts';
import type { PublicOrigin } from '../public-base.ts';
import { sourceAddress } from '../source-address.ts';
import { auditTrailPages } from './audit-trail.tsx';
import { Notice } from './components/notice.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import { connectionStatusPages } from './connection-status.tsx';
import {
  type ConsoleContext,
  type ConsoleDeps,
  type ConsoleEnv,
  ConsoleProblem,
  consoleApi,
  field,
  readForm,
} from './console-env.ts';
import {
  type CookiePolicy,
  clearSessionCookie,
  consoleHeaders,
  csrfToken,
  fromThisOrigin,
  issueSignInToken,
  sameToken,
  sessionCookie,
  setConsoleHeaders,
  setSessionCookie,
  signInToken,
} from './console-security.ts';
import { deprovisionBrakePages } from './deprovision-brake.tsx';
import { groupPages } from './groups.tsx';
import { guidePages } from './guides.tsx';
import { Document, renderPage } from './layout.tsx';
import { operatorPages } from './operator.tsx';
import { permissionSetPages } from './permission-sets.tsx';
import { provisioningLogPages } from './provisioning-log.tsx';
import { seatPoolPages } from './seat-pools.tsx';
import { setupPages } from './setup.tsx';
import { SignInPage } from './sign-in.tsx';
import { loadStaticAssets } from './static-assets.ts';
import { teamPages } from './teams.tsx';
import { tokenPages } from './tokens.tsx';
import { userPages } from './users.tsx';
import { webhookPages } from './webhooks.tsx';

export interface ConsoleOptions {
  readonly directory: Directory;
  /** The admin API's route declarations: what the console runs. */
  readonly routes: readonly ApiRoute[];
  readonly callRoute: RouteCaller;
  readonly publicOrigin: PublicOrigin;
  readonly trustedProxies: ReadonlySet<string>;
  /** Failed sign-ins count against the address like refused keys on the admin API. */
  readonly authThrottle: AuthThrottle;
  readonly maxBodyBytes: number;
  readonly domainRecheckSeconds: number;
  /** Logs a 5xx; the request (when known) names its id in the line. */
  readonly onInternalError: (error: unknown, c?: Context) => void;
}

/** What a page requires of the session, besides being signed in. */
export type Requirement = 'account' | 'operator' | 'signed-in';

type PageHandler = (c: ConsoleContext) => Response | Promise<Response>;

/** How page modules declare their routes: each gets the console's checks in front of it. */
export interface ConsoleRoutes {
  get(path: string, handler: PageHandler, requires?: Requirement): void;
  post(path: string, handler: PageHandler, requires?: Requirement): void;
}

/** A local path to go back to after signing in; anything else goes home. */
function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])/.test(next) ? next : '/';
}

export function consoleRouter(app: Hono, options: ConsoleOptions) {
  const { directory, publicOrigin, trustedProxies, authThrottle, maxBodyBytes } = options;
  const sessions = directory.consoleSessions;
  const assets = loadStaticAssets();
  const deps: ConsoleDeps = {
    api: consoleApi(options.routes, options.callRoute),
    assets,
    publicOrigin,
    domainRecheckSeconds: options.domainRecheckSeconds,
  };
  const cookies: CookiePolicy = {
    publicOrigin,
    trustedProxies,
    maxAgeSeconds: sessions.policy.maxHours * 3600,
  };

  const errorPage = (c: Context, problem: ApiProblem, title: string) => {
    const signedIn = (c as ConsoleContext).get('open') !== undefined;
    const body = (
      <>
        <h1>{title}</h1>
        <ProblemNotice problem={problem} title="Roster could not do this." />
        <p>
          <a href="/">Back to the console</a>
        </p>
      </>
    );
    const status = (problem.status >= 400 && problem.status < 600 ? problem.status : 500) as 400;
    return signedIn
      ? renderPage(c as ConsoleContext, deps, { title, children: body }, status)
      : c.html(
          <Document deps={deps} title={title}>
            {<main class="container">{body}</main>}
          </Document>,
          status,
        );
  };

  /** Page failures as pages: a problem with its words, anything else without details. */
  const guarded =
    (handler: PageHandler): Handler<ConsoleEnv> =>
    async (c) => {
      try {
        return await handler(c);
      } catch (error) {
        // Directory errors keep their words and status, as on the admin API; anything else
        // is a 500 without details (the server log has them).
        const problem = error instanceof ConsoleProblem ? error.problem : toApiProblem(error);
        if (problem.status >= 500) options.onInternalError(error, c);
        return errorPage(c, problem, 'Something went wrong');
      }
    };

  /** Signed in, or sent to sign in (htmx follows HX-Redirect for its fragment requests). */
  const session =
    (requires: Requirement): Handler<ConsoleEnv> =>
    async (c, next) => {
      const sessionId = sessionCookie(c, cookies);
      const open = sessionId === undefined ? undefined : await sessions.resume(sessionId);
      if (!open || sessionId === undefined) {
        if (sessionId !== undefined) clearSessionCookie(c, cookies);
        const target = `/sign-in?next=${encodeURIComponent(c.req.method === 'GET' ? c.req.path : '/')}`;
        if (c.req.header('hx-request') === 'true') {
          return c.body(null, 401, { 'HX-Redirect': target });
        }
        return c.redirect(target, 303);
      }
      c.set('open', open);
      c.set('sessionId', sessionId);
      c.set('csrf', csrfToken(sessionId));
      if (open.session.accountId !== null) {
        const outcome = await deps.api.run(c, 'getAccount', {
          params: { accountId: open.session.accountId },
        });
        if (outcome.ok) c.set('account', outcome.body as ConsoleEnv['Variables']['account']);
      }
      if (requires === 'operator' && open.caller.kind !== 'operator') {
        return errorPage(
          c,
          new ApiProblem(403, 'auth.operator_only', 'this page is for the operator of this Roster'),
          'Not available',
        );
      }
      if (requires === 'account' && c.get('account') === undefined) {
        return c.redirect('/operator?choose=1', 303);
      }
      return next();
    };

  /** A form that changes something: from this origin, with this session's CSRF token. */
  const csrf: Handler<ConsoleEnv> = async (c, next) => {
    const form = await readForm(c, maxBodyBytes).catch((error: unknown) => {
      if (error instanceof ConsoleProblem) return error;
      throw error;
    });
    if (form instanceof ConsoleProblem) return errorPage(c, form.problem, 'The form was refused');
    c.set('form', form);
    const token = field(form, '_csrf') ?? c.req.header('x-csrf-token');
    if (!fromThisOrigin(c, publicOrigin) || !sameToken(c.get('csrf'), token)) {
      return errorPage(
        c,
        new ApiProblem(
          403,
          'console.form_refused',
          'this form did not come from this page of the console, or it has expired',
        ),
        'The form was refused',
      );
    }
    return next();
  };

  const routes: ConsoleRoutes = {
    get(path, handler, requires = 'account') {
      app.get(path, consoleHeaders, session(requires), guarded(handler));
    },
    post(path, handler, requires = 'account') {
      app.post(path, consoleHeaders, session(requires), csrf, guarded(handler));
    },
  };

  assets.mount(app);

  // Sign in and out: the only console routes without a session.
  const signInForm = (c: Context, status: 200 | 401 | 403 | 429, problem?: ApiProblem) => {
    const token = issueSignInToken(c, cookies);
    const next = safeNext(c.req.query('next'));
    return c.html(
      <SignInPage
        deps={deps}
        token={token}
        next={next}
        problem={problem}
        signedOut={c.req.query('done') === 'signed-out'}
      />,
      status,
    );
  };

  app.get('/sign-in', consoleHeaders, async (c) => {
    const sessionId = sessionCookie(c, cookies);
    if (sessionId !== undefined && (await sessions.resume(sessionId))) return c.redirect('/', 303);
    return signInForm(c, 200);
  });

  app.post('/sign-in', consoleHeaders, async (c) => {
    let form: FormData;
    try {
      form = await readForm(c, maxBodyBytes);
    } catch (error) {
      if (error instanceof ConsoleProblem) return signInForm(c, 403, error.problem);
      throw error;
    }
    const cookieToken = signInToken(c, cookies);
    if (
      !fromThisOrigin(c, publicOrigin) ||
      cookieToken === undefined ||
      !sameToken(cookieToken, field(form, '_signin'))
    ) {
      return signInForm(
        c,
        403,
        new ApiProblem(403, 'console.form_refused', 'the sign-in form expired; sign in again'),
      );
    }
    const address = sourceAddress(c, trustedProxies);
    const wait = address === undefined ? 0 : authThrottle.retryAfter(address, Date.now());
    if (wait > 0) {
      return signInForm(
        c,
        429,
        new ApiProblem(
          429,
          'auth.throttled',
          `too many failed sign-ins or refused keys from this address; wait ${wait} s`,
          { headers: { 'Retry-After': String(wait) } },
        ),
      );
    }
    const key = field(form, 'key');
    const opened = key === undefined ? undefined : await sessions.open(key);
    if (!opened) {
      if (address !== undefined && key !== undefined) authThrottle.fail(address, Date.now());
      c.set('failedAuthReason', key === undefined ? 'missing' : 'unknown');
      return signInForm(
        c,
        401,
        new ApiProblem(
          401,
          'auth.invalid_key',
          key === undefined
            ? 'enter an admin key'
            : 'that key is not valid: it is unknown, revoked, or not an admin key (a SCIM access token cannot sign in)',
        ),
      );
    }
    setSessionCookie(c, cookies, opened.sessionId);
    await directory.audit.record({
      accountId: opened.caller.kind === 'account' ? opened.caller.accountId : null,
      actor:
        opened.caller.kind === 'operator'
          ? { kind: 'operator' }
          : { kind: 'admin-key', keyId: opened.caller.keyId, prefix: opened.caller.prefix },
      action: 'console.sign_in',
      targetType: 'console_session',
      targetId: null,
      status: 303,
      outcome: 'success',
      errorCode: null,
      request: null,
    });
    return c.redirect(safeNext(field(form, 'next')), 303);
  });

  routes.post(
    '/sign-out',
    async (c) => {
      await sessions.close(c.get('sessionId'));
      clearSessionCookie(c, cookies);
      const caller = c.get('open').caller;
      await directory.audit.record({
        accountId: caller.kind === 'account' ? caller.accountId : null,
        actor:
          caller.kind === 'operator'
            ? { kind: 'operator' }
            : { kind: 'admin-key', keyId: caller.keyId, prefix: caller.prefix },
        action: 'console.sign_out',
        targetType: 'console_session',
        targetId: null,
        status: 303,
        outcome: 'success',
        errorCode: null,
        request: null,
      });
      return c.redirect('/sign-in?done=signed-out', 303);
    },
    'signed-in',
  );

  routes.get('/', (c) => c.redirect(c.get('account') ? '/setup' : '/operator', 303), 'signed-in');

  setupPages(routes, deps);
  guidePages(routes, deps);
  connectionStatusPages(routes, deps);
  provisioningLogPages(routes, deps);
  deprovisionBrakePages(routes, deps);
  auditTrailPages(routes, deps);
  userPages(routes, deps, directory);
  permissionSetPages(routes, deps);
  teamPages(routes, deps);
  seatPoolPages(routes, deps);
  groupPages(routes, deps, directory);
  tokenPages(routes, deps);
  webhookPages(routes, deps);
  operatorPages(routes, deps, directory);

  return {
    /** The page for a path nothing answers, for browsers (the app's 404 for everything else). */
    async notFound(c: Context): Promise<Response> {
      const problem = new ApiProblem(404, 'route.not_found', `there is no page at ${c.req.path}`);
      const response = await c.html(
        <Document deps={deps} title="Page not found">
          <main class="container">
            <h1>Page not found</h1>
            <Notice tone="warn">
              <p>{problem.detail}.</p>
            </Notice>
            <p>
              <a href="/">Go to the console</a>
            </p>
          </main>
        </Document>,
        404,
      );
      setConsoleHeaders(response.headers);
      return response;
    },
  };
}
