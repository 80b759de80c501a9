/**
 * Setup: the seeds' journey as a checklist with live state (seed 002, "Install and manage SCIM
 * in your HubSpot account"): plan and single sign-on → the SCIM app project (upload, role
 * sync) → verified domains (the TXT record, check now, live status while pending) →
 * Distribution (install: the token, shown once) → connect the IdP (tenant URLs, guides).
 */
import type { ProjectFiles } from '../../directory/scim-app-project/project-files.ts';
import { APP_FILE, SCIM_FILE } from '../../directory/scim-app-project/project-files.ts';
import {
  projectFiles,
  scimAppProjectTemplate,
} from '../../directory/scim-app-project/project-template.ts';
import { tenantUrls } from '../../directory/scim-apps.ts';
import type { ApiProblem } from '../api/problem-response.ts';
import { publicBase } from '../public-base.ts';
import type {
  AccountView,
  DomainView,
  IdpActivityView,
  Installation,
  Items,
  PermissionSetView,
  ScimAppView,
  TokenView,
} from './api-types.ts';
import { Badge, type Tone } from './components/badge.tsx';
import { CopyField } from './components/copy-field.tsx';
import { CsrfField } from './components/csrf-field.tsx';
import { idpName } from './components/idp.ts';
import { Notice } from './components/notice.tsx';
import { PostButton } from './components/post-button.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import { ago, Time } from './components/time.tsx';
import {
  type ConsoleContext,
  type ConsoleDeps,
  ConsoleProblem,
  field,
  fromHtmx,
  param,
} from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { isSandbox, renderPage } from './layout.tsx';

/** A problem to show at one step of the checklist, with what the admin typed. */
interface StepProblem {
  readonly step: 'prerequisites' | 'project' | 'domains' | 'install';
  readonly problem: ApiProblem;
  readonly values?: Readonly<Record<string, string>>;
}

interface SetupState {
  readonly account: AccountView;
  readonly app: ScimAppView | undefined;
  readonly domains: DomainView[];
  readonly tokens: TokenView[];
  readonly permissionSets: PermissionSetView[];
  readonly activity: IdpActivityView[];
  readonly tenantUrl: string;
  readonly entraTenantUrl: string;
}

async function loadState(c: ConsoleContext, deps: ConsoleDeps): Promise<SetupState> {
  const { api } = deps;
  const account = c.get('account') as AccountView;
  const app = await api.run(c, 'getScimApp');
  if (!app.ok && app.problem.status !== 404) throw new ConsoleProblem(app.problem);
  const [domains, tokens, sets, activity] = await Promise.all([
    api.get<Items<DomainView>>(c, 'listDomains'),
    api.get<Items<TokenView>>(c, 'listTokens'),
    api.get<Items<PermissionSetView>>(c, 'listPermissionSets'),
    api.get<{ items: IdpActivityView[] }>(c, 'listIdpActivity'),
  ]);
  return {
    account,
    app: app.ok ? (app.body as ScimAppView) : undefined,
    domains: domains.items,
    tokens: tokens.items,
    permissionSets: sets.items,
    activity: activity.items,
    ...tenantUrls(publicBase(c, deps.publicOrigin)),
  };
}

function StepHeader({
  number,
  title,
  tone,
  state,
}: {
  number: number;
  title: string;
  tone: Tone;
  state: string;
}) {
  return (
    <header>
      <span class="number">{number}</span>
      <h2>{title}</h2>
      <Badge tone={tone}>{state}</Badge>
    </header>
  );
}

function Prerequisites({
  state,
  csrf,
  operator,
  problem,
}: {
  state: SetupState;
  csrf: string;
  operator: boolean;
  problem?: StepProblem | undefined;
}) {
  const { account } = state;
  const missing = account.scim.missing;
  const tierMissing = missing.find((m) => m.prerequisite === 'tier');
  const ssoMissing = missing.find((m) => m.prerequisite === 'sso');
  const custom = state.permissionSets.filter((s) => !s.isMinimal);
  return (
    <li class="step" id="prerequisites">
      <article>
        <StepHeader
          number={1}
          title="Plan and single sign-on"
          tone={missing.length === 0 ? 'ok' : 'bad'}
          state={missing.length === 0 ? 'Ready' : `${missing.length} missing`}
        />
        <p class="muted">
          SCIM needs the professional or enterprise plan, and single sign-on (SSO) enabled: SSO
          decides who can sign in, SCIM decides who has an account.
        </p>
        {problem?.step === 'prerequisites' ? <ProblemNotice problem={problem.problem} /> : null}
        <dl class="facts">
          <dt>Plan</dt>
          <dd>
            {account.tier}{' '}
            {tierMissing ? <Badge tone="bad">Not enough</Badge> : <Badge tone="ok">OK</Badge>}
            {tierMissing ? <p class="small">{tierMissing.message}.</p> : null}
            {tierMissing && !operator ? (
              <p class="small">
                The plan is billing: ask the operator of this Roster to move the account to the
                professional or enterprise plan.
              </p>
            ) : null}
            {tierMissing && operator ? (
              <form method="post" action="/setup/tier" class="actions">
                <CsrfField token={csrf} />
                <label for="tier" class="visually-hidden">
                  Plan
                </label>
                <select id="tier" name="tier">
                  <option value="professional">professional</option>
                  <option value="enterprise">enterprise</option>
                </select>
                <button type="submit">Change the plan</button>
              </form>
            ) : null}
          </dd>
          <dt>Single sign-on</dt>
          <dd>
            {account.ssoEnabled ? (
              <Badge tone="ok">Enabled</Badge>
            ) : (
              <>
                <Badge tone="bad">Not enabled</Badge>
                <p class="small">{ssoMissing?.message}.</p>
                <PostButton action="/setup/sso" csrf={csrf} label="Enable single sign-on" />
              </>
            )}
          </dd>
          <dt>Permission sets</dt>
          <dd>
            {custom.length === 0 ? (
              <>
                Only the built-in minimal set.{' '}
                <a href="/permission-sets">Create the permission sets</a> your IdP roles will name
                before users arrive (with role sync, a role that matches no set gives the minimal
                set).
              </>
            ) : (
              <>
                {custom.length} besides the minimal set (<a href="/permission-sets">review</a>).
              </>
            )}
          </dd>
        </dl>
      </article>
    </li>
  );
}

function ProjectStep({
  state,
  csrf,
  problem,
}: {
  state: SetupState;
  csrf: string;
  problem?: StepProblem | undefined;
}) {
  const { app } = state;
  const template = scimAppProjectTemplate({ name: 'scim-app' });
  const files = template.ok ? template.value : [];
  const templateText = (file: string) =>
    files.find((f) => f.path.endsWith(`/${file}`))?.contents ?? '';
  const values = problem?.step === 'project' ? problem.values : undefined;
  return (
    <li class="step" id="project">
      <article>
        <StepHeader
          number={2}
          title="The SCIM app project"
          tone={app ? 'ok' : 'muted'}
          state={app ? 'Uploaded' : 'To do'}
        />
        {app ? (
          <dl class="facts">
            <dt>App</dt>
            <dd>
              {app.name}{' '}
              <span class="muted">
                (uid <code>{app.uid}</code>)
              </span>
            </dd>
            <dt>SCIM component</dt>
            <dd>
              <code>{app.scimUid}</code>
            </dd>
            <dt>Role sync</dt>
            <dd>
              <p>
                {app.roleSyncEnabled ? (
                  <>
                    <Badge tone="ok">On</Badge> The role your IdP sends names the user's permission
                    set, matched exactly (case and spaces count).
                  </>
                ) : (
                  <>
                    <Badge tone="muted">Off</Badge> Roles your IdP sends are accepted and ignored;
                    permission sets are set here.
                  </>
                )}
              </p>
              <PostButton
                action="/setup/role-sync"
                csrf={csrf}
                label={app.roleSyncEnabled ? 'Turn role sync off' : 'Turn role sync on'}
                fields={{ roleSyncEnabled: app.roleSyncEnabled ? 'false' : 'true' }}
                variant="secondary"
              />
              <p class="small muted">
                This uploads the project again with <code>config.roleSyncEnabled</code> changed in{' '}
                <code>{SCIM_FILE}</code>, as <code>roster project upload</code> would. It changes no
                user until the IdP's next update.
              </p>
            </dd>
            <dt>Last upload</dt>
            <dd>
              <Time iso={app.updatedAt} />
            </dd>
          </dl>
        ) : (
          <p>
            The project's two files describe the app and its SCIM component, as in the seeds:{' '}
            <code>src/app/{APP_FILE}</code> and <code>src/app/{SCIM_FILE}</code>. Edit the template
            below (<code>uid</code>, <code>name</code>, <code>description</code>,{' '}
            <code>roleSyncEnabled</code>) or choose your files, then upload. An account has one SCIM
            app.
          </p>
        )}
        {problem?.step === 'project' ? (
          <ProblemNotice problem={problem.problem} title="The project was not uploaded." />
        ) : null}
        <details open={!app || problem?.step === 'project'}>
          <summary>{app ? 'Upload the project again' : 'Upload the project'}</summary>
          <form method="post" action="/setup/project" enctype="multipart/form-data">
            <CsrfField token={csrf} />
            <div class="grid">
              <label>
                <code>{APP_FILE}</code> file
                <input type="file" name="appFile" accept=".json,application/json" />
              </label>
              <label>
                <code>{SCIM_FILE}</code> file
                <input type="file" name="scimFile" accept=".json,application/json" />
              </label>
            </div>
            <p class="small muted">Or paste or edit the files' text (a chosen file wins):</p>
            <label for="appText">
              <code>src/app/{APP_FILE}</code>
            </label>
            <textarea id="appText" name="appText" rows={12} spellcheck={false}>
              {values?.appText ?? (app ? appText(app) : templateText(APP_FILE))}
            </textarea>
            <label for="scimText">
              <code>src/app/{SCIM_FILE}</code>
            </label>
            <textarea id="scimText" name="scimText" rows={7} spellcheck={false}>
              {values?.scimText ?? (app ? scimText(app) : templateText('scim-hsmeta.json'))}
            </textarea>
            <button type="submit">Upload the project</button>
          </form>
        </details>
      </article>
    </li>
  );
}

const appFiles = (app: ScimAppView) =>
  projectFiles({
    app: { uid: app.uid, name: app.name, description: app.description },
    scim: { uid: app.scimUid, roleSyncEnabled: app.roleSyncEnabled },
  });
const appText = (app: ScimAppView) => appFiles(app)[APP_FILE];
const scimText = (app: ScimAppView) => appFiles(app)[SCIM_FILE];

const DOMAIN_TONE: Readonly<Record<DomainView['state'], Tone>> = {
  verified: 'ok',
  pending: 'warn',
  failed: 'bad',
};

const DOMAIN_STATE: Readonly<Record<DomainView['state'], string>> = {
  verified: 'Verified',
  pending: 'Waiting for the TXT record',
  failed: 'Not verified',
};

/** One domain: its state in words, the record to publish, and what to do; live while pending. */
export function DomainRow({
  domain,
  csrf,
  recheckSeconds,
  now = Date.now(),
}: {
  domain: DomainView;
  csrf: string;
  recheckSeconds: number;
  now?: number;
}) {
  const path = `/setup/domains/${encodeURIComponent(domain.domain)}`;
  const slug = domain.domain.replace(/[^a-z0-9]+/gi, '-');
  const live = domain.state === 'pending';
  return (
    <article
      class="domain"
      id={`domain-${slug}`}
      hx-get={live ? `${path}/status` : undefined}
      hx-trigger={live ? 'every 10s' : undefined}
      hx-swap={live ? 'outerHTML' : undefined}
      aria-live="polite"
    >
      <header class="actions">
        <strong>{domain.domain}</strong>
        <Badge tone={DOMAIN_TONE[domain.state]}>{DOMAIN_STATE[domain.state]}</Badge>
      </header>
      {domain.state === 'verified' ? (
        <p>
          Verified <Time iso={domain.verifiedAt} />. Users with emails at {domain.domain} can be
          provisioned. Removing the TXT record now changes nothing: verification proves control
          once.
        </p>
      ) : (
        <>
          <p>
            In your DNS provider, publish this TXT record, exactly as shown. DNS changes usually
            take under an hour to reach Roster, and can take up to 48 hours.
          </p>
          <div class="grid">
            <CopyField id={`host-${slug}`} label="Host (name)" value={domain.txtRecord.host} />
            <CopyField id={`value-${slug}`} label="Value" value={domain.txtRecord.value} />
          </div>
          <p>
            {domain.lastCheckedAt ? (
              <>
                <strong>Last check</strong> {ago(domain.lastCheckedAt, now)}:{' '}
                {domain.failureReason ?? 'not verified yet'}.
              </>
            ) : (
              <>Not checked yet.</>
            )}{' '}
            {domain.state === 'pending' && domain.checkUntil ? (
              recheckSeconds > 0 ? (
                <>
                  Roster checks again every {Math.round(recheckSeconds / 60) || 1} minute
                  {Math.round(recheckSeconds / 60) === 1 ? '' : 's'} until{' '}
                  <Time iso={domain.checkUntil} />; this page follows.
                </>
              ) : (
                <>
                  Automatic checks are off on this server: check now once the record is published.
                </>
              )
            ) : null}
            {domain.state === 'failed' ? (
              <>
                Roster stopped checking after 48 hours. Correct the record if needed (spelling of
                the domain, the exact value), then check again: that starts a new 48 hours.
              </>
            ) : null}
          </p>
        </>
      )}
      <footer class="actions">
        {domain.state !== 'verified' ? (
          <form
            method="post"
            action={`${path}/verify`}
            class="inline-form"
            hx-post={`${path}/verify`}
            hx-target={`#domain-${slug}`}
            hx-swap="outerHTML"
          >
            <CsrfField token={csrf} />
            <button type="submit">
              Check now <span class="htmx-indicator">…</span>
            </button>
          </form>
        ) : null}
        <PostButton
          action={`${path}/remove`}
          csrf={csrf}
          label="Remove"
          variant="secondary"
          confirm={`Remove ${domain.domain}? Its users can no longer be provisioned by SCIM.`}
        />
      </footer>
    </article>
  );
}

function DomainsStep({
  state,
  csrf,
  recheckSeconds,
  problem,
}: {
  state: SetupState;
  csrf: string;
  recheckSeconds: number;
  problem?: StepProblem | undefined;
}) {
  const verified = state.domains.filter((d) => d.state === 'verified').length;
  const sandbox = isSandbox(state.account);
  return (
    <li class="step" id="domains">
      <article>
        <StepHeader
          number={3}
          title="Verified domains"
          tone={
            verified > 0 ? 'ok' : sandbox ? 'warn' : state.domains.length > 0 ? 'warn' : 'muted'
          }
          state={
            verified > 0
              ? `${verified} verified`
              : sandbox
                ? 'Not needed (sandbox)'
                : state.domains.length > 0
                  ? 'Waiting'
                  : 'To do'
          }
        />
        <p class="muted">
          Users must have emails in a domain verified for this account; others are refused, and the
          provisioning log names the domain.
          {sandbox
            ? ' This sandbox account accepts users in any domain, so verifying is optional here.'
            : ''}
        </p>
        {state.domains.map((domain) => (
          <DomainRow domain={domain} csrf={csrf} recheckSeconds={recheckSeconds} />
        ))}
        {problem?.step === 'domains' ? (
          <ProblemNotice problem={problem.problem} title="The domain was not added." />
        ) : null}
        <form method="post" action="/setup/domains">
          <CsrfField token={csrf} />
          <label for="domain">Add a domain your users' emails are in</label>
          {/* biome-ignore lint/a11y/noRedundantRoles: Pico lays out [role=group] as one row */}
          <fieldset role="group">
            <input
              id="domain"
              name="domain"
              placeholder="acme.com"
              required
              value={problem?.step === 'domains' ? problem.values?.domain : undefined}
            />
            <button type="submit">Add domain</button>
          </fieldset>
        </form>
      </article>
    </li>
  );
}

function InstallStep({
  state,
  csrf,
  problem,
}: {
  state: SetupState;
  csrf: string;
  problem?: StepProblem | undefined;
}) {
  const { app, account } = state;
  const active = state.tokens.filter((t) => t.state === 'active' || t.state === 'expiring');
  const blockers = [
    ...account.scim.missing.map((m) => `${m.message} (step 1)`),
    ...(app ? [] : ['the project is not uploaded yet (step 2)']),
  ];
  return (
    <li class="step" id="install">
      <article>
        <StepHeader
          number={4}
          title="Distribution: install the app"
          tone={app?.installed ? 'ok' : blockers.length > 0 ? 'muted' : 'warn'}
          state={
            app?.installed ? 'Installed' : blockers.length > 0 ? 'Blocked' : 'Ready to install'
          }
        />
        {problem?.step === 'install' ? (
          <ProblemNotice problem={problem.problem} title="The app was not installed." />
        ) : null}
        {app?.installed ? (
          <>
            <p>
              Installed <Time iso={app.installedAt} />. {active.length} active access token
              {active.length === 1 ? '' : 's'}. The token belongs to the installation, not to a
              person: it keeps working when the admin who installed the app leaves.
            </p>
            <p>
              The token was shown once, at install. Lost it? <a href="/tokens">Rotate it</a> to get
              a new one; the old one keeps working for an overlap you choose.
            </p>
          </>
        ) : blockers.length > 0 ? (
          <p>Installing needs: {blockers.join('; ')}.</p>
        ) : (
          <>
            <p>
              Installing issues the access token your identity provider will send. It is shown once,
              on the next page.
            </p>
            <PostButton action="/setup/install" csrf={csrf} label="Install now" />
          </>
        )}
      </article>
    </li>
  );
}

function ConnectStep({ state }: { state: SetupState }) {
  const working = state.activity.filter((a) => a.requests > a.failures);
  return (
    <li class="step" id="connect">
      <article>
        <StepHeader
          number={5}
          title="Connect your identity provider"
          tone={working.length > 0 ? 'ok' : 'muted'}
          state={
            working.length > 0
              ? `${working.map((a) => idpName(a.idp)).join(', ')} connected`
              : 'No IdP has called yet'
          }
        />
        <p>
          Paste the tenant URL and the access token into your identity provider. Microsoft Entra ID
          takes the Entra URL, which opts it into standard SCIM requests.
        </p>
        <CopyField id="tenant-url" label="Tenant URL" value={state.tenantUrl} />
        <CopyField
          id="entra-tenant-url"
          label="Microsoft Entra ID tenant URL"
          value={state.entraTenantUrl}
        />
        <p>
          Step by step for your IdP: <a href="/guides">IdP setup guides</a>. Then watch the{' '}
          <a href="/connections">connection status</a>.
        </p>
      </article>
    </li>
  );
}

async function setupPage(c: ConsoleContext, deps: ConsoleDeps, problem?: StepProblem) {
  const state = await loadState(c, deps);
  const csrf = c.get('csrf');
  const operator = c.get('open').caller.kind === 'operator';
  const done = [
    state.account.scim.installable,
    state.app !== undefined,
    state.domains.some((d) => d.state === 'verified') || isSandbox(state.account),
    state.app?.installed === true,
    state.activity.some((a) => a.requests > a.failures),
  ].filter(Boolean).length;
  return renderPage(
    c,
    deps,
    {
      title: 'Setup',
      nav: '/setup',
      children: (
        <>
          <h1>Set up SCIM provisioning</h1>
          <p class="lede">
            {done === 5
              ? 'Everything is in place: your identity provider provisions users.'
              : `${done} of 5 steps done. Each step shows what is missing and why.`}
          </p>
          <ol class="checklist">
            <Prerequisites state={state} csrf={csrf} operator={operator} problem={problem} />
            <ProjectStep state={state} csrf={csrf} problem={problem} />
            <DomainsStep
              state={state}
              csrf={csrf}
              recheckSeconds={deps.domainRecheckSeconds}
              problem={problem}
            />
            <InstallStep state={state} csrf={csrf} problem={problem} />
            <ConnectStep state={state} />
          </ol>
        </>
      ),
    },
    problem ? (problem.problem.status as 400) : 200,
  );
}

/** The page right after install: the token, once, with where it goes. */
function InstalledPage({ installation }: { installation: Installation }) {
  return (
    <>
      <h1>The SCIM app is installed</h1>
      <Notice tone="warn">
        <p>
          <strong>Copy the access token now.</strong> This is the only time it is shown: Roster
          keeps only its hash. Paste it into your identity provider with the tenant URL. If you lose
          it, rotate the token on the Access tokens page.
        </p>
      </Notice>
      <div class="token-once">
        <CopyField
          id="access-token"
          label="Access token"
          value={installation.token}
          hint={`Token ${installation.tokenRecord.prefix}…, created ${installation.tokenRecord.createdAt}`}
        />
      </div>
      <CopyField id="tenant-url" label="Tenant URL" value={installation.tenantUrl} />
      <CopyField
        id="entra-tenant-url"
        label="Microsoft Entra ID tenant URL"
        value={installation.entraTenantUrl}
      />
      {installation.warnings.map((warning) => (
        <Notice tone="warn">
          <p>{warning}.</p>
        </Notice>
      ))}
      <p>
        Next: follow the <a href="/guides">setup guide for your IdP</a>, then check the{' '}
        <a href="/connections">connection status</a>. <a href="/setup">Back to setup</a>.
      </p>
    </>
  );
}

/** A form file's text, or undefined when no file was chosen. */
async function fileText(form: FormData, name: string): Promise<string | undefined> {
  const value = form.get(name);
  if (value === null || typeof value === 'string' || value.size === 0) return undefined;
  return value.text();
}

export function setupPages(routes: ConsoleRoutes, deps: ConsoleDeps) {
  const { api } = deps;
  const back = (c: ConsoleContext, done: string, anchor: string) =>
    c.redirect(`/setup?done=${done}#${anchor}`, 303);

  routes.get('/setup', (c) => setupPage(c, deps));

  routes.post('/setup/sso', async (c) => {
    const outcome = await api.run(c, 'updateAccount', { body: { ssoEnabled: true } });
    if (!outcome.ok) return setupPage(c, deps, { step: 'prerequisites', problem: outcome.problem });
    return back(c, 'sso-on', 'prerequisites');
  });

  routes.post('/setup/tier', async (c) => {
    const tier = field(c.get('form'), 'tier');
    const outcome = await api.run(c, 'updateAccount', { body: { tier } });
    if (!outcome.ok) return setupPage(c, deps, { step: 'prerequisites', problem: outcome.problem });
    return c.redirect('/setup?done=account-updated#prerequisites', 303);
  });

  routes.post('/setup/project', async (c) => {
    const form = c.get('form');
    const appTextValue =
      (await fileText(form, 'appFile')) ?? (form.get('appText') as string | null) ?? undefined;
    const scimTextValue =
      (await fileText(form, 'scimFile')) ?? (form.get('scimText') as string | null) ?? undefined;
    const files: ProjectFiles = { [APP_FILE]: appTextValue, [SCIM_FILE]: scimTextValue };
    const outcome = await api.run(c, 'uploadScimAppProject', { body: { files } });
    if (!outcome.ok) {
      return setupPage(c, deps, {
        step: 'project',
        problem: outcome.problem,
        values: { appText: appTextValue ?? '', scimText: scimTextValue ?? '' },
      });
    }
    return back(c, 'project-uploaded', 'project');
  });

  routes.post('/setup/role-sync', async (c) => {
    const app = await api.get<ScimAppView>(c, 'getScimApp');
    const roleSyncEnabled = field(c.get('form'), 'roleSyncEnabled') === 'true';
    const files = appFiles({ ...app, roleSyncEnabled });
    const outcome = await api.run(c, 'uploadScimAppProject', { body: { files } });
    if (!outcome.ok) return setupPage(c, deps, { step: 'project', problem: outcome.problem });
    return back(c, roleSyncEnabled ? 'role-sync-on' : 'role-sync-off', 'project');
  });

  routes.post('/setup/domains', async (c) => {
    const domain = field(c.get('form'), 'domain') ?? '';
    const outcome = await api.run(c, 'addDomain', { body: { domain } });
    if (!outcome.ok) {
      return setupPage(c, deps, { step: 'domains', problem: outcome.problem, values: { domain } });
    }
    return back(c, 'domain-added', 'domains');
  });

  /** The row alone, for htmx; a failed action shows its problem above the row. */
  const domainRow = async (c: ConsoleContext, name: string, problem?: ApiProblem) => {
    const domain = await api.get<DomainView>(c, 'getDomain', { params: { domain: name } });
    const row = (
      <DomainRow domain={domain} csrf={c.get('csrf')} recheckSeconds={deps.domainRecheckSeconds} />
    );
    return c.html(
      problem ? (
        <div class="domain-result">
          <ProblemNotice problem={problem} title="The check did not run." />
          {row}
        </div>
      ) : (
        row
      ),
    );
  };

  // Live status: the row, polled by htmx while the domain is pending.
  routes.get('/setup/domains/:domain/status', (c) => domainRow(c, param(c, 'domain')));

  routes.post('/setup/domains/:domain/verify', async (c) => {
    const name = param(c, 'domain');
    const outcome = await api.run(c, 'verifyDomain', { params: { domain: name } });
    if (!outcome.ok) {
      if (fromHtmx(c)) return domainRow(c, name, outcome.problem);
      return setupPage(c, deps, { step: 'domains', problem: outcome.problem });
    }
    if (fromHtmx(c)) return domainRow(c, name);
    return c.redirect(`/setup#domains`, 303);
  });

  routes.post('/setup/domains/:domain/remove', async (c) => {
    const outcome = await api.run(c, 'removeDomain', { params: { domain: param(c, 'domain') } });
    if (!outcome.ok) return setupPage(c, deps, { step: 'domains', problem: outcome.problem });
    return back(c, 'domain-removed', 'domains');
  });

  routes.post('/setup/install', async (c) => {
    const outcome = await api.run(c, 'installScimApp');
    if (!outcome.ok) return setupPage(c, deps, { step: 'install', problem: outcome.problem });
    const installation = outcome.body as Installation;
    return renderPage(c, deps, {
      title: 'Installed',
      nav: '/setup',
      children: <InstalledPage installation={installation} />,
    });
  });
}
