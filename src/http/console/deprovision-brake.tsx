/**
 * The mass-deprovisioning brake: whether the identity provider's deactivations are being held,
 * how many were counted against what limit, the deactivations it held (from the provisioning
 * log), and the release an admin gives once they are known to be intended.
 */
import type { BrakeStatus, EventList, EventSummary } from './api-types.ts';
import { Badge } from './components/badge.tsx';
import { idpName } from './components/idp.ts';
import { Notice } from './components/notice.tsx';
import { PostButton } from './components/post-button.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import { Time } from './components/time.tsx';
import type { ConsoleDeps } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { renderPage } from './layout.tsx';

export function deprovisionBrakePages(routes: ConsoleRoutes, deps: ConsoleDeps) {
  const { api } = deps;
  routes.get('/brake', async (c) => {
    const brake = await api.get<BrakeStatus>(c, 'getDeprovisionBrake');
    // Held requests are answered 429: deactivations by PATCH/PUT, and DELETEs.
    const since = brake.windowStart;
    const [deactivations, deletions] = await Promise.all(
      ['deactivate user', 'delete user'].map((operation) =>
        api.get<EventList>(c, 'listProvisioningEvents', {
          query: { operation, outcome: 'failure', from: since, limit: '200' },
        }),
      ),
    );
    const held: EventSummary[] = [...(deactivations?.items ?? []), ...(deletions?.items ?? [])]
      .filter((e) => e.status === 429)
      .sort((a, b) => (a.at < b.at ? 1 : -1));
    return renderPage(c, deps, {
      title: 'Deprovisioning brake',
      nav: '/brake',
      children: (
        <>
          <h1>Deprovisioning brake</h1>
          <p class="lede">
            A wrong group unassigned in an identity provider can deactivate a whole company in
            minutes. Past {Math.round(brake.share * 100)}% of the active users (and at least{' '}
            {brake.minUsers}) within {brake.windowMinutes} minutes, Roster holds further
            deactivations: the IdP is told to retry later, until you release the brake.
          </p>
          {brake.engaged ? (
            <Notice tone="bad">
              <p>
                <strong>Engaged: deactivations are being held.</strong> Check the change in your
                identity provider that caused them. If they are intended, release the brake and the
                IdP's retries go through; if not, undo the change in the IdP.
              </p>
            </Notice>
          ) : (
            <Notice tone="ok">
              <p>Not engaged: the identity provider's deactivations go through.</p>
            </Notice>
          )}
          <div class="figures">
            <div>
              <span class="muted small">State</span>
              <strong>
                {brake.engaged ? (
                  <Badge tone="bad">Engaged</Badge>
                ) : (
                  <Badge tone="ok">Released</Badge>
                )}
              </strong>
            </div>
            <div>
              <span class="muted small">Deactivations in the window</span>
              <strong>{brake.deactivations}</strong>
            </div>
            <div>
              <span class="muted small">Allowed before holding</span>
              <strong>{brake.limit}</strong>
            </div>
          </div>
          <p class="small muted">
            Counting since <Time iso={brake.windowStart} />
            {brake.releasedAt ? (
              <>
                ; last released <Time iso={brake.releasedAt} />
              </>
            ) : null}
            .
          </p>
          {brake.engaged || held.length > 0 ? (
            <PostButton
              action="/brake/release"
              csrf={c.get('csrf')}
              label="Release the brake"
              confirm="Release the brake? The identity provider's held deactivations go through on its next retry."
            />
          ) : null}
          <h2>Held deactivations</h2>
          {held.length === 0 ? (
            <p class="muted">None held in this window.</p>
          ) : (
            <TableScroll label="Held deactivations">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">IdP</th>
                    <th scope="col">User</th>
                    <th scope="col">Request</th>
                  </tr>
                </thead>
                <tbody>
                  {held.map((event) => (
                    <tr>
                      <td>
                        <a href={`/log/${encodeURIComponent(event.id)}`}>
                          <Time iso={event.at} />
                        </a>
                      </td>
                      <td>{idpName(event.idp)}</td>
                      <td>
                        {event.userId ? (
                          <a href={`/users/${encodeURIComponent(event.userId)}`}>{event.userId}</a>
                        ) : null}
                      </td>
                      <td>{event.operation}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </>
      ),
    });
  });
  routes.post('/brake/release', async (c) => {
    await api.get(c, 'releaseDeprovisionBrake');
    return c.redirect('/brake?done=brake-released', 303);
  });
}
