/**
 * Access tokens of the SCIM app: state, last use and expiry; rotate with an overlap (the
 * replaced tokens keep working until it ends, so the IdP can be updated without an outage), and
 * revoke. A new token is shown once, on the page the rotation answers.
 */
import type { ApiProblem } from '../api/problem-response.ts';
import type { Items, Rotation, TokenView } from './api-types.ts';
import { Badge, type Tone } from './components/badge.tsx';
import { CopyField } from './components/copy-field.tsx';
import { CsrfField } from './components/csrf-field.tsx';
import { EmptyState } from './components/empty-state.tsx';
import { Notice } from './components/notice.tsx';
import { PostButton } from './components/post-button.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import { ago, Time } from './components/time.tsx';
import { type ConsoleContext, type ConsoleDeps, field, param } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { renderPage } from './layout.tsx';

const STATE: Readonly<Record<TokenView['state'], readonly [Tone, string]>> = {
  active: ['ok', 'Active'],
  expiring: ['warn', 'Expiring'],
  expired: ['muted', 'Expired'],
  revoked: ['bad', 'Revoked'],
};

const OVERLAPS: readonly (readonly [number, string])[] = [
  [0, 'No overlap: the old token stops now'],
  [3600, '1 hour'],
  [86_400, '24 hours (default)'],
  [7 * 86_400, '7 days'],
];

async function page(c: ConsoleContext, deps: ConsoleDeps, problem?: ApiProblem) {
  const tokens = await deps.api.get<Items<TokenView>>(c, 'listTokens');
  const csrf = c.get('csrf');
  const live = tokens.items.filter((t) => t.state === 'active' || t.state === 'expiring');
  return renderPage(
    c,
    deps,
    {
      title: 'Access tokens',
      nav: '/tokens',
      children: (
        <>
          <h1>Access tokens</h1>
          <p class="lede">
            The tokens your identity provider sends. They belong to the installed SCIM app, not to a
            person; Roster keeps only their hash and the 8 characters shown here.
          </p>
          {problem ? <ProblemNotice problem={problem} /> : null}
          {tokens.items.length === 0 ? (
            <EmptyState title="No tokens yet">
              <p>
                Installing the app on the <a href="/setup#install">Setup page</a> issues the first
                token.
              </p>
            </EmptyState>
          ) : (
            <TableScroll label="Access tokens">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Token</th>
                    <th scope="col">State</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Revoke</th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.items.map((token) => {
                    const [tone, words] = STATE[token.state];
                    return (
                      <tr>
                        <td>
                          <code>{token.prefix}…</code>
                        </td>
                        <td>
                          <Badge tone={tone}>{words}</Badge>
                          {token.revokedAt ? (
                            <span class="small muted">
                              {' '}
                              <Time iso={token.revokedAt} />
                            </span>
                          ) : null}
                        </td>
                        <td>
                          <Time iso={token.createdAt} />
                        </td>
                        <td>
                          {token.lastUsedAt ? (
                            ago(token.lastUsedAt)
                          ) : (
                            <span class="muted">never</span>
                          )}
                        </td>
                        <td>
                          {token.expiresAt ? (
                            <Time iso={token.expiresAt} />
                          ) : (
                            <span class="muted">no expiry</span>
                          )}
                        </td>
                        <td>
                          {token.state === 'active' || token.state === 'expiring' ? (
                            <PostButton
                              action={`/tokens/${encodeURIComponent(token.id)}/revoke`}
                              csrf={csrf}
                              label="Revoke"
                              variant="secondary"
                              confirm={`Revoke ${token.prefix}…? An IdP using it is refused at once.`}
                            />
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
          )}
          <h2>Rotate</h2>
          <p>
            Rotating issues a new token, shown once. The tokens it replaces keep working for the
            overlap, so you can paste the new one into your IdP before they stop.
          </p>
          {live.length === 0 ? (
            <p class="muted">No active token to rotate: install the app first.</p>
          ) : (
            <form method="post" action="/tokens/rotate">
              <CsrfField token={csrf} />
              <div class="grid">
                <label>
                  Replace
                  <select name="tokenId">
                    <option value="">Every active token</option>
                    {live.map((token) => (
                      <option value={token.id}>{token.prefix}…</option>
                    ))}
                  </select>
                </label>
                <label>
                  Overlap
                  <select name="overlapSeconds">
                    {OVERLAPS.map(([seconds, label]) => (
                      <option value={String(seconds)} selected={seconds === 86_400}>
                        {label}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
              <button type="submit">Rotate the token</button>
            </form>
          )}
        </>
      ),
    },
    problem ? (problem.status as 400) : 200,
  );
}

function RotatedPage({ rotation }: { rotation: Rotation }) {
  return (
    <>
      <h1>A new access token</h1>
      <Notice tone="warn">
        <p>
          <strong>Copy the new token now.</strong> This is the only time it is shown. Paste it into
          your identity provider in place of the old one.
        </p>
      </Notice>
      <div class="token-once">
        <CopyField id="access-token" label="Access token" value={rotation.token} />
      </div>
      <CopyField id="tenant-url" label="Tenant URL" value={rotation.tenantUrl} />
      <CopyField
        id="entra-tenant-url"
        label="Microsoft Entra ID tenant URL"
        value={rotation.entraTenantUrl}
      />
      {rotation.replaced.length > 0 ? (
        <>
          <h2>Replaced</h2>
          <ul>
            {rotation.replaced.map((token) => (
              <li>
                <code>{token.prefix}…</code>{' '}
                {token.expiresAt ? (
                  <>
                    keeps working until <Time iso={token.expiresAt} />
                  </>
                ) : (
                  'stopped'
                )}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <a href="/tokens">Back to access tokens</a>
      </p>
    </>
  );
}

export function tokenPages(routes: ConsoleRoutes, deps: ConsoleDeps) {
  routes.get('/tokens', (c) => page(c, deps));
  routes.post('/tokens/rotate', async (c) => {
    const form = c.get('form');
    const tokenId = field(form, 'tokenId');
    const overlap = field(form, 'overlapSeconds');
    const outcome = await deps.api.run(c, 'rotateToken', {
      body: {
        ...(tokenId ? { tokenId } : {}),
        ...(overlap !== undefined ? { overlapSeconds: Number(overlap) } : {}),
      },
    });
    if (!outcome.ok) return page(c, deps, outcome.problem);
    return renderPage(c, deps, {
      title: 'New access token',
      nav: '/tokens',
      children: <RotatedPage rotation={outcome.body as Rotation} />,
    });
  });
  routes.post('/tokens/:tokenId/revoke', async (c) => {
    const outcome = await deps.api.run(c, 'revokeToken', {
      params: { tokenId: param(c, 'tokenId') },
    });
    if (!outcome.ok) return page(c, deps, outcome.problem);
    return c.redirect('/tokens?done=token-revoked', 303);
  });
}
