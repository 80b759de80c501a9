/**
 * Groups your identity provider pushed, and their mappings to permission sets. A group never
 * becomes a team; a mapping (by the group's id, so renames cannot break it) decides its
 * members' permission set while role sync is on, the lowest priority winning.
 */
import type { Directory } from '../../directory/directory.ts';
import type { ApiProblem } from '../api/problem-response.ts';
import type { GroupMapping, Items, PermissionSetView, ScimAppView } from './api-types.ts';
import { CsrfField } from './components/csrf-field.tsx';
import { EmptyState } from './components/empty-state.tsx';
import { Notice } from './components/notice.tsx';
import { PostButton } from './components/post-button.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import { Time } from './components/time.tsx';
import { type ConsoleContext, type ConsoleDeps, field, param } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { renderPage } from './layout.tsx';

const PAGE = 50;

async function page(
  c: ConsoleContext,
  deps: ConsoleDeps,
  directory: Directory,
  problem?: ApiProblem,
) {
  const accountId = (c.get('account') as { id: string }).id;
  const pageNumber = Math.max(0, Math.floor(Number(c.req.query('page') ?? 0)) || 0);
  const [groups, mappings, sets, app] = await Promise.all([
    directory.groups.query({
      accountId,
      condition: { kind: 'all' },
      page: { kind: 'index', offset: pageNumber * PAGE, limit: PAGE },
    }),
    deps.api.get<Items<GroupMapping>>(c, 'listGroupMappings'),
    deps.api.get<Items<PermissionSetView>>(c, 'listPermissionSets'),
    deps.api.run(c, 'getScimApp'),
  ]);
  const roleSync = app.ok && (app.body as ScimAppView).roleSyncEnabled;
  const mappingOf = new Map(mappings.items.map((m) => [m.groupId, m]));
  const setNames = new Map(sets.items.map((s) => [s.id, s.name]));
  const csrf = c.get('csrf');
  return renderPage(
    c,
    deps,
    {
      title: 'Groups',
      nav: '/groups',
      children: (
        <>
          <h1>Groups</h1>
          <p class="lede">
            The groups your identity provider pushes, with their members. A group never becomes a
            team.
          </p>
          <Notice tone={roleSync ? 'ok' : 'warn'}>
            <p>
              {roleSync
                ? 'Role sync is on: a mapped group decides its members’ permission set, before any role the IdP sends; with several mapped groups the lowest priority wins.'
                : 'Role sync is off: mappings are kept but change no permission set until role sync is turned on in Setup.'}
            </p>
          </Notice>
          {problem ? <ProblemNotice problem={problem} /> : null}
          {groups.total === 0 ? (
            <EmptyState title="No groups yet">
              <p>
                Groups appear when your identity provider pushes them (Okta Group Push, Entra
                “Provision Microsoft Entra ID Groups”, JumpCloud group associations).
              </p>
            </EmptyState>
          ) : (
            <TableScroll label="Groups">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Group</th>
                    <th scope="col">Members</th>
                    <th scope="col">Permission set</th>
                    <th scope="col">Map</th>
                  </tr>
                </thead>
                <tbody>
                  {groups.groups.map((group) => {
                    const mapping = mappingOf.get(group.id);
                    return (
                      <tr id={`group-${group.id}`}>
                        <td>
                          {group.displayName}
                          <br />
                          <span class="small muted">
                            <code>{group.id}</code> · updated <Time iso={group.updatedAt} /> ·{' '}
                            <a href={`/log?group=${encodeURIComponent(group.id)}`}>history</a>
                          </span>
                        </td>
                        <td>{group.memberCount}</td>
                        <td>
                          {mapping ? (
                            <>
                              {setNames.get(mapping.permissionSetId) ?? mapping.permissionSetId}{' '}
                              <span class="small muted">(priority {mapping.priority})</span>
                              <PostButton
                                action={`/groups/${encodeURIComponent(group.id)}/unmap`}
                                csrf={csrf}
                                label="Remove mapping"
                                variant="secondary"
                              />
                            </>
                          ) : (
                            <span class="muted">not mapped</span>
                          )}
                        </td>
                        <td>
                          <form
                            method="post"
                            action={`/groups/${encodeURIComponent(group.id)}/map`}
                            class="actions"
                          >
                            <CsrfField token={csrf} />
                            <label class="small">
                              Permission set
                              <select
                                name="permissionSetId"
                                aria-label={`Permission set for ${group.displayName}`}
                              >
                                {sets.items.map((set) => (
                                  <option
                                    value={set.id}
                                    selected={set.id === mapping?.permissionSetId}
                                  >
                                    {set.name}
                                  </option>
                                ))}
                              </select>
                            </label>
                            <label class="small">
                              Priority (lower wins)
                              <input
                                type="number"
                                name="priority"
                                min={0}
                                value={String(mapping?.priority ?? 100)}
                                aria-label={`Priority for ${group.displayName}`}
                              />
                            </label>
                            <button type="submit" class="secondary">
                              Map
                            </button>
                          </form>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
          )}
          <nav class="pager" aria-label="Pages of groups">
            {pageNumber > 0 ? (
              <a href={`/groups?page=${pageNumber - 1}`}>Previous page</a>
            ) : (
              <span />
            )}
            {(pageNumber + 1) * PAGE < groups.total ? (
              <a href={`/groups?page=${pageNumber + 1}`}>Next page</a>
            ) : null}
          </nav>
        </>
      ),
    },
    problem ? (problem.status as 400) : 200,
  );
}

export function groupPages(routes: ConsoleRoutes, deps: ConsoleDeps, directory: Directory) {
  routes.get('/groups', (c) => page(c, deps, directory));
  routes.post('/groups/:groupId/map', async (c) => {
    const form = c.get('form');
    const priority = field(form, 'priority');
    const outcome = await deps.api.run(c, 'mapGroup', {
      params: { groupId: param(c, 'groupId') },
      body: {
        permissionSetId: field(form, 'permissionSetId') ?? '',
        ...(priority !== undefined ? { priority: Number(priority) } : {}),
      },
    });
    if (!outcome.ok) return page(c, deps, directory, outcome.problem);
    return c.redirect('/groups?done=group-mapped', 303);
  });
  routes.post('/groups/:groupId/unmap', async (c) => {
    const outcome = await deps.api.run(c, 'unmapGroup', {
      params: { groupId: param(c, 'groupId') },
    });
    if (!outcome.ok) return page(c, deps, directory, outcome.problem);
    return c.redirect('/groups?done=group-unmapped', 303);
  });
}
