/**
 * Connection status: for each identity provider that has called, which one it is, when it last
 * called, its requests and errors in the last 24 hours and its last error in words; and the
 * failed authentications (revoked or expired tokens, and for the operator unknown ones), so a
 * failing "Test Connection" in Okta or Entra can be diagnosed here.
 */
import type { AuthFailure, EventSummary, IdpActivityView, Items, TokenView } from './api-types.ts';
import { Badge, type Tone } from './components/badge.tsx';
import { EmptyState } from './components/empty-state.tsx';
import { idpName } from './components/idp.ts';
import { TableScroll } from './components/table-scroll.tsx';
import { ago, Time } from './components/time.tsx';
import type { ConsoleContext, ConsoleDeps } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { renderPage } from './layout.tsx';

const DAY_MS = 24 * 3600_000;

function health(activity: IdpActivityView): { tone: Tone; words: string } {
  if (activity.lastFailure && activity.lastFailure.at === activity.lastAt) {
    return { tone: 'bad', words: 'Last request failed' };
  }
  if (activity.requests === 0) return { tone: 'muted', words: 'No requests in 24 hours' };
  if (activity.failures > 0) return { tone: 'warn', words: 'Some requests failed' };
  return { tone: 'ok', words: 'Working' };
}

/** What an admin can do about a failed request, from what the log recorded. */
export function whatToDo(event: EventSummary): string | undefined {
  const text = event.explanation ?? '';
  if (/domain/i.test(text) && /verif/i.test(text)) {
    return 'Verify the domain on the Setup page, then retry the user in your IdP.';
  }
  if (event.status === 429 && /deactivat/i.test(text)) {
    return 'The deprovisioning brake is holding deactivations: check the IdP change that caused them, then release the brake if they are intended.';
  }
  if (event.status === 429)
    return 'The IdP is sending faster than the account allows; it retries after the wait Roster gave.';
  if (event.scimType === 'uniqueness') {
    return 'A user with that userName or email is already provisioned: make the IdP match users (by userName) rather than create them again.';
  }
  if (/seat/i.test(text))
    return 'Assign the seat in the user’s page here first; an IdP role never assigns a seat.';
  if (/role/i.test(text))
    return 'Create a permission set named exactly like the IdP role (case and spaces count), or fix the role in the IdP.';
  if (event.status >= 500)
    return 'A Roster error: the IdP retries. If it persists, tell the operator (the server log has the details).';
  return undefined;
}

function IdpCard({
  activity,
  refused,
  now,
}: {
  activity: IdpActivityView;
  /** Its failed authentications in the window. */
  refused: readonly AuthFailure[];
  now: number;
}) {
  const state = health(activity);
  const refusedCount = refused.reduce((sum, f) => sum + f.count, 0);
  const lastRefused = refused
    .map((f) => f.minute)
    .sort()
    .at(-1);
  const failure = activity.lastFailure;
  const advice = failure ? whatToDo(failure) : undefined;
  return (
    <article class="idp" id={`idp-${activity.idp}`}>
      <header class="actions">
        <h2>{idpName(activity.idp)}</h2>
        <Badge tone={state.tone}>{state.words}</Badge>
      </header>
      <div class="figures">
        <div>
          <span class="muted small">Last contact</span>
          <strong>{ago(activity.lastAt, now)}</strong>
          <Time iso={activity.lastAt} />
        </div>
        <div>
          <span class="muted small">Requests, 24 h</span>
          <strong>{activity.requests}</strong>
        </div>
        <div>
          <span class="muted small">Errors, 24 h</span>
          <strong>{activity.failures}</strong>
        </div>
        <div>
          <span class="muted small">Warnings, 24 h</span>
          <strong>{activity.warnings}</strong>
        </div>
      </div>
      {refusedCount > 0 ? (
        <p>
          <Badge tone="bad">Token refused</Badge> {refusedCount} request
          {refusedCount === 1 ? ' was' : 's were'} refused for its token, the last in the minute of{' '}
          <Time iso={lastRefused} />: see <a href="#failed-authentication">failed authentication</a>
          .
        </p>
      ) : null}
      {failure ? (
        <section>
          <h3>Last error</h3>
          <p>
            <Time iso={failure.at} /> · {failure.operation} · {failure.status}
          </p>
          <p>
            <strong>{failure.explanation ?? `The request was answered ${failure.status}.`}</strong>
          </p>
          {advice ? <p>{advice}</p> : null}
          <p>
            <a href={`/log/${encodeURIComponent(failure.id)}`}>See the request and response</a> ·{' '}
            <a href={`/log?idp=${encodeURIComponent(activity.idp)}&outcome=failure`}>
              All errors from {idpName(activity.idp)}
            </a>
          </p>
        </section>
      ) : (
        <p class="muted">No error recorded.</p>
      )}
    </article>
  );
}

const REASONS: Readonly<Record<string, string>> = {
  revoked: 'a revoked token',
  expired: 'an expired token (replaced by a rotation, its overlap over)',
  unknown: 'a token Roster never issued',
  missing: 'no Authorization header',
  malformed: 'a malformed Authorization header',
};

interface FailureGroup {
  readonly reason: string;
  readonly tokenPrefix: string | null;
  readonly idp: string;
  readonly source: string;
  count: number;
  last: string;
}

/** Per-minute counts summed per token, reason, IdP and address, newest first. */
function grouped(failures: readonly AuthFailure[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const f of failures) {
    const key = JSON.stringify([f.reason, f.tokenPrefix, f.idp, f.source]);
    const group = groups.get(key);
    if (group) {
      group.count += f.count;
      if (f.minute > group.last) group.last = f.minute;
    } else {
      groups.set(key, { ...f, last: f.minute });
    }
  }
  return [...groups.values()].sort((a, b) => (a.last < b.last ? 1 : -1));
}

function FailureTable({
  failures,
  tokens,
}: {
  failures: readonly AuthFailure[];
  tokens: readonly TokenView[];
}) {
  const byPrefix = new Map(tokens.map((t) => [t.prefix, t]));
  return (
    <TableScroll label="Failed authentication attempts">
      <table>
        <thead>
          <tr>
            <th scope="col">Last attempt</th>
            <th scope="col">What was presented</th>
            <th scope="col">Client</th>
            <th scope="col">From</th>
            <th scope="col">Attempts</th>
          </tr>
        </thead>
        <tbody>
          {grouped(failures).map((g) => {
            const token = g.tokenPrefix ? byPrefix.get(g.tokenPrefix) : undefined;
            return (
              <tr>
                <td>
                  <Time iso={g.last} />
                </td>
                <td>
                  {REASONS[g.reason] ?? g.reason}
                  {g.tokenPrefix ? (
                    <>
                      {' '}
                      <code>{g.tokenPrefix}…</code>
                    </>
                  ) : null}
                  {token?.revokedAt ? (
                    <span class="small muted">
                      {' '}
                      (revoked <Time iso={token.revokedAt} />)
                    </span>
                  ) : null}
                  {token?.expiresAt && g.reason === 'expired' ? (
                    <span class="small muted">
                      {' '}
                      (expired <Time iso={token.expiresAt} />)
                    </span>
                  ) : null}
                </td>
                <td>{idpName(g.idp)}</td>
                <td>
                  <code>{g.source}</code>
                </td>
                <td>{g.count}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

async function connectionStatusPage(c: ConsoleContext, deps: ConsoleDeps) {
  const { api } = deps;
  const now = Date.now();
  const from = new Date(now - DAY_MS).toISOString();
  const operator = c.get('open').caller.kind === 'operator';
  const [activity, failures, tokens, unknown] = await Promise.all([
    api.get<Items<IdpActivityView>>(c, 'listIdpActivity'),
    api.get<Items<AuthFailure>>(c, 'listAuthFailures', { query: { from, limit: '200' } }),
    api.get<Items<TokenView>>(c, 'listTokens'),
    operator
      ? api.get<Items<AuthFailure>>(c, 'listAllAuthFailures', { query: { from, limit: '200' } })
      : Promise.resolve({ items: [] }),
  ]);
  const active = tokens.items.filter((t) => t.state === 'active' || t.state === 'expiring');
  const strangers = unknown.items.filter((f) => f.accountId === null && f.reason === 'unknown');
  return renderPage(c, deps, {
    title: 'Connection status',
    nav: '/connections',
    children: (
      <>
        <h1>Connection status</h1>
        <p class="lede">
          Each identity provider that has called this account, detected from its requests. Figures
          cover the last 24 hours; reload to refresh.
        </p>
        {activity.items.length === 0 ? (
          <EmptyState title="No identity provider has called yet">
            <p>
              Once your IdP sends its first request (Okta's <em>Test Connector Configuration</em>,
              Entra's <em>Test Connection</em>) it appears here. Nothing yet? Check the tenant URL
              and token in your IdP against the <a href="/setup#connect">Setup page</a>, and the
              failed attempts below.
            </p>
          </EmptyState>
        ) : (
          activity.items.map((a) => (
            <IdpCard
              activity={a}
              refused={failures.items.filter((f) => f.idp === a.idp)}
              now={now}
            />
          ))
        )}
        <section id="failed-authentication">
          <h2>Failed authentication, last 24 hours</h2>
          <p>
            {active.length === 0
              ? 'This account has no active access token: install the app or rotate a token first.'
              : `An IdP must send the active token (the one that starts ${active.map((t) => t.prefix).join(', or the one that starts ')}).`}{' '}
            <a href="/tokens">Manage tokens</a>.
          </p>
          {failures.items.length === 0 ? (
            <p class="muted">No request with a revoked or expired token of this account.</p>
          ) : (
            <FailureTable failures={failures.items} tokens={tokens.items} />
          )}
          <p class="small muted">
            A failing Test Connection with 401 and nothing listed here means the IdP sent a token
            Roster never issued for this account (a typo, a token of another account or server):
            such attempts name no account, and only the operator sees them. Copy the token again, or
            rotate it to get a new one.
          </p>
          {operator ? (
            <>
              <h3>Unknown tokens (every account; operator only)</h3>
              {strangers.length === 0 ? (
                <p class="muted">No request with an unknown token.</p>
              ) : (
                <FailureTable failures={strangers} tokens={[]} />
              )}
            </>
          ) : null}
        </section>
      </>
    ),
  });
}

export function connectionStatusPages(routes: ConsoleRoutes, deps: ConsoleDeps) {
  routes.get('/connections', (c) => connectionStatusPage(c, deps));
}
