import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCIM, STORE_KINDS } from '../helpers/create-test-app.ts';
import { type AdminTestApp, API, createAdminTestApp, newAccount } from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API users (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
    });
    afterAll(() => t?.cleanup());

    it('creates an app-managed user that SCIM then sees with the same name and email', async (ctx) => {
      if (!t) return ctx.skip();
      const base = `${API}/accounts/${t.app.accountId}/users`;
      const created = await t.call('POST', base, {
        body: {
          email: 'Ada@Example.com',
          givenName: 'Ada',
          familyName: 'Lovelace',
          displayName: 'Ada L.',
        },
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`${base}/${created.body.id}`);
      expect(created.body).toMatchObject({
        email: 'Ada@Example.com',
        userName: 'Ada@Example.com',
        givenName: 'Ada',
        familyName: 'Lovelace',
        displayName: 'Ada L.',
        active: true,
        superAdmin: false,
        managedBy: 'app',
        externalId: null,
        seat: null,
        primaryTeamId: null,
        secondaryTeamIds: [],
        version: 1,
      });
      const minimal = await t.app.directory.store.permissionSets.findMinimal(t.app.accountId);
      expect(created.body.permissionSetId).toBe(minimal?.id);
      const scim = await t.app.request('GET', `${SCIM}/Users/${created.body.id}`);
      expect(scim.status).toBe(200);
      expect(scim.body).toMatchObject({
        userName: 'Ada@Example.com',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        displayName: 'Ada L.',
        emails: [{ value: 'Ada@Example.com', primary: true }],
      });
      const duplicate = await t.call('POST', base, { body: { email: 'ada@example.com' } });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.code).toBe('user.email_taken');
    });

    it('updates an app user; SCIM reads the new name and email; no-op updates keep the version', async (ctx) => {
      if (!t) return ctx.skip();
      const base = `${API}/accounts/${t.app.accountId}/users`;
      const user = (
        await t.call('POST', base, { body: { email: 'grace@example.com', givenName: 'Grace' } })
      ).body;
      const updated = await t.call('PATCH', `${base}/${user.id}`, {
        body: {
          email: 'g.hopper@example.com',
          familyName: 'Hopper',
          givenName: null,
          superAdmin: true,
        },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        email: 'g.hopper@example.com',
        userName: 'g.hopper@example.com',
        givenName: null,
        familyName: 'Hopper',
        superAdmin: true,
        version: 2,
      });
      const scim = await t.app.request('GET', `${SCIM}/Users/${user.id}`);
      expect(scim.body.name).toEqual({ familyName: 'Hopper' });
      expect(scim.body.emails[0].value).toBe('g.hopper@example.com');
      expect(scim.headers.get('etag')).toBe('W/"2"');
      const same = await t.call('PATCH', `${base}/${user.id}`, { body: { familyName: 'Hopper' } });
      expect(same.body.version).toBe(2);
      expect((await t.call('PATCH', `${base}/${user.id}`, { body: {} })).body.version).toBe(2);
      const bad = await t.call('PATCH', `${base}/${user.id}`, { body: { email: 'not-an-email' } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ pointer: '/email', message: 'must be an email address' }]);
      const unknown = await t.call('PATCH', `${base}/${user.id}`, { body: { managedBy: 'scim' } });
      expect(unknown.body.errors).toEqual([{ pointer: '/managedBy', message: 'unknown field' }]);
    });

    it('deactivates and reactivates an app user, and deletes it for good', async (ctx) => {
      if (!t) return ctx.skip();
      const base = `${API}/accounts/${t.app.accountId}/users`;
      const user = (await t.call('POST', base, { body: { email: 'linus@example.com' } })).body;
      const off = await t.call('POST', `${base}/${user.id}/deactivate`);
      expect(off.body).toMatchObject({ active: false, version: 2 });
      expect((await t.app.request('GET', `${SCIM}/Users/${user.id}`)).body.active).toBe(false);
      const again = await t.call('POST', `${base}/${user.id}/deactivate`);
      expect(again.body.version).toBe(2);
      const on = await t.call('POST', `${base}/${user.id}/reactivate`);
      expect(on.body).toMatchObject({ active: true, version: 3 });
      expect((await t.call('DELETE', `${base}/${user.id}`)).status).toBe(204);
      const gone = await t.call('GET', `${base}/${user.id}`);
      expect(gone.status).toBe(404);
      expect(gone.body.code).toBe('user.not_found');
      expect((await t.app.request('GET', `${SCIM}/Users/${user.id}`)).status).toBe(404);
      expect((await t.call('DELETE', `${base}/${user.id}`)).status).toBe(404);
      // The email is free again.
      expect((await t.call('POST', base, { body: { email: 'linus@example.com' } })).status).toBe(
        201,
      );
    });

    it('lists with filters and signed cursors that stay bound to their filters', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const base = `${API}/accounts/${id}/users`;
      for (let i = 0; i < 5; i++) {
        await t.call('POST', base, {
          key,
          body: { email: `p${i}@corp.test`, displayName: `Person ${i}` },
        });
      }
      await t.call('POST', base, { key, body: { email: 'other@corp.test', displayName: 'Zed' } });
      const deactivated = (await t.call('GET', `${base}?email=P3@CORP.TEST`, { key })).body
        .items[0];
      await t.call('POST', `${base}/${deactivated.id}/deactivate`, { key });

      const page1 = await t.call('GET', `${base}?search=person&limit=2`, { key });
      expect(page1.body.total).toBe(5);
      expect(page1.body.items.map((u: { email: string }) => u.email)).toEqual([
        'p0@corp.test',
        'p1@corp.test',
      ]);
      const page2 = await t.call(
        'GET',
        `${base}?search=person&limit=2&cursor=${page1.body.nextCursor}`,
        { key },
      );
      expect(page2.body.items.map((u: { email: string }) => u.email)).toEqual([
        'p2@corp.test',
        'p3@corp.test',
      ]);
      const page3 = await t.call(
        'GET',
        `${base}?search=person&limit=2&cursor=${page2.body.nextCursor}`,
        { key },
      );
      expect(page3.body.items.map((u: { email: string }) => u.email)).toEqual(['p4@corp.test']);
      expect(page3.body.nextCursor).toBeNull();

      const inactive = await t.call('GET', `${base}?active=false`, { key });
      expect(inactive.body.items.map((u: { id: string }) => u.id)).toEqual([deactivated.id]);
      const managed = await t.call('GET', `${base}?managedBy=scim`, { key });
      expect(managed.body).toEqual({ items: [], total: 0, nextCursor: null });
      // A cursor from one filter is refused on another, and a forged one is refused.
      const crossed = await t.call('GET', `${base}?search=zed&cursor=${page1.body.nextCursor}`, {
        key,
      });
      expect(crossed.status).toBe(400);
      expect(crossed.body.code).toBe('request.invalid_cursor');
      const forged = await t.call('GET', `${base}?cursor=abc`, { key });
      expect(forged.body.code).toBe('request.invalid_cursor');
      for (const query of ['active=yes', 'managedBy=idp', 'limit=0', 'search=']) {
        const response = await t.call('GET', `${base}?${query}`, { key });
        expect(response.status, query).toBe(400);
        expect(response.body.code).toBe('request.invalid');
      }
    });

    it('filters by permission set and by team (primary or secondary), paging by cursor', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const base = `${API}/accounts/${id}/users`;
      const sales = (
        await t.call('POST', `${API}/accounts/${id}/permission-sets`, {
          key,
          body: { name: 'Sales Rep', permissions: [] },
        })
      ).body;
      const north = (
        await t.call('POST', `${API}/accounts/${id}/teams`, { key, body: { name: 'North' } })
      ).body;
      const south = (
        await t.call('POST', `${API}/accounts/${id}/teams`, { key, body: { name: 'South' } })
      ).body;
      const make = async (email: string, extra: Record<string, unknown>) =>
        (await t?.call('POST', base, { key, body: { email, ...extra } }))?.body.id as string;
      const a = await make('a@corp.test', { permissionSetId: sales.id, primaryTeamId: north.id });
      const b = await make('b@corp.test', { secondaryTeamIds: [north.id, south.id] });
      const c = await make('c@corp.test', { permissionSetId: sales.id });
      await make('d@corp.test', { primaryTeamId: south.id });

      const ids = async (query: string) =>
        (await t?.call('GET', `${base}?${query}`, { key }))?.body.items.map(
          (u: { id: string }) => u.id,
        );
      expect(await ids(`permissionSetId=${sales.id}`)).toEqual([a, c]);
      expect(await ids(`teamId=${north.id}`)).toEqual([a, b]);
      expect(await ids(`teamId=${north.id}&permissionSetId=${sales.id}`)).toEqual([a]);
      expect(await ids('teamId=no-such-team')).toEqual([]);
      const first = await t.call('GET', `${base}?teamId=${north.id}&limit=1`, { key });
      expect(first.body.total).toBe(2);
      const second = await t.call(
        'GET',
        `${base}?teamId=${north.id}&limit=1&cursor=${first.body.nextCursor}`,
        { key },
      );
      expect(second.body.items.map((u: { id: string }) => u.id)).toEqual([b]);
      // The cursor is bound to the team it was issued for.
      const crossed = await t.call(
        'GET',
        `${base}?teamId=${south.id}&limit=1&cursor=${first.body.nextCursor}`,
        { key },
      );
      expect(crossed.body.code).toBe('request.invalid_cursor');
    });
    it("never reaches another account's users", async (ctx) => {
      if (!t) return ctx.skip();
      const a = await newAccount(t);
      const b = await newAccount(t);
      const theirs = (
        await t.call('POST', `${API}/accounts/${b.id}/users`, {
          key: b.key,
          body: { email: 'secret@b.test' },
        })
      ).body;
      const path = `${API}/accounts/${a.id}/users/${theirs.id}`;
      for (const [method, suffix, body] of [
        ['GET', '', undefined],
        ['PATCH', '', { displayName: 'mine' }],
        ['POST', '/deactivate', undefined],
        ['POST', '/reactivate', undefined],
        ['DELETE', '', undefined],
      ] as const) {
        for (const key of [a.key, undefined]) {
          const response = await t.call(method, `${path}${suffix}`, { key, body });
          expect(response.status, `${method}${suffix}`).toBe(404);
          expect(response.body.code).toBe('user.not_found');
        }
      }
      const listed = await t.call('GET', `${API}/accounts/${a.id}/users?email=secret@b.test`, {
        key: a.key,
      });
      expect(listed.body.total).toBe(0);
      const still = await t.call('GET', `${API}/accounts/${b.id}/users/${theirs.id}`, {
        key: b.key,
      });
      expect(still.body).toMatchObject({ active: true, displayName: null, version: 1 });
      // The same email is free in another account.
      const same = await t.call('POST', `${API}/accounts/${a.id}/users`, {
        key: a.key,
        body: { email: 'secret@b.test' },
      });
      expect(same.status).toBe(201);
    });
  });
}
