import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { type AdminTestApp, API, createAdminTestApp, newAccount } from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API seat pools (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
    });
    afterAll(() => t?.cleanup());

    async function seatsAccount() {
      if (!t) throw new Error('no app');
      return newAccount(t, { pricingModel: 'seats' });
    }
    async function users(accountId: string, key: string, count: number): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const created = await t?.call('POST', `${API}/accounts/${accountId}/users`, {
          key,
          body: { email: `seat-${i}-${Math.random()}@corp.test` },
        });
        ids.push(created?.body.id);
      }
      return ids;
    }

    it('lists one pool per seat type, sets purchased counts, assigns and frees seats', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await seatsAccount();
      const base = `${API}/accounts/${id}/seat-pools`;
      const empty = await t.call('GET', base, { key });
      expect(empty.body.items).toEqual(
        ['core', 'sales', 'service', 'view-only'].map((seatType) => ({
          seatType,
          purchased: 0,
          assigned: 0,
          available: 0,
          source: 'pool',
        })),
      );
      expect(empty.body.pricingModel).toBe('seats');
      const set = await t.call('PUT', `${base}/sales`, { body: { purchased: 2 } });
      expect(set.body).toEqual({ seatType: 'sales', purchased: 2, assigned: 0, available: 2 });
      const [u1, u2, u3] = await users(id, key, 3);
      const userPath = (u: string | undefined) => `${API}/accounts/${id}/users/${u}`;
      expect(
        (await t.call('PATCH', userPath(u1), { key, body: { seat: 'sales' } })).body.seat,
      ).toBe('sales');
      expect(
        (await t.call('PATCH', userPath(u2), { key, body: { seat: 'sales' } })).body.seat,
      ).toBe('sales');
      const full = await t.call('PATCH', userPath(u3), { key, body: { seat: 'sales' } });
      expect(full.status).toBe(409);
      expect(full.body.code).toBe('seat.pool_full');
      expect(full.body.detail).toBe(
        'the sales seat pool is full (2 of 2 seats assigned): buy more sales seats or free one first',
      );
      const none = await t.call('PATCH', userPath(u3), { key, body: { seat: 'core' } });
      expect(none.body.detail).toBe('no core seats have been purchased for this account');
      // Lowering below what is assigned is refused; freeing a seat makes room.
      const lower = await t.call('PUT', `${base}/sales`, { body: { purchased: 1 } });
      expect(lower.status).toBe(409);
      expect(lower.body.code).toBe('seat.pool_below_assigned');
      await t.call('PATCH', userPath(u1), { key, body: { seat: null } });
      expect(
        (await t.call('PATCH', userPath(u3), { key, body: { seat: 'sales' } })).body.seat,
      ).toBe('sales');
      // Deleting a user frees its seat.
      expect((await t.call('DELETE', userPath(u2), { key })).status).toBe(204);
      const pools = await t.call('GET', base, { key });
      expect(pools.body.items[1]).toEqual({
        seatType: 'sales',
        purchased: 2,
        assigned: 1,
        available: 1,
        source: 'pool',
      });
      // Moving a seat releases the old one.
      await t.call('PUT', `${base}/core`, { body: { purchased: 1 } });
      await t.call('PATCH', userPath(u3), { key, body: { seat: 'core' } });
      const moved = (await t.call('GET', base, { key })).body.items;
      expect(moved.slice(0, 2).map((p: { assigned: number }) => p.assigned)).toEqual([1, 0]);
    });

    it('on the classic model, counts the seats users hold through their permission sets', async (ctx) => {
      if (!t) return ctx.skip();
      // Issue 13: a user held a sales seat (its permission set's) while the list said 0.
      const { id, key } = await newAccount(t, { pricingModel: 'classic' });
      const set = await t.call('POST', `${API}/accounts/${id}/permission-sets`, {
        key,
        body: { name: 'Sales Rep', paidSeat: 'sales' },
      });
      const [u1, u2] = await users(id, key, 2);
      for (const user of [u1, u2]) {
        const held = await t.call('PATCH', `${API}/accounts/${id}/users/${user}`, {
          key,
          body: { permissionSetId: set.body.id },
        });
        expect(held.body.seat).toBe('sales');
      }
      const pools = await t.call('GET', `${API}/accounts/${id}/seat-pools`, { key });
      expect(pools.body.pricingModel).toBe('classic');
      expect(pools.body.items).toEqual(
        ['core', 'sales', 'service', 'view-only'].map((seatType) => ({
          seatType,
          purchased: null,
          assigned: seatType === 'sales' ? 2 : 0,
          available: null,
          source: 'permission-sets',
        })),
      );
    });

    it('buying seats is billing: an account admin key gets 403 auth.operator_only, the operator sets them', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await seatsAccount();
      const path = `${API}/accounts/${id}/seat-pools/core`;
      for (const purchased of [1_000_000, 5, 0]) {
        const denied = await t.call('PUT', path, { key, body: { purchased } });
        expect(denied.status).toBe(403);
        expect(denied.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(denied.body.code).toBe('auth.operator_only');
        expect(denied.body.detail).toMatch(/operator key/);
      }
      const pools = await t.call('GET', `${API}/accounts/${id}/seat-pools`, { key });
      expect(pools.body.items[0]).toEqual({
        seatType: 'core',
        purchased: 0,
        assigned: 0,
        available: 0,
        source: 'pool',
      });
      // The refusal is in the account's audit trail, as tier and pricing model refusals are.
      const audit = await t.call('GET', `${API}/accounts/${id}/audit?action=seat_pool.update`);
      expect(audit.body.items[0]).toMatchObject({
        status: 403,
        outcome: 'failure',
        errorCode: 'auth.operator_only',
      });
      const set = await t.call('PUT', path, { body: { purchased: 5 } });
      expect(set.body).toEqual({ seatType: 'core', purchased: 5, assigned: 0, available: 5 });
      // The OpenAPI document says so.
      const openapi = await t.call('GET', `${API}/openapi.json`, { key: null });
      const operation = openapi.body.paths['/accounts/{accountId}/seat-pools/{seatType}'].put;
      expect(operation.description).toMatch(/operator key/i);
      expect(Object.keys(operation.responses)).toContain('403');
    });

    it('creates a user with a seat in one step, and creates nothing when the pool is full', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await seatsAccount();
      await t.call('PUT', `${API}/accounts/${id}/seat-pools/view-only`, {
        body: { purchased: 1 },
      });
      const first = await t.call('POST', `${API}/accounts/${id}/users`, {
        key,
        body: { email: 'viewer@corp.test', seat: 'view-only' },
      });
      expect(first.status).toBe(201);
      expect(first.body.seat).toBe('view-only');
      const second = await t.call('POST', `${API}/accounts/${id}/users`, {
        key,
        body: { email: 'second@corp.test', seat: 'view-only' },
      });
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('seat.pool_full');
      const listed = await t.call('GET', `${API}/accounts/${id}/users?email=second@corp.test`, {
        key,
      });
      expect(listed.body.total).toBe(0);
      const unknownTeam = await t.call('POST', `${API}/accounts/${id}/users`, {
        key,
        body: { email: 'third@corp.test', primaryTeamId: '01890000-0000-7000-8000-000000000000' },
      });
      expect(unknownTeam.body.code).toBe('user.team_unknown');
      const retried = await t.call('POST', `${API}/accounts/${id}/users`, {
        key,
        body: { email: 'third@corp.test' },
      });
      expect(retried.status).toBe(201);
    });

    it('never lets two concurrent assignments take the last seat', async (ctx) => {
      if (!t) return ctx.skip();
      for (let round = 0; round < 4; round++) {
        const { id, key } = await seatsAccount();
        await t.call('PUT', `${API}/accounts/${id}/seat-pools/service`, {
          body: { purchased: 1 },
        });
        const racers = await users(id, key, 2 + round);
        const results = await Promise.all(
          racers.map((u) =>
            t?.call('PATCH', `${API}/accounts/${id}/users/${u}`, {
              key,
              body: { seat: 'service' },
            }),
          ),
        );
        const statuses = results.map((r) => r?.status).sort();
        expect(statuses, `round ${round}`).toEqual([200, ...racers.slice(1).map(() => 409)]);
        const pool = (await t.call('GET', `${API}/accounts/${id}/seat-pools`, { key })).body
          .items[2];
        expect(pool).toEqual({
          seatType: 'service',
          purchased: 1,
          assigned: 1,
          available: 0,
          source: 'pool',
        });
        const holders = await t.call('GET', `${API}/accounts/${id}/users?limit=50`, { key });
        expect(
          holders.body.items.filter((u: { seat: string }) => u.seat === 'service'),
        ).toHaveLength(1);
      }
    });

    it('refuses seat pools and direct seats on the classic pricing model, and unknown seat types', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t, { pricingModel: 'classic' });
      const pool = await t.call('PUT', `${API}/accounts/${id}/seat-pools/sales`, {
        body: { purchased: 3 },
      });
      expect(pool.status).toBe(409);
      expect(pool.body.code).toBe('seat.seats_model_only');
      const [user] = await users(id, key, 1);
      const seat = await t.call('PATCH', `${API}/accounts/${id}/users/${user}`, {
        key,
        body: { seat: 'sales' },
      });
      expect(seat.body.code).toBe('seat.seats_model_only');
      const unknown = await t.call('PUT', `${API}/accounts/${id}/seat-pools/gold`, {
        body: { purchased: 1 },
      });
      expect(unknown.status).toBe(404);
      for (const purchased of [-1, 1.5, '3', null]) {
        const bad = await t.call('PUT', `${API}/accounts/${id}/seat-pools/core`, {
          body: { purchased },
        });
        expect(bad.status, String(purchased)).toBe(400);
      }
    });
  });
}
