/**
 * The console's one layout: a header with the account shown and sign-out, the navigation, and
 * the page. htmx is configured by a meta tag (no inline script: the CSP forbids it), with eval,
 * script tags in fragments, its inline indicator styles and its history cache all off (the
 * history cache would keep pages, tokens included, in the browser's localStorage).
 */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Badge } from './components/badge.tsx';
import { Notice } from './components/notice.tsx';
import type { AccountView, ConsoleContext, ConsoleDeps } from './console-env.ts';

const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  selfRequestsOnly: true,
});

interface NavItem {
  readonly href: string;
  readonly label: string;
}

const ACCOUNT_NAV: readonly (readonly [string, readonly NavItem[]])[] = [
  [
    'Set up',
    [
      { href: '/setup', label: 'Setup' },
      { href: '/guides', label: 'IdP setup guides' },
    ],
  ],
  [
    'Monitor',
    [
      { href: '/connections', label: 'Connection status' },
      { href: '/log', label: 'Provisioning log' },
      { href: '/brake', label: 'Deprovisioning brake' },
      { href: '/audit', label: 'Audit trail' },
    ],
  ],
  [
    'Directory',
    [
      { href: '/users', label: 'Users' },
      { href: '/permission-sets', label: 'Permission sets' },
      { href: '/teams', label: 'Teams' },
      { href: '/seat-pools', label: 'Seat pools' },
      { href: '/groups', label: 'Groups' },
      { href: '/tokens', label: 'Access tokens' },
      { href: '/webhooks', label: 'Webhooks' },
    ],
  ],
];

/**
 * Whether the account is a sandbox (PRODUCT.md item 8: it says so wherever the account is
 * shown). The setting arrives with the operator's sandbox work; until the account view carries
 * `sandbox`, this is false and nothing is shown.
 */
export function isSandbox(account: AccountView | undefined): boolean {
  return (account as { sandbox?: unknown } | undefined)?.sandbox === true;
}

/** Messages a redirect after a form names (`?done=…`): fixed texts, never reflected input. */
const DONE: Readonly<Record<string, string>> = {
  'signed-out': 'You are signed out.',
  'project-uploaded': 'The project is uploaded.',
  'role-sync-on': 'Role sync is on: from the next update, each IdP role names the permission set.',
  'role-sync-off': 'Role sync is off: roles the IdP sends are accepted and ignored.',
  'sso-on': 'Single sign-on is enabled for the account.',
  'domain-added': 'The domain is added. Publish its TXT record, then check it.',
  'domain-removed': 'The domain is removed.',
  'user-created': 'The user is created. It was not added to your identity provider.',
  'user-updated': 'The user is saved.',
  'user-deactivated': 'The user is deactivated. Its data stays.',
  'user-reactivated': 'The user is active again.',
  'permission-set-created': 'The permission set is created.',
  'permission-set-updated': 'The permission set is saved.',
  'permission-set-deleted': 'The permission set is deleted.',
  'team-created': 'The team is created.',
  'team-renamed': 'The team is renamed.',
  'team-deleted': 'The team is deleted.',
  'seats-set': 'The seat pool is saved.',
  'group-mapped':
    "The group is mapped. Its members' permission sets follow it while role sync is on.",
  'group-unmapped': "The mapping is removed. Its members' permission sets are decided again.",
  'token-revoked': 'The token is revoked: an IdP using it is refused from now on.',
  'webhook-enabled': 'The endpoint is enabled: delivery resumes at its cursor.',
  'webhook-disabled': 'The endpoint is disabled: its events wait until it is enabled again.',
  'webhook-deleted': 'The endpoint and its delivery log are deleted.',
  'brake-released': "The brake is released: the IdP's retried deactivations go through.",
  'account-created': 'The account is created.',
  'account-updated': 'The account is saved.',
  'account-shown': 'You are looking at another account now.',
};

export interface PageProps {
  readonly title: string;
  /** The navigation entry to mark as the current page. */
  readonly nav?: string;
  readonly children: Child;
}

function Navigation({
  current,
  account,
  operator,
}: {
  current: string | undefined;
  account: AccountView | undefined;
  operator: boolean;
}) {
  const link = (item: NavItem) => (
    <li>
      <a href={item.href} aria-current={item.href === current ? 'page' : undefined}>
        {item.label}
      </a>
    </li>
  );
  return (
    <nav aria-label="Console">
      {account
        ? ACCOUNT_NAV.map(([heading, items]) => (
            <>
              <h2>{heading}</h2>
              <ul>{items.map(link)}</ul>
            </>
          ))
        : null}
      {operator ? (
        <>
          <h2>Operator</h2>
          <ul>{link({ href: '/operator', label: 'Accounts and health' })}</ul>
        </>
      ) : null}
    </nav>
  );
}

/** A whole page for a signed-in admin. */
export function renderPage(
  c: ConsoleContext,
  deps: ConsoleDeps,
  props: PageProps,
  status: ContentfulStatusCode = 200,
) {
  const account = c.get('account');
  const caller = c.get('open').caller;
  const operator = caller.kind === 'operator';
  const done = DONE[c.req.query('done') ?? ''];
  return c.html(
    <Document deps={deps} title={props.title} csrf={c.get('csrf')}>
      <header class="container">
        <nav>
          <ul>
            <li>
              <a class="brand" href="/">
                Roster
              </a>
            </li>
            {account ? (
              <li>
                <span>
                  {account.name}{' '}
                  {isSandbox(account) ? <Badge tone="warn">Sandbox account</Badge> : null}
                </span>
              </li>
            ) : null}
          </ul>
          <ul>
            {operator ? (
              <li>
                <a href="/operator">{account ? 'Switch account' : 'Choose an account'}</a>
              </li>
            ) : null}
            <li>
              <span class="muted small">
                {caller.kind === 'operator' ? 'Operator key' : `Admin key ${caller.prefix}…`}
              </span>
            </li>
            <li>
              <form method="post" action="/sign-out">
                <input type="hidden" name="_csrf" value={c.get('csrf')} />
                <button type="submit" class="secondary outline">
                  Sign out
                </button>
              </form>
            </li>
          </ul>
        </nav>
      </header>
      <div class="container layout">
        <Navigation current={props.nav} account={account} operator={operator} />
        <main id="main">
          {isSandbox(account) ? (
            <Notice tone="warn">
              <p>
                <strong>This is a sandbox account.</strong> It accepts users in any email domain, so
                an IdP or a test suite can be tried before a domain is verified. Do not use it for
                real people.
              </p>
            </Notice>
          ) : null}
          {done ? (
            <Notice tone="ok">
              <p>{done}</p>
            </Notice>
          ) : null}
          {props.children}
        </main>
      </div>
    </Document>,
    status,
  );
}

/** The HTML document around any console page, signed in or not. */
export function Document({
  deps,
  title,
  csrf,
  children,
}: {
  deps: ConsoleDeps;
  title: string;
  csrf?: string | undefined;
  children: Child;
}) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <meta name="referrer" content="same-origin" />
          <link rel="icon" href="data:," />
          <title>{`${title} · Roster`}</title>
          <link rel="stylesheet" href={deps.assets.url('pico.min.css')} />
          <link rel="stylesheet" href={deps.assets.url('console.css')} />
          <script src={deps.assets.url('htmx.min.js')} defer />
          <script src={deps.assets.url('console.js')} defer />
        </head>
        <body hx-headers={csrf ? JSON.stringify({ 'X-CSRF-Token': csrf }) : undefined}>
          <a class="visually-hidden" href="#main">
            Skip to the page
          </a>
          {children}
          <div id="copy-status" class="visually-hidden" aria-live="polite" />
        </body>
      </html>
    </>
  );
}
