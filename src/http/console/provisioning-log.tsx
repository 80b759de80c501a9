/**
 * The provisioning log: every SCIM request of the account, newest first, filtered by time, IdP,
 * operation, outcome, user and group; each with its explanation in plain words and, on its own
 * page, its redacted request and response. The first page follows new requests live (htmx
 * polls it); older pages stay still.
 */
import type { EventList, EventSummary, EventView, UserList } from './api-types.ts';
import { Badge, type Tone } from './components/badge.tsx';
import { EmptyState } from './components/empty-state.tsx';
import { IDPS, idpName } from './components/idp.ts';
import { ProblemNotice } from './components/problem-notice.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import { Time } from './components/time.tsx';
import { whatToDo } from './connection-status.tsx';
import { type ConsoleContext, type ConsoleDeps, ConsoleProblem, param } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { renderPage } from './layout.tsx';

/** What the SCIM side names its operations (http/scim): the filter's choices. */
const OPERATIONS = [
  'create user',
  'adopt existing user',
  'update user',
  'replace user',
  'deactivate user',
  'reactivate user',
  'link user',
  'delete user',
  'get user',
  'find users',
  'list users',
  'search users',
  'create group',
  'update group',
  'replace group',
  'delete group',
  'get group',
  'find groups',
  'list groups',
  'search groups',
  'bulk',
];

const OUTCOME_TONE: Readonly<Record<EventSummary['outcome'], Tone>> = {
  success: 'ok',
  warning: 'warn',
  failure: 'bad',
};

/** What a request that went through did, by its operation (http/scim names them). */
const DONE: Readonly<Record<string, string>> = {
  'create user': 'Created the user.',
  'adopt existing user':
    'Adopted the app user with that email: same id, same data, now managed by the IdP.',
  'link user': 'Linked the app user to the IdP: its name and email now come from the IdP.',
  'update user': 'Updated the user.',
  'replace user': 'Replaced the user’s attributes with those sent.',
  'deactivate user': 'Deactivated the user; its data stays.',
  'reactivate user': 'Reactivated the user.',
  'delete user': 'Deactivated and unlinked the user; Roster keeps its data.',
  'get user': 'Read the user.',
  'find users': 'Looked users up by a filter (an IdP matches before it creates).',
  'list users': 'Listed users.',
  'search users': 'Searched users.',
  'create group': 'Created the group.',
  'update group': 'Updated the group (name or members).',
  'replace group': 'Replaced the group and its members.',
  'delete group': 'Deleted the group.',
  'get group': 'Read the group.',
  'find groups': 'Looked groups up by a filter.',
  'list groups': 'Listed groups.',
  'search groups': 'Searched groups.',
  bulk: 'Ran a batch of operations (Bulk).',
};

/** The entry in plain words: its explanation, or what the request did. */
export function explain(event: EventSummary): string {
  if (event.explanation) return event.explanation;
  if (event.status === 304) return 'Nothing changed since the IdP last read it.';
  if (event.status < 300) return DONE[event.operation] ?? `Answered ${event.status}.`;
  return `Answered ${event.status}.`;
}

const FILTERS = ['from', 'to', 'idp', 'operation', 'outcome', 'user', 'group', 'request'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

function filtersOf(c: ConsoleContext): Filters {
  const filters: Filters = {};
  for (const name of FILTERS) {
    const value = c.req.query(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

const queryString = (values: Readonly<Record<string, string | undefined>>) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
};

/** `2026-12-04T17:03` (a datetime-local field, read as UTC) → ISO; full ISO passes through. */
function utc(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00.000Z` : value;
  return iso;
}

/** The API's query: the user named by id or by email (looked up exactly). */
async function apiQuery(c: ConsoleContext, deps: ConsoleDeps, filters: Filters, before?: string) {
  let userId = filters.user;
  if (userId?.includes('@')) {
    const found = await deps.api.get<UserList>(c, 'listUsers', {
      query: { email: userId, limit: '1' },
    });
    userId = found.items[0]?.id ?? 'no-such-user';
  }
  return {
    from: utc(filters.from),
    to: utc(filters.to),
    idp: filters.idp,
    operation: filters.operation,
    outcome: filters.outcome,
    userId,
    groupId: filters.group,
    requestId: filters.request,
    before,
    limit: '50',
  };
}

function Rows({
  events,
  filters,
  live,
  next,
}: {
  events: EventSummary[];
  filters: Filters;
  live: boolean;
  next: string | null;
}) {
  const url = `/log/rows${queryString({ ...filters })}`;
  return (
    <section
      id="log-rows"
      hx-get={live ? url : undefined}
      hx-trigger={live ? 'every 3s' : undefined}
      hx-swap={live ? 'outerHTML' : undefined}
    >
      {events.length === 0 ? (
        <EmptyState title="No requests match">
          <p>
            Nothing was recorded{Object.keys(filters).length > 0 ? ' with these filters' : ' yet'}.
            Every request an identity provider sends with this account's token appears here, failed
            ones with the reason. Requests with a wrong or revoked token are counted on the{' '}
            <a href="/connections#failed-authentication">connection status</a> page instead.
          </p>
        </EmptyState>
      ) : (
        <TableScroll label="Provisioning events">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">IdP</th>
                <th scope="col">Operation</th>
                <th scope="col">Outcome</th>
                <th scope="col">What happened</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
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
                      tone={OUTCOME_TONE[event.outcome]}
                    >{`${event.outcome} ${event.status}`}</Badge>
                  </td>
                  <td>{explain(event)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <nav class="pager" aria-label="Pages of the log">
        <span class="small muted">{live ? 'Live: new requests appear as they arrive.' : null}</span>
        {next ? (
          <a href={`/log${queryString({ ...filters, before: next, live: 'off' })}`}>
            Older requests
          </a>
        ) : null}
      </nav>
    </section>
  );
}

function FilterForm({ filters }: { filters: Filters }) {
  return (
    <form method="get" action="/log" class="filters" aria-label="Filter the log">
      <label>
        From (UTC)
        <input type="datetime-local" name="from" value={filters.from?.slice(0, 16)} />
      </label>
      <label>
        To (UTC)
        <input type="datetime-local" name="to" value={filters.to?.slice(0, 16)} />
      </label>
      <label>
        IdP
        <select name="idp">
          <option value="">Any</option>
          {IDPS.map((idp) => (
            <option value={idp} selected={filters.idp === idp}>
              {idpName(idp)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Operation
        <select name="operation">
          <option value="">Any</option>
          {OPERATIONS.map((op) => (
            <option value={op} selected={filters.operation === op}>
              {op}
            </option>
          ))}
        </select>
      </label>
      <label>
        Outcome
        <select name="outcome">
          <option value="">Any</option>
          {(['success', 'warning', 'failure'] as const).map((o) => (
            <option value={o} selected={filters.outcome === o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <label>
        User (id or email)
        <input name="user" value={filters.user} />
      </label>
      <label>
        Group id
        <input name="group" value={filters.group} />
      </label>
      <label>
        Request id
        <input name="request" value={filters.request} />
      </label>
      <button type="submit">Filter</button>
      <a href="/log">Clear the filters</a>
    </form>
  );
}

export function provisioningLogPages(routes: ConsoleRoutes, deps: ConsoleDeps) {
  const { api } = deps;

  const list = async (c: ConsoleContext, filters: Filters, before?: string) => {
    const outcome = await api.run(c, 'listProvisioningEvents', {
      query: await apiQuery(c, deps, filters, before),
    });
    return outcome;
  };

  routes.get('/log', async (c) => {
    const filters = filtersOf(c);
    const before = c.req.query('before') || undefined;
    const live = before === undefined && c.req.query('live') !== 'off';
    const outcome = await list(c, filters, before);
    const page = outcome.ok ? (outcome.body as EventList) : { items: [], next: null };
    return renderPage(
      c,
      deps,
      {
        title: 'Provisioning log',
        nav: '/log',
        children: (
          <>
            <h1>Provisioning log</h1>
            <p class="lede">
              Every SCIM request of this account, newest first, with the reason of each failure.
            </p>
            <FilterForm filters={filters} />
            {outcome.ok ? null : (
              <ProblemNotice problem={outcome.problem} title="The filter was refused." />
            )}
            <p class="actions small">
              {before ? (
                <a href={`/log${queryString({ ...filters })}`}>Back to the newest requests</a>
              ) : live ? (
                <a href={`/log${queryString({ ...filters, live: 'off' })}`}>Pause the live view</a>
              ) : (
                <a href={`/log${queryString({ ...filters })}`}>Follow new requests live</a>
              )}
            </p>
            <Rows
              events={page.items}
              filters={filters}
              live={live && outcome.ok}
              next={page.next}
            />
          </>
        ),
      },
      outcome.ok ? 200 : 400,
    );
  });

  // The live first page, polled by htmx.
  routes.get('/log/rows', async (c) => {
    const filters = filtersOf(c);
    const outcome = await list(c, filters);
    if (!outcome.ok) throw new ConsoleProblem(outcome.problem);
    const page = outcome.body as EventList;
    return c.html(<Rows events={page.items} filters={filters} live={true} next={page.next} />);
  });

  routes.get('/log/:eventId', async (c) => {
    const event = await api.get<EventView>(c, 'getProvisioningEvent', {
      params: { eventId: param(c, 'eventId') },
    });
    const advice = event.outcome === 'failure' ? whatToDo(event) : undefined;
    const json = (value: unknown) =>
      value === null ? null : typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    const request = json(event.requestBody);
    const response = json(event.responseBody);
    return renderPage(c, deps, {
      title: `${event.operation} · Provisioning log`,
      nav: '/log',
      children: (
        <>
          <p>
            <a href="/log">← Provisioning log</a>
          </p>
          <h1>
            {idpName(event.idp)}: {event.operation}
          </h1>
          <p>
            <Badge tone={OUTCOME_TONE[event.outcome]}>{`${event.outcome} ${event.status}`}</Badge>{' '}
            <strong>{explain(event)}</strong>
          </p>
          {advice ? <p>{advice}</p> : null}
          <dl class="facts">
            <dt>Time</dt>
            <dd>
              <Time iso={event.at} /> ({event.durationMs} ms)
            </dd>
            <dt>Request</dt>
            <dd>
              <code>
                {event.method} {event.path}
              </code>
            </dd>
            {event.requestId ? (
              <>
                <dt>Request id</dt>
                <dd>
                  <code>{event.requestId}</code>{' '}
                  <span class="small muted">(its X-Request-Id; server log lines carry it)</span>
                </dd>
              </>
            ) : null}
            {event.scimType ? (
              <>
                <dt>SCIM error type</dt>
                <dd>
                  <code>{event.scimType}</code>
                </dd>
              </>
            ) : null}
            {event.userId ? (
              <>
                <dt>User</dt>
                <dd>
                  <a href={`/users/${encodeURIComponent(event.userId)}`}>{event.userId}</a> ·{' '}
                  <a href={`/log?user=${encodeURIComponent(event.userId)}`}>its history</a>
                </dd>
              </>
            ) : null}
            {event.groupId ? (
              <>
                <dt>Group</dt>
                <dd>
                  <a href={`/log?group=${encodeURIComponent(event.groupId)}`}>{event.groupId}</a>
                </dd>
              </>
            ) : null}
          </dl>
          <h2>Request body</h2>
          <p class="small muted">As received, with passwords, tokens and other secrets redacted.</p>
          {request === null ? (
            <p class="muted">No body.</p>
          ) : (
            <pre class="json">
              <code>{request}</code>
            </pre>
          )}
          <h2>Response body</h2>
          {response === null ? (
            <p class="muted">Not kept (successful reads keep only their counters).</p>
          ) : (
            <pre class="json">
              <code>{response}</code>
            </pre>
          )}
        </>
      ),
    });
  });
}
