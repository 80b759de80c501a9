/**
 * Required attributes cannot be removed by a PATCH. RFC 7644 §3.5.2.2: an attribute that is
 * removed or becomes unassigned and is required makes the server answer 400 `mutability`.
 * `active` is how deprovisioning works, so an unassigned `active` would leave the user neither
 * active nor deactivated: `/Schemas` says `active` is required, a PATCH that removes it (or sets
 * it to null or "") is refused, and a create or PUT that leaves it out gets the documented
 * default (created active; PUT keeps the current value). The same holds for `userName`.
 */
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/create-test-app.ts';
import { STORE_KINDS, USER_SCHEMA } from '../helpers/create-test-app.ts';
import { createUser, expectScimError, patchOp, SCIM, unique, useTestApp } from './scim-test-kit.ts';

const patch = (app: TestApp, id: string, ...operations: unknown[]) =>
  app.request('PATCH', `${SCIM}/Users/${id}`, { body: patchOp(...operations) });

describe.each(STORE_KINDS)('required attributes and PATCH (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('remove active (or null, or "") is 400 mutability, and the user is unchanged, active or not', async () => {
    const app = getApp();
    for (const active of [true, false]) {
      const user = await createUser(app, unique('rmactive'), { active });
      for (const operation of [
        { op: 'remove', path: 'active' },
        { op: 'Remove', path: 'ACTIVE' },
        { op: 'replace', path: 'active', value: null },
        { op: 'replace', path: 'active', value: '' },
        { op: 'replace', value: { active: null } },
        { op: 'add', path: 'active', value: null },
      ]) {
        const response = await patch(app, user.id, operation);
        expectScimError(response, 400, 'mutability');
        expect(response.body.detail, JSON.stringify(operation)).toMatch(/'active' is required/);
        expect(response.body.detail).toMatch(/replace.*false/);
      }
      const after = await app.request('GET', `${SCIM}/Users/${user.id}`);
      expect(after.body.active).toBe(active);
      expect(after.body.meta.version).toBe(user.meta.version);
    }
  });

  it('remove userName is 400 mutability; a remove with a later replace in the same PATCH is fine', async () => {
    const app = getApp();
    const user = await createUser(app, unique('rmname'));
    const removed = await patch(app, user.id, { op: 'remove', path: 'userName' });
    expectScimError(removed, 400, 'mutability');
    expect(removed.body.detail).toMatch(/'userName' is required/);
    // Required means required after the PATCH (RFC 7644 §3.5.2: operations apply in order).
    const replaced = await patch(
      app,
      user.id,
      { op: 'remove', path: 'active' },
      { op: 'add', path: 'active', value: false },
    );
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body.active).toBe(false);
  });

  it('/Schemas says active and userName are required; creates and PUTs without active get their defaults', async () => {
    const app = getApp();
    const schema = await app.request('GET', `${SCIM}/Schemas/${USER_SCHEMA}`);
    const attribute = (name: string) =>
      (schema.body.attributes as { name: string; required: boolean }[]).find(
        (a) => a.name === name,
      );
    expect(attribute('userName')?.required).toBe(true);
    expect(attribute('active')?.required).toBe(true);
    expect(attribute('title')?.required).toBe(false);

    const local = unique('noactive');
    const created = await app.request('POST', `${SCIM}/Users`, {
      body: { schemas: [USER_SCHEMA], userName: `${local}@example.com` },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.active).toBe(true);
    const deactivated = await patch(app, created.body.id, {
      op: 'replace',
      path: 'active',
      value: false,
    });
    expect(deactivated.body.active).toBe(false);
    const put = await app.request('PUT', `${SCIM}/Users/${created.body.id}`, {
      body: { schemas: [USER_SCHEMA], userName: `${local}@example.com`, title: 'Kept inactive' },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.active).toBe(false);
  });
});
