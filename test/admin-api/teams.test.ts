import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { type AdminTestApp, API, createAdminTestApp, newAccount } from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API teams (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
    });
    afterAll(() => t?.cleanup());

    it('creates, renames, counts members, and deletes a team without deleting its members', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const base = `${API}/accounts/${id}/teams`;
      const east = (await t.call('POST', base, { key, body: { name: 'East' } })).body;
      const west = (await t.call('POST', base, { key, body: { name: 'West' } })).body;
      expect(east).toMatchObject({ name: 'East', memberCount: 0 });
      const taken = await t.call('POST', base, { key, body: { name: 'East' } });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('team.name_taken');
      const renameClash = await t.call('PATCH', `${base}/${west.id}`, {
        key,
        body: { name: 'East' },
      });
      expect(renameClash.body.code).toBe('team.name_taken');

      const user = await t.call('POST', `${API}/accounts/${id}/users`, {
        key,
        body: { email: 'member@corp.test', primaryTeamId: east.id, secondaryTeamIds: [west.id] },
      });
      expect(user.body).toMatchObject({ primaryTeamId: east.id, secondaryTeamIds: [west.id] });
      expect((await t.call('GET', `${base}/${east.id}`, { key })).body.memberCount).toBe(1);
      // A team listed as both primary and secondary (or twice) is one membership; no change, no new version.
      const same = await t.call('PATCH', `${API}/accounts/${id}/users/${user.body.id}`, {
        key,
        body: { primaryTeamId: east.id, secondaryTeamIds: [west.id, east.id, west.id] },
      });
      expect(same.body).toMatchObject({
        primaryTeamId: east.id,
        secondaryTeamIds: [west.id],
        version: user.body.version,
      });
      const renamed = await t.call('PATCH', `${base}/${east.id}`, {
        key,
        body: { name: 'East Coast' },
      });
      expect(renamed.body).toMatchObject({ name: 'East Coast', memberCount: 1 });

      expect((await t.call('DELETE', `${base}/${east.id}`, { key })).status).toBe(204);
      expect((await t.call('GET', `${base}/${east.id}`, { key })).body.code).toBe('team.not_found');
      const after = await t.call('GET', `${API}/accounts/${id}/users/${user.body.id}`, { key });
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ primaryTeamId: null, secondaryTeamIds: [west.id] });
      const list = await t.call('GET', base, { key });
      expect(list.body.items).toEqual([{ ...west, memberCount: 1 }]);
    });

    it("keeps teams per account: same names allowed, other accounts' teams unreachable", async (ctx) => {
      if (!t) return ctx.skip();
      const a = await newAccount(t);
      const b = await newAccount(t);
      await t.call('POST', `${API}/accounts/${a.id}/teams`, { key: a.key, body: { name: 'Ops' } });
      const theirs = await t.call('POST', `${API}/accounts/${b.id}/teams`, {
        key: b.key,
        body: { name: 'Ops' },
      });
      expect(theirs.status).toBe(201);
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { name: 'mine now' }],
        ['DELETE', undefined],
      ] as const) {
        const response = await t.call(method, `${API}/accounts/${a.id}/teams/${theirs.body.id}`, {
          key: a.key,
          body,
        });
        expect(response.status, method).toBe(404);
        expect(response.body.code).toBe('team.not_found');
      }
      const user = await t.call('POST', `${API}/accounts/${a.id}/users`, {
        key: a.key,
        body: { email: 'y@corp.test', secondaryTeamIds: [theirs.body.id] },
      });
      expect(user.status).toBe(400);
      expect(user.body.code).toBe('user.team_unknown');
      expect(
        (await t.call('GET', `${API}/accounts/${b.id}/teams/${theirs.body.id}`, { key: b.key }))
          .body,
      ).toMatchObject({
        name: 'Ops',
        memberCount: 0,
      });
    });
  });
}
