/**
 * Issue 4: turning role sync on or off later re-evaluates nothing silently. The change is in the
 * audit trail (with what changed), SCIM reads on this instance reflect it at once, and the next
 * update from the IdP applies its role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, SCIM, STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  type AdminTestApp,
  API,
  auditActions,
  createAdminTestApp,
  projectFiles,
  unique,
} from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`turning role sync on and off (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
    });
    afterAll(() => t?.cleanup());

    it('re-evaluates no one, shows at once, is audited, and applies at the next IdP update', async (ctx) => {
      if (!t) return ctx.skip();
      const base = `${API}/accounts/${t.app.accountId}`;
      expect(
        (await t.call('POST', `${base}/permission-sets`, { body: { name: 'Sales Rep' } })).status,
      ).toBe(201);
      const local = unique('toggle');
      const created = await t.app.request('POST', `${SCIM}/Users`, {
        body: newUser(local, { roles: ['Sales Rep'] }),
      });
      expect(created.status).toBe(201);
      expect(created.body).not.toHaveProperty('roles');
      const read = async () =>
        (await t?.app.request('GET', `${SCIM}/Users/${created.body.id}`))?.body;
      const minimal = [{ value: 'Minimal', display: 'Minimal', primary: true }];

      const on = await t.call('PUT', `${base}/scim-app`, {
        body: { files: projectFiles('scim-app', true) },
      });
      expect(on.status, on.text).toBe(200);
      expect(on.body.changes).toEqual(['roleSyncEnabled: false → true']);
      // Nothing re-evaluated: the role sent while sync was off was not applied after the fact.
      expect((await read()).roles).toEqual(minimal);
      expect(await auditActions(t, t.app.accountId)).toContain('scim_app.upload 200');

      const updated = await t.app.request('PUT', `${SCIM}/Users/${created.body.id}`, {
        body: newUser(local, { roles: ['Sales Rep'] }),
      });
      expect(updated.body.roles).toEqual([
        { value: 'Sales Rep', display: 'Sales Rep', primary: true },
      ]);

      const off = await t.call('PUT', `${base}/scim-app`, {
        body: { files: projectFiles('scim-app', false) },
      });
      expect(off.body.changes).toEqual(['roleSyncEnabled: true → false']);
      const after = await read();
      expect(after).not.toHaveProperty('roles');
      const appView = await t.call('GET', `${base}/users/${created.body.id}`);
      const sets = await t.call('GET', `${base}/permission-sets`);
      const salesRep = sets.body.items.find((s: { name: string }) => s.name === 'Sales Rep');
      expect(appView.body.permissionSetId).toBe(salesRep.id);
    });
  });
}
