/**
 * Checklist §11 items 47–48 (idp-behaviour.md §2.3; PRODUCT.md item 5): DELETE deactivates and
 * unlinks, never erases; deactivation keeps users visible; re-creation restores the same user.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectScimError,
  findUsers,
  listAllIds,
  newUser,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

describe.each(STORE_KINDS)('deprovisioning (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('#47 DELETE → 204 with no body; then GET → 404 and the user is hidden from SCIM', async () => {
    const app = getApp();
    const local = unique('delete');
    const user = await createUser(app, local, { externalId: `ext-${local}` });
    const response = await app.request('DELETE', `${SCIM}/Users/${user.id}`);
    expect(response.status).toBe(204);
    expect(response.text).toBe('');

    expectScimError(await app.request('GET', `${SCIM}/Users/${user.id}`), 404);
    expectScimError(await app.request('DELETE', `${SCIM}/Users/${user.id}`), 404);
    expectScimError(
      await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        body: patchOp({ op: 'replace', path: 'active', value: true }),
      }),
      404,
    );
    expectScimError(
      await app.request('PUT', `${SCIM}/Users/${user.id}`, { body: newUser(local) }),
      404,
    );
    for (const filter of [
      `userName eq "${user.userName}"`,
      `id eq "${user.id}"`,
      `emails.value eq "${user.userName}"`,
    ]) {
      expect((await findUsers(app, filter)).body.totalResults, filter).toBe(0);
    }
    expect(await listAllIds(app)).not.toContain(user.id);
  });

  it('#47 DELETE deactivates and keeps the user’s data (not erased)', async () => {
    const app = getApp();
    const user = await createUser(app, unique('keep'), { title: 'Keeper' });
    expect((await app.request('DELETE', `${SCIM}/Users/${user.id}`)).status).toBe(204);
    const stored = await app.directory.store.users.findById(app.accountId, user.id);
    expect(stored).toBeDefined();
    expect(stored?.active).toBe(false);
    expect(stored?.userName).toBe(user.userName);
    expect(stored?.email).toBe(user.userName);
    expect(stored?.profile).toMatchObject({ title: 'Keeper' });
  });

  it('#47 a later POST with the same e-mail → 201 with the same id, active again', async () => {
    const app = getApp();
    const local = unique('return');
    const user = await createUser(app, local);
    expect((await app.request('DELETE', `${SCIM}/Users/${user.id}`)).status).toBe(204);

    const again = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(local, { name: { givenName: 'Back', familyName: 'Again' } }),
    });
    expect(again.status, again.text).toBe(201);
    expect(again.body.id).toBe(user.id);
    expect(again.body.active).toBe(true);
    expect(again.body.name).toEqual({ givenName: 'Back', familyName: 'Again' });
    const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
    expect(read.status).toBe(200);
    expect(read.body.active).toBe(true);
    expect(await listAllIds(app)).toContain(user.id);
    const stored = await app.directory.store.users.findById(app.accountId, user.id);
    expect(stored?.active).toBe(true);
    expect(stored?.managedBy).toBe('scim');
  });

  it('#47 a re-created user whose POST says active: false stays deactivated', async () => {
    const app = getApp();
    const local = unique('returnoff');
    const user = await createUser(app, local);
    expect((await app.request('DELETE', `${SCIM}/Users/${user.id}`)).status).toBe(204);
    const again = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(local, { active: false }),
    });
    expect(again.status, again.text).toBe(201);
    expect(again.body.id).toBe(user.id);
    expect(again.body.active).toBe(false);
  });

  it('#48 PATCH active=false keeps the user visible to GET and filters; true restores it', async () => {
    const app = getApp();
    const user = await createUser(app, unique('toggle'));
    const off = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', path: 'active', value: false }),
    });
    expect(off.status, off.text).toBe(200);
    expect(off.body.active).toBe(false);
    const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
    expect(read.status).toBe(200);
    expect(read.body.active).toBe(false);
    const found = await findUsers(app, `userName eq "${user.userName}"`);
    expect(found.body.Resources.map((u: { id: string }) => u.id)).toEqual([user.id]);
    expect(await listAllIds(app)).toContain(user.id);
    expect((await app.directory.store.users.findById(app.accountId, user.id))?.active).toBe(false);

    const on = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', value: { active: true } }),
    });
    expect(on.status, on.text).toBe(200);
    expect(on.body.active).toBe(true);
    expect((await app.directory.store.users.findById(app.accountId, user.id))?.active).toBe(true);
  });

  it('#48 a deactivate → reactivate cycle keeps the permission set, profile and elements', async () => {
    const app = getApp();
    const local = unique('cycle');
    const user = await createUser(app, local, {
      title: 'Engineer',
      phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
    });
    const set = {
      id: crypto.randomUUID(),
      accountId: app.accountId,
      name: unique('Sales'),
      isMinimal: false,
      permissions: ['contacts.read'],
      paidSeat: null,
      createdAt: new Date().toISOString(),
    };
    await app.directory.store.permissionSets.insert(set);
    await app.directory.store.users.assignPermissionSet(
      app.accountId,
      user.id,
      set.id,
      new Date().toISOString(),
    );
    const before = await app.request('GET', `${SCIM}/Users/${user.id}`);
    for (const active of [false, true]) {
      const response = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        body: patchOp({ op: 'replace', path: 'active', value: active }),
      });
      expect(response.status, response.text).toBe(200);
    }
    const after = await app.request('GET', `${SCIM}/Users/${user.id}`);
    const { meta: _beforeMeta, ...beforeBody } = before.body;
    const { meta: _afterMeta, ...afterBody } = after.body;
    expect(afterBody).toEqual(beforeBody);
    expect(afterBody).toMatchObject({ title: 'Engineer', active: true });
    const stored = await app.directory.store.users.findById(app.accountId, user.id);
    expect(stored?.permissionSetId).toBe(set.id);
    expect(stored?.managedBy).toBe('scim');
  });

  it('#48 PUT active=false keeps the user visible; PUT active=true reactivates', async () => {
    const app = getApp();
    const local = unique('puttoggle');
    const user = await createUser(app, local);
    const off = await app.request('PUT', `${SCIM}/Users/${user.id}`, {
      body: newUser(local, { active: false }),
    });
    expect(off.body.active).toBe(false);
    const found = await findUsers(app, `userName eq "${user.userName}"`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].active).toBe(false);
    const on = await app.request('PUT', `${SCIM}/Users/${user.id}`, {
      body: newUser(local, { active: true }),
    });
    expect(on.body.active).toBe(true);
    expect((await app.request('GET', `${SCIM}/Users/${user.id}`)).body.active).toBe(true);
  });
});
