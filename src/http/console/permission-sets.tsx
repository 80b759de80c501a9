/**
 * Permission sets: names matched exactly by role sync (case and spaces count), their
 * permissions and paid seat; create, change, delete (the minimal set and sets in use stay).
 */
import type { ApiProblem } from '../api/problem-response.ts';
import type { Items, PermissionSetView, ScimAppView } from './api-types.ts';
import { Badge } from './components/badge.tsx';
import { CsrfField } from './components/csrf-field.tsx';
import { Notice } from './components/notice.tsx';
import { PostButton } from './components/post-button.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import { type ConsoleContext, type ConsoleDeps, field, param } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { renderPage } from './layout.tsx';

const SEATS = ['core', 'sales', 'service', 'view-only'] as const;

function SetFields({ set, prefix }: { set?: PermissionSetView | undefined; prefix: string }) {
  return (
    <>
      <label for={`${prefix}-name`}>Name</label>
      <input
        id={`${prefix}-name`}
        name="name"
        required
        value={set?.name}
        disabled={set?.isMinimal}
        aria-describedby={`${prefix}-name-help`}
      />
      <small id={`${prefix}-name-help`}>
        With role sync, an IdP role names this set by this exact text: “Sales Rep” is not “sales
        rep” nor “Sales{'\u00a0\u00a0'}Rep” (two spaces).
      </small>
      <label for={`${prefix}-permissions`}>Permissions, one per line</label>
      <textarea id={`${prefix}-permissions`} name="permissions" rows={3}>
        {set?.permissions.join('\n') ?? ''}
      </textarea>
      <label for={`${prefix}-seat`}>Paid seat</label>
      <select id={`${prefix}-seat`} name="paidSeat">
        <option value="" selected={!set?.paidSeat}>
          None
        </option>
        {SEATS.map((seat) => (
          <option value={seat} selected={set?.paidSeat === seat}>
            {seat}
          </option>
        ))}
      </select>
    </>
  );
}

/** The form's fields as the API's body: permissions one per line, no seat as null. */
function body(form: FormData, creating: boolean) {
  const permissions = String(form.get('permissions') ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const name = form.get('name');
  return {
    ...(typeof name === 'string' ? { name } : creating ? { name: '' } : {}),
    permissions,
    paidSeat: field(form, 'paidSeat') ?? null,
  };
}

async function page(c: ConsoleContext, deps: ConsoleDeps, problem?: ApiProblem) {
  const [sets, app] = await Promise.all([
    deps.api.get<Items<PermissionSetView>>(c, 'listPermissionSets'),
    deps.api.run(c, 'getScimApp'),
  ]);
  const roleSync = app.ok && (app.body as ScimAppView).roleSyncEnabled;
  const csrf = c.get('csrf');
  return renderPage(
    c,
    deps,
    {
      title: 'Permission sets',
      nav: '/permission-sets',
      children: (
        <>
          <h1>Permission sets</h1>
          <p class="lede">
            Each user holds one permission set. Create the sets your IdP roles will name before
            users arrive.
          </p>
          <Notice tone={roleSync ? 'ok' : 'muted'}>
            <p>
              {roleSync
                ? 'Role sync is on: the role your identity provider sends names the set, matched exactly. A role that matches nothing gives the minimal set and a warning in the provisioning log.'
                : 'Role sync is off: you assign permission sets here, and roles your identity provider sends are ignored. Turn it on in Setup.'}
            </p>
          </Notice>
          {problem ? <ProblemNotice problem={problem} /> : null}
          <TableScroll label="Permission sets">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name (exact)</th>
                  <th scope="col">Permissions</th>
                  <th scope="col">Paid seat</th>
                  <th scope="col">Holders</th>
                  <th scope="col">Change</th>
                </tr>
              </thead>
              <tbody>
                {sets.items.map((set) => (
                  <tr id={`set-${set.id}`}>
                    <td>
                      <code>{set.name}</code>{' '}
                      {set.isMinimal ? <Badge tone="muted">Built in</Badge> : null}
                    </td>
                    <td>
                      {set.permissions.length === 0 ? (
                        <span class="muted">none</span>
                      ) : (
                        set.permissions.join(', ')
                      )}
                    </td>
                    <td>{set.paidSeat ?? <span class="muted">none</span>}</td>
                    <td>
                      <a href={`/users?permissionSetId=${encodeURIComponent(set.id)}`}>Users</a>
                    </td>
                    <td>
                      <details>
                        <summary>Edit</summary>
                        <form
                          method="post"
                          action={`/permission-sets/${encodeURIComponent(set.id)}`}
                        >
                          <CsrfField token={csrf} />
                          <SetFields set={set} prefix={`edit-${set.id}`} />
                          <button type="submit">Save</button>
                        </form>
                        {set.isMinimal ? (
                          <p class="small muted">
                            The minimal set cannot be renamed or deleted: unmatched users fall back
                            to it.
                          </p>
                        ) : (
                          <PostButton
                            action={`/permission-sets/${encodeURIComponent(set.id)}/delete`}
                            csrf={csrf}
                            label="Delete"
                            variant="secondary"
                            confirm={`Delete the permission set ${set.name}?`}
                          />
                        )}
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <h2>New permission set</h2>
          <form method="post" action="/permission-sets">
            <CsrfField token={csrf} />
            <SetFields prefix="new" />
            <button type="submit">Create</button>
          </form>
        </>
      ),
    },
    problem ? (problem.status as 400) : 200,
  );
}

export function permissionSetPages(routes: ConsoleRoutes, deps: ConsoleDeps) {
  const { api } = deps;
  routes.get('/permission-sets', (c) => page(c, deps));
  routes.post('/permission-sets', async (c) => {
    const outcome = await api.run(c, 'createPermissionSet', { body: body(c.get('form'), true) });
    if (!outcome.ok) return page(c, deps, outcome.problem);
    return c.redirect('/permission-sets?done=permission-set-created', 303);
  });
  routes.post('/permission-sets/:id', async (c) => {
    const outcome = await api.run(c, 'updatePermissionSet', {
      params: { permissionSetId: param(c, 'id') },
      body: body(c.get('form'), false),
    });
    if (!outcome.ok) return page(c, deps, outcome.problem);
    return c.redirect('/permission-sets?done=permission-set-updated', 303);
  });
  routes.post('/permission-sets/:id/delete', async (c) => {
    const outcome = await api.run(c, 'deletePermissionSet', {
      params: { permissionSetId: param(c, 'id') },
    });
    if (!outcome.ok) return page(c, deps, outcome.problem);
    return c.redirect('/permission-sets?done=permission-set-deleted', 303);
  });
}
