import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { type AdminTestApp, API, createAdminTestApp, newAccount } from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API audit trail (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
    });
    afterAll(() => t?.cleanup());

    it('records every mutating call with key, action, target, time and outcome; reads are not recorded', async (ctx) => {
      if (!t) return ctx.skip();
      const started = new Date().toISOString();
      const { id, key, keyId } = await newAccount(t);
      await t.call('GET', `${API}/accounts/${id}`, { key });
      await t.call('PATCH', `${API}/accounts/${id}`, { key, body: { ssoEnabled: false } });
      await t.call('PATCH', `${API}/accounts/${id}`, { key, body: { tier: 'enterprise' } });
      await t.call('PATCH', `${API}/accounts/${id}`, { key, body: { tier: 'gold' } });

      const trail = await t.call('GET', `${API}/accounts/${id}/audit`, { key });
      expect(trail.status).toBe(200);
      const entries = trail.body.items;
      expect(
        entries.map((e: Record<string, unknown>) => [e.action, e.status, e.outcome, e.errorCode]),
      ).toEqual([
        ['account.update', 400, 'failure', 'request.invalid'],
        ['account.update', 403, 'failure', 'auth.operator_only'],
        ['account.update', 200, 'success', null],
        ['admin_key.create', 201, 'success', null],
        ['account.create', 201, 'success', null],
      ]);
      const prefix = key.slice('roster_admin_'.length, 'roster_admin_'.length + 8);
      expect(entries[2]).toMatchObject({
        accountId: id,
        actor: { kind: 'admin-key', keyId, prefix },
        target: { type: 'account', id },
        request: { ssoEnabled: false },
      });
      expect(entries[3]).toMatchObject({
        actor: { kind: 'operator' },
        target: { type: 'admin_key', id: keyId },
        request: { name: 'ci' },
      });
      expect(entries[4]).toMatchObject({ target: { type: 'account', id } });
      for (const entry of entries) expect(entry.at >= started).toBe(true);
      // The issued key never reaches the trail.
      expect(trail.text).not.toContain(key);
    });

    it('keeps accounts apart, pages backwards, filters by action, and shows the operator everything', async (ctx) => {
      if (!t) return ctx.skip();
      const a = await newAccount(t);
      const b = await newAccount(t);
      for (const name of ['one', 'two', 'three']) {
        await t.call('PATCH', `${API}/accounts/${a.id}`, { key: a.key, body: { name } });
      }
      // Another account's key trying A is recorded in the caller's own trail, not A's.
      await t.call('PATCH', `${API}/accounts/${a.id}`, { key: b.key, body: { name: 'x' } });
      const mine = await t.call('GET', `${API}/accounts/${b.id}/audit`, { key: b.key });
      expect(mine.body.items[0]).toMatchObject({
        accountId: b.id,
        status: 404,
        errorCode: 'account.not_found',
      });
      const page1 = await t.call('GET', `${API}/accounts/${a.id}/audit?limit=2`, { key: a.key });
      expect(page1.body.items.map((e: { request: { name: string } }) => e.request.name)).toEqual([
        'three',
        'two',
      ]);
      const page2 = await t.call(
        'GET',
        `${API}/accounts/${a.id}/audit?limit=2&before=${page1.body.next}`,
        { key: a.key },
      );
      expect(page2.body.items[0].request.name).toBe('one');
      const creates = await t.call('GET', `${API}/accounts/${a.id}/audit?action=account.create`, {
        key: a.key,
      });
      expect(creates.body.items).toHaveLength(1);
      expect(creates.body.next).toBeNull();
      const all = await t.call('GET', `${API}/audit?limit=200`);
      const accounts = new Set(all.body.items.map((e: { accountId: string }) => e.accountId));
      expect(accounts.has(a.id) && accounts.has(b.id)).toBe(true);
    });

    it('records refused operator calls that reached no account', async (ctx) => {
      if (!t) return ctx.skip();
      const refused = await t.call('POST', `${API}/accounts`, { body: { name: '' } });
      expect(refused.status).toBe(400);
      const all = await t.call('GET', `${API}/audit?action=account.create&limit=1`);
      expect(all.body.items[0]).toMatchObject({
        accountId: null,
        outcome: 'failure',
        errorCode: 'request.invalid',
        request: { name: '' },
      });
    });

    it("refuses another account's entry, or an unknown one, as the anchor of 'before'", async (ctx) => {
      if (!t) return ctx.skip();
      const a = await newAccount(t);
      const b = await newAccount(t);
      await t.call('PATCH', `${API}/accounts/${b.id}`, { key: b.key, body: { name: 'b' } });
      const theirs = await t.call('GET', `${API}/accounts/${b.id}/audit?limit=1`, { key: b.key });
      const foreign = theirs.body.items[0].id as string;
      for (const anchor of [foreign, crypto.randomUUID()]) {
        const refused = await t.call('GET', `${API}/accounts/${a.id}/audit?before=${anchor}`, {
          key: a.key,
        });
        expect(refused.status, refused.text).toBe(400);
        expect(refused.body).toMatchObject({
          code: 'request.invalid',
          errors: [{ pointer: '/before', message: expect.any(String) }],
        });
        expect(refused.body.detail).toContain("'before'");
      }
      // The same 400 for the operator on A's trail; the operator's own trail takes any entry.
      const operator = await t.call('GET', `${API}/accounts/${a.id}/audit?before=${foreign}`);
      expect(operator.status).toBe(400);
      const everything = await t.call('GET', `${API}/audit?before=${foreign}`);
      expect(everything.status).toBe(200);
      const own = await t.call('GET', `${API}/accounts/${a.id}/audit?limit=1`, { key: a.key });
      const anchored = await t.call(
        'GET',
        `${API}/accounts/${a.id}/audit?before=${own.body.items[0].id}`,
        { key: a.key },
      );
      expect(anchored.status).toBe(200);
    });
  });
}
