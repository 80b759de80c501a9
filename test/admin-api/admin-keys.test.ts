import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { type AdminTestApp, API, createAdminTestApp, newAccount } from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API admin keys (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
    });
    afterAll(() => t?.cleanup());

    it('shows a key once, lists it by prefix only, keeps only its hash, and records its use', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key, keyId } = await newAccount(t);
      expect(key).toMatch(/^roster_admin_[A-Za-z0-9_-]{43}$/);
      await t.call('GET', `${API}/accounts/${id}`, { key });
      const list = await t.call('GET', `${API}/accounts/${id}/admin-keys`, { key });
      expect(list.body.items).toEqual([
        {
          id: keyId,
          name: 'ci',
          prefix: key.slice('roster_admin_'.length, 'roster_admin_'.length + 8),
          createdAt: expect.any(String),
          lastUsedAt: expect.any(String),
          revokedAt: null,
        },
      ]);
      expect(list.text).not.toContain(key);
      const [stored] = await t.app.directory.store.adminKeys.list(id);
      expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(key);
    });

    it("revokes only the account's own keys; a key may revoke itself", async (ctx) => {
      if (!t) return ctx.skip();
      const a = await newAccount(t);
      const b = await newAccount(t);
      const foreign = await t.call('DELETE', `${API}/accounts/${a.id}/admin-keys/${b.keyId}`, {
        key: a.key,
      });
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('admin_key.not_found');
      expect((await t.call('GET', `${API}/accounts/${b.id}`, { key: b.key })).status).toBe(200);
      expect(
        (await t.call('DELETE', `${API}/accounts/${a.id}/admin-keys/${a.keyId}`, { key: a.key }))
          .status,
      ).toBe(204);
      expect((await t.call('GET', `${API}/accounts/${a.id}`, { key: a.key })).status).toBe(401);
      const listed = await t.call('GET', `${API}/accounts/${a.id}/admin-keys`);
      expect(listed.body.items[0].revokedAt).toEqual(expect.any(String));
      // Revoking again is harmless and keeps the first time.
      expect((await t.call('DELETE', `${API}/accounts/${a.id}/admin-keys/${a.keyId}`)).status).toBe(
        204,
      );
      const again = await t.call('GET', `${API}/accounts/${a.id}/admin-keys`);
      expect(again.body.items[0].revokedAt).toBe(listed.body.items[0].revokedAt);
    });
  });
}
