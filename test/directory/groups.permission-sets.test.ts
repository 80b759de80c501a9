/**
 * Group → permission set mappings (issue 5; PRODUCT.md "SCIM group"): off by default, keyed by
 * group id, effective only while role sync is on, lowest priority wins, leaving the last mapped
 * group falls back to the minimal set. Memberships change through the SCIM API as an IdP would.
 */

import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/directory/events.ts';
import type { PermissionSet } from '../../src/directory/model.ts';
import { STORE_KINDS, type TestApp } from '../helpers/create-test-app.ts';
import {
  createGroup,
  createUsers,
  patchOp,
  SCIM,
  setRoleSync,
  unique,
  useTestApp,
} from '../scim-http/scim-test-kit.ts';

async function permissionSet(app: TestApp, name: string): Promise<PermissionSet> {
  const set: PermissionSet = {
    id: crypto.randomUUID(),
    accountId: app.accountId,
    name,
    isMinimal: false,
    permissions: ['contacts.read'],
    createdAt: new Date().toISOString(),
  };
  await app.directory.store.permissionSets.insert(set);
  return set;
}

async function setOf(app: TestApp, userId: string): Promise<string | undefined> {
  return (await app.directory.store.users.findById(app.accountId, userId))?.permissionSetId;
}

describe.each(STORE_KINDS)('group permission set mappings (%s)', (kind) => {
  const getApp = useTestApp(kind);
  const patch = (groupId: string, ...operations: unknown[]) =>
    getApp().request('PATCH', `${SCIM}/Groups/${groupId}`, { body: patchOp(...operations) });

  it('does nothing while role sync is off, and applies to members once it is on', async () => {
    const app = getApp();
    await setRoleSync(app, false);
    const minimal = await app.directory.store.permissionSets.findMinimal(app.accountId);
    const sales = await permissionSet(app, unique('Sales Rep'));
    const [u] = (await createUsers(app, 'map-off', 1)) as [string];
    const group = await createGroup(app, unique('Sales'), [u]);
    await app.directory.groups.mapPermissionSet(app.accountId, group.id, sales.id, {
      actor: SYSTEM_ACTOR,
    });
    expect(await setOf(app, u)).toBe(minimal?.id);
    expect(await app.directory.groups.mappedPermissionSet(app.accountId, u)).toBeUndefined();

    await setRoleSync(app, true);
    try {
      // Re-mapping (or any membership change) applies it now.
      await app.directory.groups.mapPermissionSet(app.accountId, group.id, sales.id, {
        actor: SYSTEM_ACTOR,
      });
      expect(await setOf(app, u)).toBe(sales.id);
      expect(await app.directory.groups.mappedPermissionSet(app.accountId, u)).toBe(sales.id);
    } finally {
      await setRoleSync(app, false);
    }
  });

  it('with role sync on: join → mapped set, lowest priority wins, leave all → minimal', async () => {
    const app = getApp();
    await setRoleSync(app, true);
    try {
      const minimal = await app.directory.store.permissionSets.findMinimal(app.accountId);
      const sales = await permissionSet(app, unique('Sales Rep'));
      const admins = await permissionSet(app, unique('Admins'));
      const [u, v, w] = (await createUsers(app, 'map', 3)) as [string, string, string];
      const salesGroup = await createGroup(app, unique('Sales'));
      const adminGroup = await createGroup(app, unique('Admins'));
      const unmapped = await createGroup(app, unique('Book club'));
      await app.directory.groups.mapPermissionSet(app.accountId, salesGroup.id, sales.id, {
        actor: SYSTEM_ACTOR,
        priority: 20,
      });
      await app.directory.groups.mapPermissionSet(app.accountId, adminGroup.id, admins.id, {
        actor: SYSTEM_ACTOR,
        priority: 10,
      });

      await patch(salesGroup.id, {
        op: 'add',
        path: 'members',
        value: [{ value: u }, { value: v }],
      });
      expect(await setOf(app, u)).toBe(sales.id);
      expect(await setOf(app, v)).toBe(sales.id);
      await patch(adminGroup.id, { op: 'add', path: 'members', value: [{ value: v }] });
      expect(await setOf(app, v)).toBe(admins.id);
      // An unmapped group changes nothing.
      await patch(unmapped.id, { op: 'add', path: 'members', value: [{ value: w }] });
      expect(await setOf(app, w)).toBe(minimal?.id);

      // A rename cannot break the mapping: it is by id.
      await patch(adminGroup.id, { op: 'replace', path: 'displayName', value: unique('Renamed') });
      await patch(adminGroup.id, { op: 'remove', path: `members[value eq "${v}"]` });
      expect(await setOf(app, v)).toBe(sales.id);
      await patch(salesGroup.id, { op: 'remove', path: 'members', value: [{ value: v }] });
      expect(await setOf(app, v)).toBe(minimal?.id);

      // Deleting a mapped group re-decides its members.
      expect((await app.request('DELETE', `${SCIM}/Groups/${salesGroup.id}`)).status).toBe(204);
      expect(await setOf(app, u)).toBe(minimal?.id);
      const mapped = (await app.directory.groups.permissionSetMappings(app.accountId)).map(
        (m) => m.groupId,
      );
      expect(mapped).toContain(adminGroup.id);
      expect(mapped).not.toContain(salesGroup.id);
      // Every permission set the mappings changed is a user.updated of that user, in order.
      const { items } = await app.directory.events.read(app.accountId, {
        types: ['user.updated'],
        limit: 1000,
      });
      const setsOf = (id: string) =>
        items
          .filter((e) => e.subject === `user:${id}`)
          .map(
            (e) => (e.data as { changes: { permissionSetId?: unknown } }).changes.permissionSetId,
          );
      expect(setsOf(v)).toEqual([
        { before: minimal?.id, after: sales.id },
        { before: sales.id, after: admins.id },
        { before: admins.id, after: sales.id },
        { before: sales.id, after: minimal?.id },
      ]);
      expect(setsOf(u)).toEqual([
        { before: minimal?.id, after: sales.id },
        { before: sales.id, after: minimal?.id },
      ]);
      expect(setsOf(w)).toEqual([]);
    } finally {
      await setRoleSync(app, false);
    }
  });

  it('a mapped group outranks the role the IdP sends, and the log says so', async () => {
    const app = getApp();
    await setRoleSync(app, true);
    try {
      const sales = await permissionSet(app, unique('Sales Rep'));
      const support = await permissionSet(app, unique('Support'));
      const [u, v] = (await createUsers(app, 'outrank', 2)) as [string, string];
      const group = await createGroup(app, unique('Mapped'), [u]);
      await app.directory.groups.mapPermissionSet(app.accountId, group.id, sales.id, {
        actor: SYSTEM_ACTOR,
      });
      const assign = (id: string) =>
        app.request('PATCH', `${SCIM}/Users/${id}`, {
          body: patchOp({ op: 'replace', path: 'roles', value: [support.name] }),
        });
      expect((await assign(u)).status).toBe(200);
      expect(await setOf(app, u)).toBe(sales.id);
      await app.flushLog();
      const [event] = await app.directory.provisioningLog.list({
        accountId: app.accountId,
        limit: 1,
      });
      expect(event?.outcome).toBe('warning');
      expect(event?.explanation).toContain('group mappings outrank roles');
      // A user in no mapped group takes the role as usual.
      expect((await assign(v)).status).toBe(200);
      expect(await setOf(app, v)).toBe(support.id);
    } finally {
      await setRoleSync(app, false);
    }
  });

  it('unmapping re-decides members; mapping an unknown set or group is refused', async () => {
    const app = getApp();
    await setRoleSync(app, true);
    try {
      const minimal = await app.directory.store.permissionSets.findMinimal(app.accountId);
      const sales = await permissionSet(app, unique('Sales Rep'));
      const [u] = (await createUsers(app, 'unmap', 1)) as [string];
      const group = await createGroup(app, unique('Unmap'), [u]);
      await app.directory.groups.mapPermissionSet(app.accountId, group.id, sales.id, {
        actor: SYSTEM_ACTOR,
      });
      expect(await setOf(app, u)).toBe(sales.id);
      expect(
        await app.directory.groups.unmapPermissionSet(app.accountId, group.id, {
          actor: SYSTEM_ACTOR,
        }),
      ).toBe(true);
      expect(await setOf(app, u)).toBe(minimal?.id);
      expect(
        await app.directory.groups.unmapPermissionSet(app.accountId, group.id, {
          actor: SYSTEM_ACTOR,
        }),
      ).toBe(false);
      await expect(
        app.directory.groups.mapPermissionSet(app.accountId, group.id, 'no-such-set', {
          actor: SYSTEM_ACTOR,
        }),
      ).rejects.toMatchObject({ code: 'permission_set.not_found' });
      await expect(
        app.directory.groups.mapPermissionSet(app.accountId, 'no-such-group', sales.id, {
          actor: SYSTEM_ACTOR,
        }),
      ).rejects.toMatchObject({ code: 'group.not_found' });
    } finally {
      await setRoleSync(app, false);
    }
  });
});
