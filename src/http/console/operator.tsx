/**
 * The operator's page: every account (create, plan, pricing model, SSO; choose the one the
 * console shows), and this instance's health.
 */
import type { Directory } from '../../directory/directory.ts';
import type { ApiProblem } from '../api/problem-response.ts';
import type { AccountList, AccountView, AuthFailure, Items } from './api-types.ts';
import { Badge } from './components/badge.tsx';
import { CsrfField } from './components/csrf-field.tsx';
import { EmptyState } from './components/empty-state.tsx';
import { Notice } from './components/notice.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import { Time } from './components/time.tsx';
import { type ConsoleContext, type ConsoleDeps, field, param } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { isSandbox, renderPage } from './layout.tsx';

const TIERS = ['starter', 'professional', 'enterprise'] as const;
const MODELS = ['classic', 'seats'] as const;

function AccountFields({ account, prefix }: { account?: AccountView | undefined; prefix: string }) {
  return (
    <div class="grid">
      <label>
        Name
        <input name="name" required value={account?.name} id={`${prefix}-name`} />
      </label>
      <label>
        Plan
        <select name="tier" id={`${prefix}-tier`}>
          {TIERS.map((tier) => (
            <option value={tier} selected={(account?.tier ?? 'enterprise') === tier}>
              {tier}
            </option>
          ))}
        </select>
      </label>
      <label>
        Pricing model
        <select name="pricingModel" id={`${prefix}-model`}>
          {MODELS.map((model) => (
            <option value={model} selected={(account?.pricingModel ?? 'classic') === model}>
              {model}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          name="ssoEnabled"
          value="true"
          checked={account?.ssoEnabled ?? true}
        />
        Single sign-on enabled
      </label>
    </div>
  );
}

const accountBody = (form: FormData) => ({
  name: field(form, 'name') ?? '',
  tier: field(form, 'tier'),
  pricingModel: field(form, 'pricingModel'),
  ssoEnabled: form.get('ssoEnabled') === 'true',
});

async function health(c: ConsoleContext, deps: ConsoleDeps, directory: Directory) {
  const started = performance.now();
  let database: string;
  try {
    await directory.store.ping();
    database = `reachable (${Math.round((performance.now() - started) * 10) / 10} ms round trip)`;
  } catch {
    database = 'unreachable';
  }
  const from = new Date(Date.now() - 24 * 3600_000).toISOString();
  const failures = await deps.api.run(c, 'listAllAuthFailures', { query: { from, limit: '200' } });
  const unknown = failures.ok
    ? (failures.body as Items<AuthFailure>).items
        .filter((f) => f.accountId === null)
        .reduce((sum, f) => sum + f.count, 0)
    : 0;
  return {
    database,
    reachable: database !== 'unreachable',
    dialect: directory.store.dialect,
    backlog: directory.provisioningLog.backlog(),
    uptimeSeconds: Math.round(process.uptime()),
    rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
    node: process.version,
    unknown,
  };
}

async function page(
  c: ConsoleContext,
  deps: ConsoleDeps,
  directory: Directory,
  problem?: ApiProblem,
) {
  const [accounts, state] = await Promise.all([
    deps.api.get<AccountList>(c, 'listAccounts'),
    health(c, deps, directory),
  ]);
  const shown = c.get('account')?.id;
  const csrf = c.get('csrf');
  return renderPage(
    c,
    deps,
    {
      title: 'Accounts and health',
      nav: '/operator',
      children: (
        <>
          <h1>Accounts and health</h1>
          {c.req.query('choose') ? (
            <Notice tone="warn">
              <p>Choose the account to look at first.</p>
            </Notice>
          ) : null}
          {problem ? <ProblemNotice problem={problem} /> : null}
          <section>
            <h2>This instance</h2>
            <dl class="facts">
              <dt>Database</dt>
              <dd>
                {state.dialect}, {state.database}{' '}
                {state.reachable ? (
                  <Badge tone="ok">Ready</Badge>
                ) : (
                  <Badge tone="bad">Not ready</Badge>
                )}
              </dd>
              <dt>Provisioning log</dt>
              <dd>
                {state.backlog} event{state.backlog === 1 ? '' : 's'} waiting to be written
              </dd>
              <dt>Process</dt>
              <dd>
                up {Math.floor(state.uptimeSeconds / 3600)} h{' '}
                {Math.floor((state.uptimeSeconds % 3600) / 60)} min, {state.rssMb} MB resident,
                Node.js {state.node}
              </dd>
              <dt>Unknown tokens, 24 h</dt>
              <dd>
                {state.unknown} SCIM request{state.unknown === 1 ? '' : 's'} with a token Roster
                never issued (typos, or guessing; throttled per address)
              </dd>
            </dl>
            <p class="small muted">
              Load balancers probe <code>/healthz</code> (the process) and <code>/readyz</code> (the
              database).
            </p>
          </section>
          <section>
            <h2>Accounts</h2>
            {accounts.items.length === 0 ? (
              <EmptyState title="No accounts yet">
                <p>Create the first account below.</p>
              </EmptyState>
            ) : (
              <TableScroll label="Accounts">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Account</th>
                      <th scope="col">Plan</th>
                      <th scope="col">Pricing</th>
                      <th scope="col">SSO</th>
                      <th scope="col">SCIM</th>
                      <th scope="col">Look at</th>
                    </tr>
                  </thead>
                  <tbody>
                    {accounts.items.map((account) => (
                      <tr>
                        <td>
                          {account.name}{' '}
                          {isSandbox(account) ? <Badge tone="warn">Sandbox</Badge> : null}
                          <br />
                          <span class="small muted">
                            <code>{account.id}</code> · created <Time iso={account.createdAt} />
                          </span>
                          <details>
                            <summary class="small">Change</summary>
                            <form
                              method="post"
                              action={`/operator/accounts/${encodeURIComponent(account.id)}`}
                            >
                              <CsrfField token={csrf} />
                              <AccountFields account={account} prefix={`edit-${account.id}`} />
                              <button type="submit">Save</button>
                            </form>
                          </details>
                        </td>
                        <td>{account.tier}</td>
                        <td>{account.pricingModel}</td>
                        <td>{account.ssoEnabled ? 'on' : 'off'}</td>
                        <td>
                          {account.scim.installable ? (
                            <Badge tone="ok">Allowed</Badge>
                          ) : (
                            <Badge tone="muted">{`${account.scim.missing.map((m) => m.prerequisite).join(', ')} missing`}</Badge>
                          )}
                        </td>
                        <td>
                          {account.id === shown ? (
                            <Badge tone="ok">Shown</Badge>
                          ) : (
                            <form method="post" action="/operator/show" class="inline-form">
                              <CsrfField token={csrf} />
                              <input type="hidden" name="accountId" value={account.id} />
                              <button
                                type="submit"
                                class="secondary"
                                aria-label={`Look at ${account.name}`}
                              >
                                Look at
                              </button>
                            </form>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
            <h3>New account</h3>
            <form method="post" action="/operator/accounts">
              <CsrfField token={csrf} />
              <AccountFields prefix="new" />
              <button type="submit">Create the account</button>
            </form>
            <p class="small muted">
              Its admins sign in with an account admin key:{' '}
              <code>roster admin-keys create --account ID</code>.
            </p>
          </section>
        </>
      ),
    },
    problem ? (problem.status as 400) : 200,
  );
}

export function operatorPages(routes: ConsoleRoutes, deps: ConsoleDeps, directory: Directory) {
  const sessions = directory.consoleSessions;
  routes.get('/operator', (c) => page(c, deps, directory), 'operator');
  routes.post(
    '/operator/show',
    async (c) => {
      const accountId = field(c.get('form'), 'accountId') ?? '';
      await sessions.showAccount(c.get('open'), accountId);
      return c.redirect('/setup?done=account-shown', 303);
    },
    'operator',
  );
  routes.post(
    '/operator/accounts',
    async (c) => {
      const outcome = await deps.api.run(c, 'createAccount', { body: accountBody(c.get('form')) });
      if (!outcome.ok) return page(c, deps, directory, outcome.problem);
      await sessions.showAccount(c.get('open'), (outcome.body as AccountView).id);
      return c.redirect('/setup?done=account-created', 303);
    },
    'operator',
  );
  routes.post(
    '/operator/accounts/:accountId',
    async (c) => {
      const outcome = await deps.api.run(c, 'updateAccount', {
        params: { accountId: param(c, 'accountId') },
        body: accountBody(c.get('form')),
      });
      if (!outcome.ok) return page(c, deps, directory, outcome.problem);
      return c.redirect('/operator?done=account-updated', 303);
    },
    'operator',
  );
}
