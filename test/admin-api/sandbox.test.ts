/**
 * Sandbox accounts (issue 13): an operator-only setting under which an account provisions users
 * in any email domain, so an IdP or a public SCIM test suite works before a domain can be
 * verified. The demo account is one. The account, the SCIM app, /ServiceProviderConfig and every
 * provisioning-log entry say so; a production account keeps the verified-domain rule exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, SCIM, STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  type AdminTestApp,
  API,
  createAdminTestApp,
  newAccount,
  projectFiles,
  unique,
} from './admin-api-kit.ts';

const outsider = (local: string) =>
  newUser(local, {
    userName: `${local}@anywhere.test`,
    emails: [{ value: `${local}@anywhere.test`, type: 'work', primary: true }],
  });

for (const kind of STORE_KINDS) {
  describe(`sandbox accounts (${kind})`, () => {
    let t: AdminTestApp | undefined;
    let base: string;
    beforeAll(async () => {
      // The demo account as `roster serve` creates it: a sandbox.
      t = await createAdminTestApp(kind, { sandbox: true });
      if (t) base = `${API}/accounts/${t.app.accountId}`;
    });
    afterAll(() => t?.cleanup());

    it('the demo account is a sandbox: users in any domain are provisioned, and every surface says so', async (ctx) => {
      if (!t) return ctx.skip();
      expect((await t.call('GET', base)).body.sandbox).toBe(true);
      const local = unique('anyone');
      const created = await t.app.request('POST', `${SCIM}/Users`, { body: outsider(local) });
      expect(created.status, created.text).toBe(201);
      expect(created.body.userName).toBe(`${local}@anywhere.test`);

      // Every log entry of the account says it ran in a sandbox.
      await t.app.flushLog();
      const log = await t.call('GET', `${base}/provisioning-log?limit=200`);
      expect(log.body.items.length).toBeGreaterThan(0);
      expect(log.body.items.every((e: { sandbox: boolean }) => e.sandbox)).toBe(true);
      const event = await t.call('GET', `${base}/provisioning-log/${log.body.items[0].id}`);
      expect(event.body.sandbox).toBe(true);

      // The app's page, and what an IdP or a test suite reads in discovery with the token.
      const app = await t.call('GET', `${base}/scim-app`);
      expect(app.body.sandbox).toBe(true);
      const spc = await t.app.request('GET', `${SCIM}/ServiceProviderConfig`);
      expect(spc.body.documentationUri).toMatch(/#sandbox-accounts$/);
      expect(spc.body.authenticationSchemes[0].description).toMatch(/SANDBOX/);
      // Without a token discovery names no account, and says nothing of one.
      const anonymous = await t.app.request('GET', `${SCIM}/ServiceProviderConfig`, {
        token: null,
      });
      expect(anonymous.body.documentationUri).not.toMatch(/sandbox/);
      expect(anonymous.body.authenticationSchemes[0].description).not.toMatch(/SANDBOX/);
    });

    it('a production account keeps the rule; only the operator turns a sandbox on or off', async (ctx) => {
      if (!t) return ctx.skip();
      const account = await newAccount(t, { pricingModel: 'classic' });
      expect(account.body.sandbox).toBe(false);
      const accountPath = `${API}/accounts/${account.id}`;
      const upload = await t.call('PUT', `${accountPath}/scim-app`, {
        key: account.key,
        body: { files: projectFiles() },
      });
      expect(upload.status, upload.text).toBeLessThan(300);
      const installed = await t.call('POST', `${accountPath}/scim-app/install`, {
        key: account.key,
      });
      expect(installed.status, installed.text).toBe(201);
      const token = installed.body.token as string;
      expect(installed.body.warnings.join(' ')).toMatch(/no domain is verified/);

      const refused = await t.app.request('POST', `${SCIM}/Users`, {
        token,
        body: outsider(unique('out')),
      });
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toMatch(/'anywhere\.test' .* is not verified/);

      // The account's own admins cannot lift the rule.
      const denied = await t.call('PATCH', accountPath, {
        key: account.key,
        body: { sandbox: true },
      });
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('auth.operator_only');

      const on = await t.call('PATCH', accountPath, { body: { sandbox: true } });
      expect(on.body.sandbox).toBe(true);
      const accepted = await t.app.request('POST', `${SCIM}/Users`, {
        token,
        body: outsider(unique('in')),
      });
      expect(accepted.status, accepted.text).toBe(201);

      const off = await t.call('PATCH', accountPath, { body: { sandbox: false } });
      expect(off.body.sandbox).toBe(false);
      const again = await t.app.request('POST', `${SCIM}/Users`, {
        token,
        body: outsider(unique('late')),
      });
      expect(again.status).toBe(400);

      // Each entry keeps what the account was when its request ran.
      await t.app.flushLog();
      const log = await t.call('GET', `${accountPath}/provisioning-log?operation=create%20user`, {
        key: account.key,
      });
      expect(
        log.body.items.map((e: { status: number; sandbox: boolean }) => [e.status, e.sandbox]),
      ).toEqual([
        [400, false],
        [201, true],
        [400, false],
      ]);
    });

    it('an account can be created a sandbox by the operator', async (ctx) => {
      if (!t) return ctx.skip();
      const created = await newAccount(t, { sandbox: true });
      expect(created.body.sandbox).toBe(true);
      const listed = await t.call('GET', `${API}/accounts`);
      expect(listed.body.items.find((a: { id: string }) => a.id === created.id)).toMatchObject({
        sandbox: true,
      });
    });
  });
}
