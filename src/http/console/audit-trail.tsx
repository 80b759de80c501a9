/** The audit trail: every change made through the admin API or this console, newest first. */
import type { AuditList } from './api-types.ts';
import { Badge } from './components/badge.tsx';
import { EmptyState } from './components/empty-state.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import { Time } from './components/time.tsx';
import type { ConsoleDeps } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { renderPage } from './layout.tsx';

type Entry = AuditList['items'][number];

function who(actor: Entry['actor']): string {
  if (actor.kind === 'operator') return 'the operator';
  if (actor.kind === 'admin-key') return `admin key ${actor.prefix}…`;
  return 'the SCIM app (for the identity provider)';
}

export function auditTrailPages(routes: ConsoleRoutes, deps: ConsoleDeps) {
  routes.get('/audit', async (c) => {
    const action = c.req.query('action')?.trim() || undefined;
    const before = c.req.query('before') || undefined;
    const outcome = await deps.api.run(c, 'listAccountAudit', {
      query: { action, before, limit: '50' },
    });
    const page = outcome.ok ? (outcome.body as AuditList) : { items: [], next: null };
    const again = (extra: Record<string, string>) =>
      `/audit?${new URLSearchParams({ ...(action ? { action } : {}), ...extra })}`;
    return renderPage(
      c,
      deps,
      {
        title: 'Audit trail',
        nav: '/audit',
        children: (
          <>
            <h1>Audit trail</h1>
            <p class="lede">
              Every change made with an admin key, through the API, the command line or this
              console: who, what, on what, when, and how it ended.
            </p>
            <form method="get" action="/audit" class="filters" aria-label="Filter the audit trail">
              <label>
                Action
                <input name="action" value={action} placeholder="user.update" />
              </label>
              <button type="submit">Filter</button>
            </form>
            {outcome.ok ? null : <ProblemNotice problem={outcome.problem} />}
            {page.items.length === 0 ? (
              <EmptyState title="Nothing recorded">
                <p>Changes appear here as admins make them.</p>
              </EmptyState>
            ) : (
              <TableScroll label="Audit entries">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Who</th>
                      <th scope="col">Action</th>
                      <th scope="col">On</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Request</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((entry) => (
                      <tr>
                        <td>
                          <Time iso={entry.at} />
                        </td>
                        <td>{who(entry.actor)}</td>
                        <td>
                          <code>{entry.action}</code>
                        </td>
                        <td>
                          {entry.target.type ?? ''}{' '}
                          {entry.target.id ? <code>{entry.target.id}</code> : null}
                        </td>
                        <td>
                          <Badge tone={entry.outcome === 'success' ? 'ok' : 'bad'}>
                            {String(entry.status)}
                          </Badge>{' '}
                          {entry.errorCode ? <code>{entry.errorCode}</code> : null}
                        </td>
                        <td>
                          {entry.request === null ? (
                            <span class="muted">none kept</span>
                          ) : (
                            <details>
                              <summary>Show</summary>
                              <pre class="json">
                                <code>{JSON.stringify(entry.request, null, 2)}</code>
                              </pre>
                            </details>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
            <nav class="pager" aria-label="Pages of the audit trail">
              {before ? <a href={again({})}>Newest</a> : <span />}
              {page.next ? <a href={again({ before: page.next })}>Older entries</a> : null}
            </nav>
          </>
        ),
      },
      outcome.ok ? 200 : 400,
    );
  });
}
