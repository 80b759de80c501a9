/**
 * Issue 5: an admin maps a SCIM group (by id) to a permission set through the admin API; it is
 * off until set, applies to members while role sync is on, and is refused across accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCIM, STORE_KINDS } from '../helpers/create-test-app.ts';
import { createGroup, createUsers, setRoleSync } from '../scim-http/scim-test-kit.ts';
import {
  type AdminTestApp,
  API,
  auditActions,
  createAdminTestApp,
  newAccount,
  unique,
} from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API group mappings (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
      if (t) await setRoleSync(t.app, true);
    });
    afterAll(() => t?.cleanup());

    it('refuses to delete a permission set a group mapping gives (found by fuzzing: a 500)', async (ctx) => {
      if (!t) return ctx.skip();
      const base = `${API}/accounts/${t.app.accountId}`;
      const set = await t.call('POST', `${base}/permission-sets`, {
        body: { name: unique('Mapped only') },
      });
      const group = await createGroup(t.app, unique('Mapped group'), []);
      const mapped = await t.call('PUT', `${base}/group-mappings/${group.id}`, {
        body: { permissionSetId: set.body.id },
      });
      expect(mapped.status, mapped.text).toBe(200);
      const refused = await t.call('DELETE', `${base}/permission-sets/${set.body.id}`);
      expect(refused.status, refused.text).toBe(409);
      expect(refused.body.code).toBe('permission_set.in_use');
      expect(refused.body.detail).toMatch(/group mapping/);
      await t.call('DELETE', `${base}/group-mappings/${group.id}`);
      expect((await t.call('DELETE', `${base}/permission-sets/${set.body.id}`)).status).toBe(204);
    });

    it('maps, lists, applies to members, unmaps; errors are precise', async (ctx) => {
      if (!t) return ctx.skip();
      const base = `${API}/accounts/${t.app.accountId}`;
      const set = await t.call('POST', `${base}/permission-sets`, {
        body: { name: unique('Sales') },
      });
      const [member] = (await createUsers(t.app, 'mapped', 1)) as [string];
      const group = await createGroup(t.app, unique('Sales team'), [member]);

      const mapped = await t.call('PUT', `${base}/group-mappings/${group.id}`, {
        body: { permissionSetId: set.body.id, priority: 5 },
      });
      expect(mapped.status, mapped.text).toBe(200);
      expect(mapped.body).toMatchObject({
        groupId: group.id,
        permissionSetId: set.body.id,
        priority: 5,
      });
      const shown = await t.call('GET', `${base}/users/${member}`);
      expect(shown.body.permissionSetId).toBe(set.body.id);
      const list = await t.call('GET', `${base}/group-mappings`);
      expect(list.body.items.map((m: { groupId: string }) => m.groupId)).toContain(group.id);

      const unknownSet = await t.call('PUT', `${base}/group-mappings/${group.id}`, {
        body: { permissionSetId: 'no-such-set' },
      });
      expect(unknownSet.status).toBe(404);
      expect(unknownSet.body.code).toBe('permission_set.not_found');
      const unknownGroup = await t.call('PUT', `${base}/group-mappings/no-such-group`, {
        body: { permissionSetId: set.body.id },
      });
      expect(unknownGroup.status).toBe(404);
      expect(unknownGroup.body.code).toBe('group.not_found');

      const other = await newAccount(t);
      const foreign = await t.call('GET', `${API}/accounts/${t.app.accountId}/group-mappings`, {
        key: other.key,
      });
      expect(foreign.status).toBe(404);

      expect((await t.call('DELETE', `${base}/group-mappings/${group.id}`)).status).toBe(204);
      const again = await t.call('DELETE', `${base}/group-mappings/${group.id}`);
      expect(again.status).toBe(404);
      expect(again.body.code).toBe('group.not_mapped');
      const after = await t.call('GET', `${base}/users/${member}`);
      expect(after.body.permissionSetId).not.toBe(set.body.id);
      expect(await auditActions(t, t.app.accountId)).toEqual(
        expect.arrayContaining(['group_mapping.put 200', 'group_mapping.delete 204']),
      );
      // The group itself is untouched by all this.
      expect((await t.app.request('GET', `${SCIM}/Groups/${group.id}`)).body.members).toHaveLength(
        1,
      );
    });
  });
}
