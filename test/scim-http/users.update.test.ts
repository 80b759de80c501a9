/**
 * Checklist §11 items 29, 30, 45, 46 (idp-behaviour.md §2.6): PUT, updates of deactivated users,
 * and the enterprise manager in every shape IdPs send. PATCH items 31–44 are in
 * users.update.patch*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ENTERPRISE_SCHEMA, STORE_KINDS, USER_SCHEMA } from '../helpers/create-test-app.ts';
import {
  createUser,
  newUser,
  nullPaths,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

describe.each(STORE_KINDS)('PUT and updates (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('#29 PUT with the full object (id, meta, groups, password) → 200; readOnly values ignored', async () => {
    const app = getApp();
    const local = unique('put');
    const created = await createUser(app, local);
    const secret = `pw-${unique('s')}`;
    const response = await app.request('PUT', `${SCIM}/Users/${created.id}`, {
      body: {
        ...created,
        id: 'some-other-id',
        meta: { ...created.meta, created: '2001-01-01T00:00:00Z', version: 'W/"77"' },
        groups: [{ value: 'g1', display: 'Admins' }],
        password: secret,
        displayName: 'Replaced Name',
        name: { givenName: 'New', familyName: 'Name' },
        title: 'CTO',
      },
    });
    expect(response.status, response.text).toBe(200);
    const user = response.body;
    expect(user.id).toBe(created.id);
    expect(user.displayName).toBe('Replaced Name');
    expect(user.name).toEqual({ givenName: 'New', familyName: 'Name' });
    expect(user.title).toBe('CTO');
    expect(user.meta.created).toBe(created.meta.created);
    expect(user.meta.version).not.toBe('W/"77"');
    expect(user.meta.version).not.toBe(created.meta.version);
    expect(user).not.toHaveProperty('groups');
    expect(user).not.toHaveProperty('password');
    expect(response.text).not.toContain(secret);
    expect(response.headers.get('etag')).toBe(user.meta.version);
    expect(nullPaths(user)).toEqual([]);

    const read = await app.request('GET', `${SCIM}/Users/${created.id}`);
    expect(read.body).toEqual(user);
    expect((await app.request('GET', `${SCIM}/Users/some-other-id`)).status).toBe(404);
  });

  it('#30 PUT that omits active leaves it unchanged; false deactivates; true reactivates', async () => {
    const app = getApp();
    const local = unique('putactive');
    const created = await createUser(app, local);
    const { active: _omitted, ...withoutActive } = newUser(local, { displayName: 'One' });

    const kept = await app.request('PUT', `${SCIM}/Users/${created.id}`, { body: withoutActive });
    expect(kept.status, kept.text).toBe(200);
    expect(kept.body.active).toBe(true);

    const off = await app.request('PUT', `${SCIM}/Users/${created.id}`, {
      body: newUser(local, { active: false }),
    });
    expect(off.body.active).toBe(false);

    const stillOff = await app.request('PUT', `${SCIM}/Users/${created.id}`, {
      body: { ...withoutActive, displayName: 'Two' },
    });
    expect(stillOff.status, stillOff.text).toBe(200);
    expect(stillOff.body.active).toBe(false);
    expect(stillOff.body.displayName).toBe('Two');

    const on = await app.request('PUT', `${SCIM}/Users/${created.id}`, {
      body: newUser(local, { active: true }),
    });
    expect(on.body.active).toBe(true);
    expect((await app.request('GET', `${SCIM}/Users/${created.id}`)).body.active).toBe(true);
  });

  it('#45 PATCH and PUT on a deactivated user succeed and keep it deactivated', async () => {
    const app = getApp();
    const local = unique('deact');
    const created = await createUser(app, local, { active: false });
    const patched = await app.request('PATCH', `${SCIM}/Users/${created.id}`, {
      body: patchOp({ op: 'replace', path: 'displayName', value: 'While Inactive' }),
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.displayName).toBe('While Inactive');
    expect(patched.body.active).toBe(false);

    const { active: _omitted, ...body } = newUser(local, { title: 'Retired' });
    const put = await app.request('PUT', `${SCIM}/Users/${created.id}`, { body });
    expect(put.status, put.text).toBe(200);
    expect(put.body.title).toBe('Retired');
    expect(put.body.active).toBe(false);
  });

  describe('#46 manager', () => {
    const MANAGER = `${ENTERPRISE_SCHEMA}:manager`;

    it('#46 PATCH manager as a bare string (Entra), unresolvable id → 200', async () => {
      const app = getApp();
      const user = await createUser(app, unique('mgr1'));
      const response = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        body: patchOp({ op: 'Add', path: MANAGER, value: 'no-such-user-id' }),
      });
      expect(response.status, response.text).toBe(200);
      expect(response.body[ENTERPRISE_SCHEMA].manager.value).toBe('no-such-user-id');
      expect(response.body.schemas).toContain(ENTERPRISE_SCHEMA);
    });

    it('#46 PATCH manager as {"value": …} → 200', async () => {
      const app = getApp();
      const manager = await createUser(app, unique('boss'));
      const user = await createUser(app, unique('mgr2'));
      const response = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        body: patchOp({ op: 'replace', path: MANAGER, value: { value: manager.id } }),
      });
      expect(response.status, response.text).toBe(200);
      expect(response.body[ENTERPRISE_SCHEMA].manager.value).toBe(manager.id);
      const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
      expect(read.body[ENTERPRISE_SCHEMA].manager.value).toBe(manager.id);
    });

    it('#46 PATCH manager as [{"$ref": …, "value": …}] → 200', async () => {
      const app = getApp();
      const user = await createUser(app, unique('mgr3'));
      const response = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        body: patchOp({
          op: 'replace',
          path: MANAGER,
          value: [{ $ref: `${SCIM}/Users/unknown-manager`, value: 'unknown-manager' }],
        }),
      });
      expect(response.status, response.text).toBe(200);
      expect(response.body[ENTERPRISE_SCHEMA].manager.value).toBe('unknown-manager');
    });

    it('#46 manager in a path-less value, in manager.value, and in POST/PUT bodies → accepted', async () => {
      const app = getApp();
      const local = unique('mgr4');
      const created = await app.request('POST', `${SCIM}/Users`, {
        body: {
          ...newUser(local),
          schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
          [ENTERPRISE_SCHEMA]: { manager: 'first-manager', department: 'Ops' },
        },
      });
      expect(created.status, created.text).toBe(201);
      expect(created.body[ENTERPRISE_SCHEMA].manager.value).toBe('first-manager');
      const id = created.body.id as string;

      const pathless = await app.request('PATCH', `${SCIM}/Users/${id}`, {
        body: patchOp({ op: 'replace', value: { [MANAGER]: 'second-manager' } }),
      });
      expect(pathless.status, pathless.text).toBe(200);
      expect(pathless.body[ENTERPRISE_SCHEMA].manager.value).toBe('second-manager');

      const sub = await app.request('PATCH', `${SCIM}/Users/${id}`, {
        body: patchOp({ op: 'replace', path: `${MANAGER}.value`, value: 'third-manager' }),
      });
      expect(sub.status, sub.text).toBe(200);
      expect(sub.body[ENTERPRISE_SCHEMA].manager.value).toBe('third-manager');
      expect(sub.body[ENTERPRISE_SCHEMA].department).toBe('Ops');

      const put = await app.request('PUT', `${SCIM}/Users/${id}`, {
        body: {
          ...newUser(local),
          [ENTERPRISE_SCHEMA]: { manager: [{ value: 'fourth-manager', $ref: 'x' }] },
        },
      });
      expect(put.status, put.text).toBe(200);
      expect(put.body[ENTERPRISE_SCHEMA].manager.value).toBe('fourth-manager');

      const removed = await app.request('PATCH', `${SCIM}/Users/${id}`, {
        body: patchOp({ op: 'remove', path: MANAGER }),
      });
      expect(removed.status, removed.text).toBe(200);
      expect(removed.body[ENTERPRISE_SCHEMA]?.manager).toBeUndefined();
    });
  });
});
