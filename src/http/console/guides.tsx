/**
 * IdP setup guides, written for Roster: one per identity provider, each filled in with this
 * account's tenant URL and the name of the IdP's token field, its attribute mappings, and what
 * it does on unassign, disable and delete.
 */
import { tenantUrls } from '../../directory/scim-apps.ts';
import { ApiProblem } from '../api/problem-response.ts';
import { publicBase } from '../public-base.ts';
import type { DomainView, Items, ScimAppView, TokenView } from './api-types.ts';
import { Badge } from './components/badge.tsx';
import { CopyField } from './components/copy-field.tsx';
import { Notice } from './components/notice.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import type { ConsoleContext, ConsoleDeps } from './console-env.ts';
import { ConsoleProblem, param } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { entraGuide } from './guides/entra.tsx';
import { googleGuide } from './guides/google.tsx';
import type { GuideValues, IdpGuide } from './guides/idp-guide.ts';
import { jumpcloudGuide } from './guides/jumpcloud.tsx';
import { oktaGuide } from './guides/okta.tsx';
import { oneloginGuide } from './guides/onelogin.tsx';
import { pingGuide } from './guides/ping.tsx';
import { isSandbox, renderPage } from './layout.tsx';

export const GUIDES: readonly IdpGuide[] = [
  oktaGuide,
  entraGuide,
  oneloginGuide,
  jumpcloudGuide,
  pingGuide,
  googleGuide,
];

interface Readiness {
  readonly values: GuideValues;
  readonly installed: boolean;
  readonly verifiedDomains: string[];
}

async function readiness(c: ConsoleContext, deps: ConsoleDeps): Promise<Readiness> {
  const [app, tokens, domains] = await Promise.all([
    deps.api.run(c, 'getScimApp'),
    deps.api.get<Items<TokenView>>(c, 'listTokens'),
    deps.api.get<Items<DomainView>>(c, 'listDomains'),
  ]);
  const scimApp = app.ok ? (app.body as ScimAppView) : undefined;
  return {
    values: {
      ...tenantUrls(publicBase(c, deps.publicOrigin)),
      activeTokens: tokens.items
        .filter((t) => t.state === 'active' || t.state === 'expiring')
        .map((t) => t.prefix),
      roleSyncEnabled: scimApp?.roleSyncEnabled ?? false,
    },
    installed: scimApp?.installed ?? false,
    verifiedDomains: domains.items.filter((d) => d.state === 'verified').map((d) => d.domain),
  };
}

function BeforeYouStart({ ready, sandbox }: { ready: Readiness; sandbox: boolean }) {
  return (
    <ul>
      <li>
        {ready.installed ? <Badge tone="ok">Done</Badge> : <Badge tone="bad">To do</Badge>} The SCIM
        app is installed {ready.installed ? '' : <a href="/setup#install">(Setup, step 4)</a>}
      </li>
      <li>
        {ready.verifiedDomains.length > 0 || sandbox ? (
          <Badge tone="ok">Done</Badge>
        ) : (
          <Badge tone="bad">To do</Badge>
        )}{' '}
        {ready.verifiedDomains.length > 0
          ? `Verified domain${ready.verifiedDomains.length === 1 ? '' : 's'}: ${ready.verifiedDomains.join(', ')}. Only users with emails there are accepted.`
          : sandbox
            ? 'This sandbox account accepts users in any domain.'
            : 'No verified domain yet: users are refused until their email domain is verified (Setup, step 3).'}
      </li>
    </ul>
  );
}

function GuidePage({
  guide,
  ready,
  sandbox,
}: {
  guide: IdpGuide;
  ready: Readiness;
  sandbox: boolean;
}) {
  const { values } = ready;
  return (
    <>
      <p>
        <a href="/guides">← All guides</a>
      </p>
      <h1>Connect {guide.name}</h1>
      {guide.pushesToCustomApps ? null : (
        <Notice tone="warn">
          <p>{guide.summary}</p>
        </Notice>
      )}
      {guide.fields ? (
        <section>
          <h2>Before you start</h2>
          <BeforeYouStart ready={ready} sandbox={sandbox} />
          <h2>The values {guide.name} asks for</h2>
          <CopyField
            id="guide-url"
            label={guide.fields.url}
            value={guide.fields.entraUrl ? values.entraTenantUrl : values.tenantUrl}
          />
          <p>
            <strong>{guide.fields.token}</strong>: the access token shown once when the app was
            installed.{' '}
            {values.activeTokens.length > 0
              ? `Working now: the token that starts ${values.activeTokens.join(', or the one that starts ')}.`
              : 'No token works yet: install the app on the Setup page.'}{' '}
            Lost it? <a href="/tokens">Rotate it</a> for a new one.
          </p>
        </section>
      ) : null}
      <section>
        <h2>{guide.fields ? 'Steps' : 'What to do instead'}</h2>
        {guide.steps(values)}
      </section>
      {guide.mappings.length > 0 ? (
        <section>
          <h2>Attribute mappings</h2>
          <TableScroll label="Attribute mappings">
            <table>
              <thead>
                <tr>
                  <th scope="col">Roster (SCIM attribute)</th>
                  <th scope="col">{guide.name}</th>
                </tr>
              </thead>
              <tbody>
                {guide.mappings.map(([scim, idp]) => (
                  <tr>
                    <td>
                      <code>{scim}</code>
                    </td>
                    <td>
                      <code>{idp}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <p class="small muted">
            Users must have an email in a verified domain. Name and email then belong to{' '}
            {guide.name}: they can no longer be changed in Roster.
          </p>
          {guide.roles ? (
            <>
              <h3>Roles and permission sets</h3>
              {guide.roles(values)}
            </>
          ) : null}
        </section>
      ) : null}
      <section>
        <h2>Unassign, disable, delete</h2>
        <TableScroll label="What happens on unassign, disable and delete">
          <table>
            <thead>
              <tr>
                <th scope="col">In {guide.name}</th>
                <th scope="col">It sends</th>
                <th scope="col">Roster</th>
              </tr>
            </thead>
            <tbody>
              {guide.lifecycle.map((row) => (
                <tr>
                  <td>{row.action}</td>
                  <td>{row.sends}</td>
                  <td>{row.roster}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <p class="small muted">
          Roster never erases a user its identity provider removes. Many deactivations at once are
          held by the <a href="/brake">deprovisioning brake</a> until you release it.
        </p>
      </section>
      {guide.notes ? (
        <section>
          <h2>Good to know</h2>
          {guide.notes(values)}
        </section>
      ) : null}
      {guide.fields ? (
        <p>
          Then watch the <a href="/connections">connection status</a> and the{' '}
          <a href={`/log?idp=${guide.id}`}>provisioning log</a> for {guide.name}.
        </p>
      ) : null}
    </>
  );
}

export function guidePages(routes: ConsoleRoutes, deps: ConsoleDeps) {
  routes.get('/guides', (c) =>
    renderPage(c, deps, {
      title: 'IdP setup guides',
      nav: '/guides',
      children: (
        <>
          <h1>Identity provider setup guides</h1>
          <p class="lede">
            Step by step, with this account's tenant URL filled in. Any SCIM 2.0 client works the
            same way: the tenant URL, and the access token as a Bearer token.
          </p>
          <div class="grid-guides">
            {GUIDES.map((guide) => (
              <article>
                <h2>
                  <a href={`/guides/${guide.id}`}>{guide.name}</a>
                </h2>
                <p>{guide.summary}</p>
              </article>
            ))}
          </div>
        </>
      ),
    }),
  );

  routes.get('/guides/:idp', async (c) => {
    const guide = GUIDES.find((g) => g.id === param(c, 'idp'));
    if (!guide) {
      throw new ConsoleProblem(
        new ApiProblem(404, 'guide.not_found', `there is no guide for '${param(c, 'idp')}'`),
      );
    }
    const ready = await readiness(c, deps);
    return renderPage(c, deps, {
      title: `${guide.name} setup guide`,
      nav: '/guides',
      children: <GuidePage guide={guide} ready={ready} sandbox={isSandbox(c.get('account'))} />,
    });
  });
}
