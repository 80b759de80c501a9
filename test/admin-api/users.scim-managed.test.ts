/**
 * PRODUCT.md item 2 and seed 002 "Limitations and user syncing": for a SCIM-managed user the IdP
 * owns name and email; the app may edit permissions only while role sync is off; teams and seats
 * are the app's; deleting in the app removes the user from Roster only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, PATCH_SCHEMA, SCIM, STORE_KINDS } from '../helpers/create-test-app.ts';
import { type AdminTestApp, API, createAdminTestApp, unique } from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API and SCIM-managed users (${kind})`, () => {
    let t: AdminTestApp | undefined;
    let base: string;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
      if (t) base = `${API}/accounts/${t.app.accountId}/users`;
    });
    afterAll(() => t?.cleanup());

    async function provisioned() {
      const local = unique('idp');
      const created = await t?.app.request('POST', `${SCIM}/Users`, { body: newUser(local) });
      expect(created?.status).toBe(201);
      return created?.body as { id: string; userName: string };
    }

    async function setRoleSync(enabled: boolean, installed = true) {
      const store = t?.app.directory.store;
      const app = await store?.scimApps.findByAccount(t?.app.accountId as string);
      if (!app || !store) throw new Error('the demo account has no SCIM app');
      await store.scimApps.update(
        {
          ...app,
          roleSyncEnabled: enabled,
          installedAt: installed ? (app.installedAt ?? new Date().toISOString()) : null,
          version: app.version + 1,
        },
        app.version,
      );
    }

    async function newSet(name: string) {
      return (
        await t?.call('POST', `${API}/accounts/${t.app.accountId}/permission-sets`, {
          body: { name },
        })
      )?.body.id as string;
    }

    it('locks name and email with an error that says the identity provider owns them', async (ctx) => {
      if (!t) return ctx.skip();
      const user = await provisioned();
      const shown = await t.call('GET', `${base}/${user.id}`);
      expect(shown.body).toMatchObject({
        managedBy: 'scim',
        givenName: 'Given',
        familyName: 'Family',
      });
      for (const body of [
        { givenName: 'Changed' },
        { familyName: 'Changed' },
        { displayName: 'Changed' },
        { email: 'changed@example.com' },
      ]) {
        const response = await t.call('PATCH', `${base}/${user.id}`, { body });
        expect(response.status, JSON.stringify(body)).toBe(409);
        expect(response.body.code).toBe('user.managed_by_idp');
        expect(response.body.detail).toContain('managed by your identity provider');
        expect(response.body.detail).toContain(Object.keys(body)[0]);
      }
      // Sending the values it already has changes nothing and is fine.
      const same = await t.call('PATCH', `${base}/${user.id}`, {
        body: { givenName: 'Given', email: shown.body.email },
      });
      expect(same.status).toBe(200);
      expect(same.body.version).toBe(shown.body.version);
      const deactivate = await t.call('POST', `${base}/${user.id}/deactivate`);
      expect(deactivate.status).toBe(409);
      expect(deactivate.body.code).toBe('user.managed_by_idp');
      expect((await t.app.request('GET', `${SCIM}/Users/${user.id}`)).body.active).toBe(true);
    });

    it('lets permissions change while role sync is off (or no app is installed), not while it is on', async (ctx) => {
      if (!t) return ctx.skip();
      const user = await provisioned();
      const sales = await newSet(unique('Sales'));
      const support = await newSet(unique('Support'));
      await setRoleSync(false);
      const off = await t.call('PATCH', `${base}/${user.id}`, {
        body: { permissionSetId: sales, superAdmin: true },
      });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({
        permissionSetId: sales,
        superAdmin: true,
        managedBy: 'scim',
      });

      await setRoleSync(true);
      try {
        const on = await t.call('PATCH', `${base}/${user.id}`, {
          body: { permissionSetId: support },
        });
        expect(on.status).toBe(409);
        expect(on.body.code).toBe('user.role_sync_enabled');
        expect(on.body.detail).toContain('role sync is on');
        // Teams and other permissions stay the app's.
        const team = await t.call('POST', `${API}/accounts/${t.app.accountId}/teams`, {
          body: { name: unique('T') },
        });
        const teamed = await t.call('PATCH', `${base}/${user.id}`, {
          body: { primaryTeamId: team.body.id, superAdmin: false, permissionSetId: sales },
        });
        expect(teamed.status).toBe(200);
        expect(teamed.body).toMatchObject({ primaryTeamId: team.body.id, superAdmin: false });

        // Role sync configured on an app that is not installed counts as off.
        await setRoleSync(true, false);
        const uninstalled = await t.call('PATCH', `${base}/${user.id}`, {
          body: { permissionSetId: support },
        });
        expect(uninstalled.status).toBe(200);
      } finally {
        await setRoleSync(false);
      }

      // The IdP's next update keeps what the app assigned.
      const put = await t.app.request('PUT', `${SCIM}/Users/${user.id}`, {
        body: newUser(user.userName.split('@')[0] as string, { displayName: 'From IdP' }),
      });
      expect(put.status).toBe(200);
      const after = await t.call('GET', `${base}/${user.id}`);
      expect(after.body).toMatchObject({
        permissionSetId: support,
        displayName: 'From IdP',
        primaryTeamId: expect.any(String),
      });
    });

    it('deletes in the app without reaching the IdP: its next update finds nothing, a create starts afresh', async (ctx) => {
      if (!t) return ctx.skip();
      const user = await provisioned();
      expect((await t.call('DELETE', `${base}/${user.id}`)).status).toBe(204);
      const patch = await t.app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        body: {
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        },
      });
      expect(patch.status).toBe(404);
      const local = user.userName.split('@')[0] as string;
      const again = await t.app.request('POST', `${SCIM}/Users`, { body: newUser(local) });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(user.id);
      const trail = await t.call(
        'GET',
        `${API}/accounts/${t.app.accountId}/audit?action=user.delete&limit=1`,
      );
      expect(trail.body.items[0]).toMatchObject({
        target: { type: 'user', id: user.id },
        outcome: 'success',
      });
    });

    it('lists SCIM-managed and app users apart', async (ctx) => {
      if (!t) return ctx.skip();
      const user = await provisioned();
      await t.call('POST', base, { body: { email: `${unique('app')}@example.com` } });
      const scim = await t.call('GET', `${base}?managedBy=scim&limit=200`);
      expect(scim.body.items.every((u: { managedBy: string }) => u.managedBy === 'scim')).toBe(
        true,
      );
      expect(scim.body.items.some((u: { id: string }) => u.id === user.id)).toBe(true);
      const app = await t.call('GET', `${base}?managedBy=app&limit=200`);
      expect(app.body.items.length).toBeGreaterThan(0);
      expect(app.body.items.every((u: { managedBy: string }) => u.managedBy === 'app')).toBe(true);
    });
  });
}
