/**
 * The seeds' setup journey through the console's forms alone (no script: what a browser without
 * JavaScript gets), on both stores: a new account with its prerequisites missing, the project
 * with a mistake and then right, a domain verified against a DNS server on loopback, the install
 * and its token shown once, and the audit trail of all of it under the key that did it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, SCIM, STORE_KINDS } from '../helpers/create-test-app.ts';
import { type DnsServer, startDnsServer } from '../helpers/dns-server.ts';
import { SEED_APP, SEED_SCIM } from '../helpers/seed-project.ts';
import { consoleTestApp } from './console-kit.ts';

const OPERATOR_KEY = 'test-operator-key-0123456789abcdef';

for (const kind of STORE_KINDS) {
  describe(`console setup journey (${kind})`, () => {
    let dns: DnsServer;
    let t: Awaited<ReturnType<typeof consoleTestApp>>;
    beforeAll(async () => {
      dns = await startDnsServer();
      t = await consoleTestApp(kind, {
        env: { ROSTER_DNS_RESOLVER: dns.address, ROSTER_DNS_TIMEOUT_MS: '1000' },
      });
    });
    afterAll(async () => {
      await t?.app.cleanup();
      await dns?.close();
    });

    it('walks from a new account to an installed app, every step said in words', async (ctx) => {
      if (!t) return ctx.skip();
      const b = t.browser();
      await b.signIn(OPERATOR_KEY);
      const created = await b.post('/operator/accounts', {
        name: 'Acme Corp',
        tier: 'starter',
        pricingModel: 'seats',
      });
      expect(created.location).toBe('/setup?done=account-created');
      let setup = await b.get('/setup');
      expect(setup.text).toContain('Acme Corp');
      expect(setup.text).toContain('0 of 5 steps done');
      expect(setup.text).toContain(
        'the account is on the starter plan; SCIM needs the professional or enterprise plan',
      );
      expect(setup.text).toContain('single sign-on (SSO) is not enabled for the account');
      expect(setup.text).toContain('Installing needs:');

      expect((await b.post('/setup/sso')).location).toBe('/setup?done=sso-on#prerequisites');
      expect((await b.post('/setup/tier', { tier: 'enterprise' })).status).toBe(303);

      // A mistake in the SCIM file is shown with its file and JSON path; nothing is uploaded.
      const broken = await b.post('/setup/project', {
        appText: SEED_APP,
        scimText: SEED_SCIM.replace('"roleSyncEnabled": false', '"roleSyncEnabled": "yes"'),
      });
      expect(broken.status).toBe(400);
      expect(broken.text).toContain('The project was not uploaded.');
      expect(broken.text).toContain('scim/scim-hsmeta.json at $.config.roleSyncEnabled');
      // What the admin typed stays in the form to be corrected.
      expect(broken.html).toContain('&quot;roleSyncEnabled&quot;: &quot;yes&quot;');
      const uploaded = await b.post('/setup/project', { appText: SEED_APP, scimText: SEED_SCIM });
      expect(uploaded.location).toBe('/setup?done=project-uploaded#project');

      const badName = await b.post('/setup/domains', { domain: 'https://acme.test/' });
      expect(badName.status).toBe(400);
      expect(badName.text).toContain('The domain was not added.');
      expect((await b.post('/setup/domains', { domain: 'acme.test' })).status).toBe(303);
      setup = await b.get('/setup');
      const host = /id="host-acme-test"[^>]*value="([^"]+)"/.exec(setup.html)?.[1];
      const value = /id="value-acme-test"[^>]*value="([^"]+)"/.exec(setup.html)?.[1];
      expect(host).toBe('_roster-challenge.acme.test');
      expect(value).toMatch(/^roster-domain-verification=/);
      // Pending: the row polls its live status; the fragment is the row alone.
      expect(setup.html).toContain('hx-get="/setup/domains/acme.test/status"');
      const notYet = await b.post('/setup/domains/acme.test/verify', {}, { 'HX-Request': 'true' });
      expect(notYet.status).toBe(200);
      expect(notYet.html.startsWith('<article')).toBe(true);
      expect(notYet.text).toContain(
        'Last check just now: the domain acme.test does not exist in DNS (NXDOMAIN); check its spelling.',
      );
      dns.setTxt(host as string, [value as string]);
      const verified = await b.post('/setup/domains/acme.test/verify');
      expect(verified.location).toBe('/setup#domains');
      const status = await b.get('/setup/domains/acme.test/status');
      expect(status.text).toContain('Verified');
      expect(status.html).not.toContain('hx-trigger');

      const installed = await b.post('/setup/install');
      expect(installed.status).toBe(200);
      expect(installed.text).toContain('Copy the access token now.');
      const token = /id="access-token"[^>]*value="(roster_[^"]+)"/.exec(
        installed.html,
      )?.[1] as string;
      expect(token).toMatch(/^roster_/);
      expect(installed.headers.get('cache-control')).toBe('no-store');
      expect(installed.html).toContain('value="http://roster.test/scim/v2?aadOptscim062020"');
      // Shown once: no later page holds it.
      for (const path of ['/setup', '/tokens', '/guides/okta']) {
        expect((await b.get(path)).html).not.toContain(token);
      }
      setup = await b.get('/setup');
      expect(setup.text).toContain('4 of 5 steps done');
      expect(setup.text).toContain('No IdP has called yet');

      // The token works, for users in the verified domain.
      const scim = await t.app.request('POST', `${SCIM}/Users`, {
        token,
        headers: { 'User-Agent': 'Okta SCIM Client 1.0.0' },
        body: {
          ...newUser('ada'),
          userName: 'ada@acme.test',
          emails: [{ value: 'ada@acme.test', primary: true }],
        },
      });
      expect(scim.status).toBe(201);
      setup = await b.get('/setup');
      expect(setup.text).toContain(
        'Everything is in place: your identity provider provisions users.',
      );
      expect(setup.text).toContain('Okta connected');

      // Every change went through the admin API's audit trail, as the operator.
      const audit = await b.get('/audit');
      for (const action of [
        'scim_app.install',
        'domain.verify',
        'domain.add',
        'scim_app.upload',
        'account.update',
        'account.create',
      ]) {
        expect(audit.text).toContain(action);
      }
      expect(audit.text).toContain('the operator');
      // The failed upload is in the trail as a failure, its files not kept.
      expect(audit.text).toMatch(/scim_app\.upload .* 400 scim_app\.invalid_project/);
    });

    it('turns role sync on by uploading the project again, and says what changed', async (ctx) => {
      if (!t) return ctx.skip();
      const b = t.browser();
      await b.signIn(OPERATOR_KEY);
      await b.post('/operator/show', { accountId: t.app.accountId });
      await b.get('/setup');
      const on = await b.post('/setup/role-sync', { roleSyncEnabled: 'true' });
      expect(on.location).toBe('/setup?done=role-sync-on#project');
      expect((await t.app.directory.scimApps.find(t.app.accountId))?.roleSyncEnabled).toBe(true);
      const page = await b.get(on.location as string);
      expect(page.text).toContain('Role sync is on');
      expect(page.text).toContain('Turn role sync off');
      await b.post('/setup/role-sync', { roleSyncEnabled: 'false' });
      expect((await t.app.directory.scimApps.find(t.app.accountId))?.roleSyncEnabled).toBe(false);
    });
  });
}
