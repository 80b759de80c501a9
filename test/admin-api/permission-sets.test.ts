import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { type AdminTestApp, API, createAdminTestApp, newAccount } from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API permission sets (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
    });
    afterAll(() => t?.cleanup());

    it('creates sets whose names are exact: case and spaces make different sets, the same name conflicts', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const base = `${API}/accounts/${id}/permission-sets`;
      const names = ['Sales Rep', 'sales rep', 'Sales  Rep', ' Sales Rep'];
      for (const name of names) {
        const created = await t.call('POST', base, {
          key,
          body: { name, permissions: ['crm.read'] },
        });
        expect(created.status, name).toBe(201);
        expect(created.body).toMatchObject({ name, isMinimal: false, permissions: ['crm.read'] });
        expect(created.headers.get('location')).toBe(`${base}/${created.body.id}`);
      }
      const duplicate = await t.call('POST', base, { key, body: { name: 'Sales Rep' } });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.code).toBe('permission_set.name_taken');
      const list = await t.call('GET', base, { key });
      expect(list.body.items.map((s: { name: string }) => s.name)).toEqual(['Minimal', ...names]);
    });

    it('protects the built-in minimal set from deletion and renaming, but lets its permissions change', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const base = `${API}/accounts/${id}/permission-sets`;
      const minimal = (await t.call('GET', base, { key })).body.items[0];
      expect(minimal).toMatchObject({ name: 'Minimal', isMinimal: true });
      const deleted = await t.call('DELETE', `${base}/${minimal.id}`, { key });
      expect(deleted.status).toBe(409);
      expect(deleted.body).toMatchObject({ code: 'permission_set.minimal_protected' });
      expect(deleted.body.detail).toContain("'Minimal' cannot be deleted");
      const renamed = await t.call('PATCH', `${base}/${minimal.id}`, {
        key,
        body: { name: 'Basic' },
      });
      expect(renamed.body.code).toBe('permission_set.minimal_protected');
      const changed = await t.call('PATCH', `${base}/${minimal.id}`, {
        key,
        body: { permissions: ['profile.read'] },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ name: 'Minimal', permissions: ['profile.read'] });
    });

    it('renames, refuses deleting a set users hold, then deletes it once they moved', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const base = `${API}/accounts/${id}/permission-sets`;
      const set = (await t.call('POST', base, { key, body: { name: 'Support' } })).body;
      const renamed = await t.call('PATCH', `${base}/${set.id}`, {
        key,
        body: { name: 'Support Tier 1' },
      });
      expect(renamed.body.name).toBe('Support Tier 1');
      expect((await t.call('GET', `${base}/${set.id}`, { key })).body.name).toBe('Support Tier 1');
      const user = await t.call('POST', `${API}/accounts/${id}/users`, {
        key,
        body: { email: 'holder@corp.test', permissionSetId: set.id },
      });
      expect(user.body.permissionSetId).toBe(set.id);
      const refused = await t.call('DELETE', `${base}/${set.id}`, { key });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('permission_set.in_use');
      expect(refused.body.detail).toContain('1 user(s)');
      const minimal = (await t.call('GET', base, { key })).body.items[0];
      await t.call('PATCH', `${API}/accounts/${id}/users/${user.body.id}`, {
        key,
        body: { permissionSetId: minimal.id },
      });
      expect((await t.call('DELETE', `${base}/${set.id}`, { key })).status).toBe(204);
      const gone = await t.call('GET', `${base}/${set.id}`, { key });
      expect(gone.status).toBe(404);
      expect(gone.body.code).toBe('permission_set.not_found');
    });

    it('carries a paid seat on both pricing models (classic: given; seats: required)', async (ctx) => {
      if (!t) return ctx.skip();
      const classic = await newAccount(t, { pricingModel: 'classic' });
      const seats = await newAccount(t, { pricingModel: 'seats' });
      const paid = await t.call('POST', `${API}/accounts/${classic.id}/permission-sets`, {
        key: classic.key,
        body: { name: 'Sales', paidSeat: 'sales' },
      });
      expect(paid.status).toBe(201);
      expect(paid.body.paidSeat).toBe('sales');
      const required = await t.call('POST', `${API}/accounts/${seats.id}/permission-sets`, {
        key: seats.key,
        body: { name: 'Sales', paidSeat: 'sales' },
      });
      expect(required.status).toBe(201);
      expect(required.body.paidSeat).toBe('sales');
      const unknownSeat = await t.call('POST', `${API}/accounts/${classic.id}/permission-sets`, {
        key: classic.key,
        body: { name: 'Gold', paidSeat: 'gold' },
      });
      expect(unknownSeat.status).toBe(400);
      expect(unknownSeat.body.errors[0].pointer).toBe('/paidSeat');
      // On the classic model a user's seat is its permission set's paid seat.
      const user = await t.call('POST', `${API}/accounts/${classic.id}/users`, {
        key: classic.key,
        body: { email: 'rep@corp.test', permissionSetId: paid.body.id },
      });
      expect(user.body.seat).toBe('sales');
      const cleared = await t.call(
        'PATCH',
        `${API}/accounts/${classic.id}/permission-sets/${paid.body.id}`,
        {
          key: classic.key,
          body: { paidSeat: null },
        },
      );
      expect(cleared.body.paidSeat).toBeNull();
      const reread = await t.call('GET', `${API}/accounts/${classic.id}/users/${user.body.id}`, {
        key: classic.key,
      });
      expect(reread.body.seat).toBeNull();
    });

    it("never reaches another account's sets, even by id", async (ctx) => {
      if (!t) return ctx.skip();
      const a = await newAccount(t);
      const b = await newAccount(t);
      const theirs = (
        await t.call('POST', `${API}/accounts/${b.id}/permission-sets`, {
          key: b.key,
          body: { name: 'B only' },
        })
      ).body;
      const path = `${API}/accounts/${a.id}/permission-sets/${theirs.id}`;
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { name: 'stolen' }],
        ['DELETE', undefined],
      ] as const) {
        const response = await t.call(method, path, { key: a.key, body });
        expect(response.status, method).toBe(404);
        expect(response.body.code).toBe('permission_set.not_found');
      }
      // Nor can a user of A be given B's set.
      const user = await t.call('POST', `${API}/accounts/${a.id}/users`, {
        key: a.key,
        body: { email: 'x@corp.test', permissionSetId: theirs.id },
      });
      expect(user.status).toBe(400);
      expect(user.body.code).toBe('user.permission_set_unknown');
      const still = await t.call('GET', `${API}/accounts/${b.id}/permission-sets/${theirs.id}`, {
        key: b.key,
      });
      expect(still.body.name).toBe('B only');
    });
  });
}
