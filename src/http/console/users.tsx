/**
 * Users: search and filter (managed by the IdP or the app, active, permission set, team) with
 * cursor paging, which costs the same on the millionth user as on the first; and one user:
 * the fields the IdP owns shown locked with the reason (`appUserLocks`, the rule the directory
 * enforces), permission set, seat and teams editable by the seeds' rules, deactivation, and the
 * user's provisioning history. Users are deactivated, never deleted, from the console.
 */
import type { AppUserLocks } from '../../directory/app-users.ts';
import type { Directory } from '../../directory/directory.ts';
import { SEAT_TYPES } from '../../directory/model.ts';
import type { ApiProblem } from '../api/problem-response.ts';
import type {
  AccountView,
  EventList,
  Items,
  PermissionSetView,
  SeatPoolView,
  TeamView,
  UserList,
  UserView,
} from './api-types.ts';
import { Badge } from './components/badge.tsx';
import { CsrfField } from './components/csrf-field.tsx';
import { EmptyState } from './components/empty-state.tsx';
import { idpName } from './components/idp.ts';
import { PostButton } from './components/post-button.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import { Time } from './components/time.tsx';
import { type ConsoleContext, type ConsoleDeps, field, param } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { renderPage } from './layout.tsx';
import { explain } from './provisioning-log.tsx';

const LIST_FILTERS = ['search', 'managedBy', 'active', 'permissionSetId', 'teamId'] as const;
type ListFilters = Partial<Record<(typeof LIST_FILTERS)[number], string>>;

const query = (values: Readonly<Record<string, string | undefined>>) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
};

export function displayName(user: UserView): string {
  return (
    user.displayName ??
    ([user.givenName, user.familyName].filter(Boolean).join(' ') || user.email || user.userName)
  );
}

function ManagedBadge({ user }: { user: UserView }) {
  return user.managedBy === 'scim' ? (
    <Badge tone="muted">Identity provider</Badge>
  ) : (
    <Badge tone="muted">App</Badge>
  );
}

function ActiveBadge({ user }: { user: UserView }) {
  return user.active ? <Badge tone="ok">Active</Badge> : <Badge tone="bad">Deactivated</Badge>;
}

interface Catalog {
  readonly sets: PermissionSetView[];
  readonly teams: TeamView[];
  readonly pools: SeatPoolView[];
}

async function catalog(c: ConsoleContext, deps: ConsoleDeps): Promise<Catalog> {
  const [sets, teams, pools] = await Promise.all([
    deps.api.get<Items<PermissionSetView>>(c, 'listPermissionSets'),
    deps.api.get<Items<TeamView>>(c, 'listTeams'),
    deps.api.get<Items<SeatPoolView>>(c, 'listSeatPools'),
  ]);
  return { sets: sets.items, teams: teams.items, pools: pools.items };
}

function UserFilters({ filters, catalog }: { filters: ListFilters; catalog: Catalog }) {
  return (
    <form method="get" action="/users" class="filters" aria-label="Find users">
      <label>
        Search
        <input
          type="search"
          name="search"
          value={filters.search}
          placeholder="Name or part of the email"
        />
      </label>
      <label>
        Managed by
        <select name="managedBy">
          <option value="">Anyone</option>
          <option value="scim" selected={filters.managedBy === 'scim'}>
            Identity provider (SCIM)
          </option>
          <option value="app" selected={filters.managedBy === 'app'}>
            The app
          </option>
        </select>
      </label>
      <label>
        Status
        <select name="active">
          <option value="">Any</option>
          <option value="true" selected={filters.active === 'true'}>
            Active
          </option>
          <option value="false" selected={filters.active === 'false'}>
            Deactivated
          </option>
        </select>
      </label>
      <label>
        Permission set
        <select name="permissionSetId">
          <option value="">Any</option>
          {catalog.sets.map((set) => (
            <option value={set.id} selected={filters.permissionSetId === set.id}>
              {set.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Team
        <select name="teamId">
          <option value="">Any</option>
          {catalog.teams.map((team) => (
            <option value={team.id} selected={filters.teamId === team.id}>
              {team.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Find</button>
    </form>
  );
}

function NewUserForm({
  csrf,
  catalog,
  problem,
  values,
}: {
  csrf: string;
  catalog: Catalog;
  problem?: ApiProblem | undefined;
  values?: Record<string, string> | undefined;
}) {
  return (
    <details open={problem !== undefined}>
      <summary>Add a user in the app</summary>
      <p class="small muted">
        A user added here is managed by the app, not by your identity provider, and is not added to
        it. If the IdP later provisions the same email, the user becomes the IdP's (same id, same
        data).
      </p>
      {problem ? <ProblemNotice problem={problem} title="The user was not created." /> : null}
      <form method="post" action="/users">
        <CsrfField token={csrf} />
        <div class="grid">
          <label>
            Email
            <input type="email" name="email" required value={values?.email} />
          </label>
          <label>
            Given name
            <input name="givenName" value={values?.givenName} />
          </label>
          <label>
            Family name
            <input name="familyName" value={values?.familyName} />
          </label>
        </div>
        <label>
          Permission set
          <select name="permissionSetId">
            {catalog.sets.map((set) => (
              <option value={set.id} selected={set.isMinimal}>
                {set.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Add the user</button>
      </form>
    </details>
  );
}

async function listPage(
  c: ConsoleContext,
  deps: ConsoleDeps,
  problem?: ApiProblem,
  values?: Record<string, string>,
) {
  const filters: ListFilters = {};
  for (const name of LIST_FILTERS) {
    const value = c.req.query(name)?.trim();
    if (value) filters[name] = value;
  }
  const cursor = c.req.query('cursor') || undefined;
  const [found, known] = await Promise.all([
    deps.api.run(c, 'listUsers', { query: { ...filters, cursor, limit: '50' } }),
    catalog(c, deps),
  ]);
  const page = found.ok ? (found.body as UserList) : { items: [], total: 0, nextCursor: null };
  const setNames = new Map(known.sets.map((s) => [s.id, s.name]));
  const teamNames = new Map(known.teams.map((t) => [t.id, t.name]));
  const filtered = Object.keys(filters).length > 0;
  return renderPage(
    c,
    deps,
    {
      title: 'Users',
      nav: '/users',
      children: (
        <>
          <h1>Users</h1>
          <p class="lede">
            {page.total} user{page.total === 1 ? '' : 's'}
            {filtered ? ' match' : ' in this account'}. Users your identity provider manages keep
            their name and email from it.
          </p>
          <UserFilters filters={filters} catalog={known} />
          {found.ok ? null : (
            <ProblemNotice problem={found.problem} title="The search was refused." />
          )}
          {page.items.length === 0 ? (
            <EmptyState title={filtered ? 'No user matches' : 'No users yet'}>
              <p>
                {filtered
                  ? 'Change or clear the filters.'
                  : 'Users appear as your identity provider provisions them (see Setup), or add one in the app below.'}
              </p>
            </EmptyState>
          ) : (
            <TableScroll label="Users">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Managed by</th>
                    <th scope="col">Status</th>
                    <th scope="col">Permission set</th>
                    <th scope="col">Teams</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((user) => (
                    <tr>
                      <td>
                        <a href={`/users/${encodeURIComponent(user.id)}`}>{displayName(user)}</a>
                      </td>
                      <td>{user.email}</td>
                      <td>
                        <ManagedBadge user={user} />
                      </td>
                      <td>
                        <ActiveBadge user={user} />
                      </td>
                      <td>{setNames.get(user.permissionSetId) ?? user.permissionSetId}</td>
                      <td>
                        {[user.primaryTeamId, ...user.secondaryTeamIds]
                          .filter((id): id is string => id !== null)
                          .map((id) => teamNames.get(id) ?? id)
                          .join(', ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          <nav class="pager" aria-label="Pages of users">
            {cursor ? <a href={`/users${query({ ...filters })}`}>First page</a> : <span />}
            {page.nextCursor ? (
              <a href={`/users${query({ ...filters, cursor: page.nextCursor })}`}>Next page</a>
            ) : null}
          </nav>
          <NewUserForm csrf={c.get('csrf')} catalog={known} problem={problem} values={values} />
        </>
      ),
    },
    problem ? (problem.status as 400) : 200,
  );
}

function Locked({ reason }: { reason: string }) {
  return <p class="locked">Locked: {reason}.</p>;
}

function UserPage({
  user,
  account,
  locks,
  catalog,
  groups,
  history,
  csrf,
  problem,
}: {
  user: UserView;
  account: AccountView;
  locks: AppUserLocks;
  catalog: Catalog;
  groups: { groupId: string; groupName: string }[];
  history: EventList;
  csrf: string;
  problem?: ApiProblem | undefined;
}) {
  const path = `/users/${encodeURIComponent(user.id)}`;
  const seats = account.pricingModel === 'seats';
  const identityLocked = locks.identity !== undefined;
  const setLocked = locks.permissionSet !== undefined;
  const currentSet = catalog.sets.find((s) => s.id === user.permissionSetId);
  return (
    <>
      <p>
        <a href="/users">← Users</a>
      </p>
      <h1>{displayName(user)}</h1>
      <p class="actions">
        <ManagedBadge user={user} /> <ActiveBadge user={user} />
        {user.superAdmin ? <Badge tone="warn">Super admin</Badge> : null}
      </p>
      {problem ? <ProblemNotice problem={problem} title="The user was not saved." /> : null}
      <form method="post" action={path}>
        <CsrfField token={csrf} />
        <fieldset>
          <legend>
            <strong>Identity</strong>
          </legend>
          {identityLocked ? <Locked reason={locks.identity as string} /> : null}
          <div class="grid">
            <label>
              Email
              <input
                type="email"
                name="email"
                value={user.email ?? ''}
                disabled={identityLocked}
                required={!identityLocked}
              />
            </label>
            <label>
              Display name
              <input name="displayName" value={user.displayName ?? ''} disabled={identityLocked} />
            </label>
          </div>
          <div class="grid">
            <label>
              Given name
              <input name="givenName" value={user.givenName ?? ''} disabled={identityLocked} />
            </label>
            <label>
              Family name
              <input name="familyName" value={user.familyName ?? ''} disabled={identityLocked} />
            </label>
          </div>
          {user.managedBy === 'scim' ? (
            <p class="small muted">
              Sign-in name <code>{user.userName}</code>
              {user.externalId ? (
                <>
                  , the IdP's id <code>{user.externalId}</code>
                </>
              ) : null}
              .
            </p>
          ) : null}
        </fieldset>
        <fieldset>
          <legend>
            <strong>Permissions, seat and teams</strong>
          </legend>
          <label>
            Permission set
            <select name="permissionSetId" disabled={setLocked}>
              {catalog.sets.map((set) => (
                <option value={set.id} selected={set.id === user.permissionSetId}>
                  {set.name}
                  {set.paidSeat ? ` (${set.paidSeat} seat)` : ''}
                </option>
              ))}
            </select>
          </label>
          {setLocked ? <Locked reason={locks.permissionSet as string} /> : null}
          {seats ? (
            <label>
              Seat
              <select name="seat">
                <option value="" selected={user.seat === null}>
                  No seat
                </option>
                {SEAT_TYPES.map((type) => {
                  const pool = catalog.pools.find((p) => p.seatType === type);
                  return (
                    <option value={type} selected={user.seat === type}>
                      {type}
                      {pool
                        ? ` (${pool.available} of ${pool.purchased} free)`
                        : ' (none purchased)'}
                    </option>
                  );
                })}
              </select>
              <small>
                Seats are assigned here only: an identity provider's role never assigns one, and a
                role whose permission set needs a seat the user lacks is refused until it is
                assigned here.
              </small>
            </label>
          ) : (
            <p class="small">
              Seat: {user.seat ?? 'none'}. On the classic pricing model the seat comes with the
              permission set
              {currentSet?.paidSeat
                ? ` (${currentSet.name} carries a ${currentSet.paidSeat} seat)`
                : ''}
              .
            </p>
          )}
          <label>
            Primary team
            <select name="primaryTeamId">
              <option value="">None</option>
              {catalog.teams.map((team) => (
                <option value={team.id} selected={team.id === user.primaryTeamId}>
                  {team.name}
                </option>
              ))}
            </select>
          </label>
          {catalog.teams.length > 0 ? (
            <fieldset>
              <legend>Other teams</legend>
              {catalog.teams.map((team) => (
                <label>
                  <input
                    type="checkbox"
                    name="secondaryTeamIds"
                    value={team.id}
                    checked={user.secondaryTeamIds.includes(team.id)}
                  />
                  {team.name}
                </label>
              ))}
            </fieldset>
          ) : (
            <p class="small muted">
              No teams yet: <a href="/teams">create teams</a>. Only the app assigns teams; an
              identity provider never does.
            </p>
          )}
          <label>
            <input type="checkbox" name="superAdmin" value="true" checked={user.superAdmin} />
            Super admin
          </label>
        </fieldset>
        <button type="submit">Save</button>
      </form>
      <section>
        <h2>Status</h2>
        {locks.active ? (
          <Locked reason={locks.active} />
        ) : user.active ? (
          <PostButton
            action={`${path}/deactivate`}
            csrf={csrf}
            label="Deactivate"
            variant="secondary"
            confirm={`Deactivate ${displayName(user)}? They can no longer sign in; their data stays.`}
          />
        ) : (
          <PostButton action={`${path}/reactivate`} csrf={csrf} label="Reactivate" />
        )}
        <p class="small muted">
          Created <Time iso={user.createdAt} />, last changed <Time iso={user.updatedAt} /> (version{' '}
          {user.version}).
        </p>
      </section>
      <section>
        <h2>Groups</h2>
        {groups.length === 0 ? (
          <p class="muted">In no group your identity provider pushed.</p>
        ) : (
          <p>
            {groups.map((g, i) => (
              <>
                {i > 0 ? ', ' : ''}
                <a href={`/groups#group-${encodeURIComponent(g.groupId)}`}>{g.groupName}</a>
              </>
            ))}
          </p>
        )}
      </section>
      <section>
        <h2>Provisioning history</h2>
        {history.items.length === 0 ? (
          <p class="muted">No identity provider request about this user.</p>
        ) : (
          <TableScroll label="Provisioning history">
            <table>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">IdP</th>
                  <th scope="col">Operation</th>
                  <th scope="col">What happened</th>
                </tr>
              </thead>
              <tbody>
                {history.items.map((event) => (
                  <tr>
                    <td class="nowrap">
                      <a href={`/log/${encodeURIComponent(event.id)}`}>
                        <Time iso={event.at} />
                      </a>
                    </td>
                    <td>{idpName(event.idp)}</td>
                    <td>{event.operation}</td>
                    <td>
                      <Badge
                        tone={
                          event.outcome === 'success'
                            ? 'ok'
                            : event.outcome === 'warning'
                              ? 'warn'
                              : 'bad'
                        }
                      >
                        {String(event.status)}
                      </Badge>{' '}
                      {explain(event)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <p>
          <a href={`/log?user=${encodeURIComponent(user.id)}`}>The whole history in the log</a>
        </p>
      </section>
    </>
  );
}

/**
 * The update a user form asks for, in the API's terms: what the form sent and changed. Locked
 * fields are disabled in the form, so a browser never sends them; if a request does, the
 * directory refuses it with its reason, as it would over the API.
 */
function updateBody(form: FormData, user: UserView, account: AccountView) {
  const text = (name: string) => {
    const value = form.get(name);
    if (typeof value !== 'string') return undefined;
    return value.trim() === '' ? null : value.trim();
  };
  const body: Record<string, unknown> = {};
  const email = text('email');
  if (email !== null && email !== undefined) body.email = email;
  for (const name of ['givenName', 'familyName', 'displayName'] as const) {
    const value = text(name);
    if (value !== undefined) body[name] = value;
  }
  const permissionSetId = text('permissionSetId');
  if (permissionSetId) body.permissionSetId = permissionSetId;
  if (account.pricingModel === 'seats') body.seat = text('seat');
  body.primaryTeamId = text('primaryTeamId');
  body.secondaryTeamIds = form
    .getAll('secondaryTeamIds')
    .filter((id): id is string => typeof id === 'string' && id !== '');
  body.superAdmin = form.get('superAdmin') === 'true';
  // What the form did not change is left out: an update says only what changes.
  for (const [key, value] of Object.entries(body)) {
    const current = (user as Record<string, unknown>)[key];
    if (JSON.stringify(current) === JSON.stringify(value)) delete body[key];
  }
  return body;
}

export function userPages(routes: ConsoleRoutes, deps: ConsoleDeps, directory: Directory) {
  const { api } = deps;

  const userPage = async (c: ConsoleContext, userId: string, problem?: ApiProblem) => {
    const account = c.get('account') as AccountView;
    const user = await api.get<UserView>(c, 'getUser', { params: { userId } });
    const [locks, known, groups, history] = await Promise.all([
      directory.appUsers.locks(account.id, user),
      catalog(c, deps),
      directory.groups.groupsOf(account.id, [user.id]),
      api.get<EventList>(c, 'listProvisioningEvents', { query: { userId: user.id, limit: '20' } }),
    ]);
    return renderPage(
      c,
      deps,
      {
        title: displayName(user),
        nav: '/users',
        children: (
          <UserPage
            user={user}
            account={account}
            locks={locks}
            catalog={known}
            groups={groups}
            history={history}
            csrf={c.get('csrf')}
            problem={problem}
          />
        ),
      },
      problem ? (problem.status as 400) : 200,
    );
  };

  routes.get('/users', (c) => listPage(c, deps));

  routes.post('/users', async (c) => {
    const form = c.get('form');
    const values = {
      email: field(form, 'email') ?? '',
      givenName: field(form, 'givenName') ?? '',
      familyName: field(form, 'familyName') ?? '',
    };
    const outcome = await api.run(c, 'createUser', {
      body: {
        email: values.email,
        ...(values.givenName ? { givenName: values.givenName } : {}),
        ...(values.familyName ? { familyName: values.familyName } : {}),
        ...(field(form, 'permissionSetId')
          ? { permissionSetId: field(form, 'permissionSetId') }
          : {}),
      },
    });
    if (!outcome.ok) return listPage(c, deps, outcome.problem, values);
    const created = outcome.body as UserView;
    return c.redirect(`/users/${encodeURIComponent(created.id)}?done=user-created`, 303);
  });

  routes.get('/users/:userId', (c) => userPage(c, param(c, 'userId')));

  routes.post('/users/:userId', async (c) => {
    const userId = param(c, 'userId');
    const account = c.get('account') as AccountView;
    const user = await api.get<UserView>(c, 'getUser', { params: { userId } });
    const body = updateBody(c.get('form'), user, account);
    const outcome = await api.run(c, 'updateUser', { params: { userId }, body });
    if (!outcome.ok) return userPage(c, userId, outcome.problem);
    return c.redirect(`/users/${encodeURIComponent(userId)}?done=user-updated`, 303);
  });

  for (const [action, operation, done] of [
    ['deactivate', 'deactivateUser', 'user-deactivated'],
    ['reactivate', 'reactivateUser', 'user-reactivated'],
  ] as const) {
    routes.post(`/users/:userId/${action}`, async (c) => {
      const userId = param(c, 'userId');
      const outcome = await api.run(c, operation, { params: { userId } });
      if (!outcome.ok) return userPage(c, userId, outcome.problem);
      return c.redirect(`/users/${encodeURIComponent(userId)}?done=${done}`, 303);
    });
  }
}
