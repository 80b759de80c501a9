/**
 * Every admin route, from the server's own route table, against every way a caller can be
 * refused: no key, a wrong key, a revoked key, another account's key (404, exactly as for an
 * account that does not exist), and an account key on an operator-only route (403).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  type AdminTestApp,
  API,
  createAdminTestApp,
  newAccount,
  routeTable,
} from './admin-api-kit.ts';

const MISSING_ID = '01890000-0000-7000-8000-000000000000';

for (const kind of STORE_KINDS) {
  describe(`admin API auth (${kind})`, () => {
    let t: AdminTestApp | undefined;
    let a: Awaited<ReturnType<typeof newAccount>>;
    let b: Awaited<ReturnType<typeof newAccount>>;
    let revokedKey: string;

    beforeAll(async () => {
      t = await createAdminTestApp(kind);
      if (!t) return;
      a = await newAccount(t);
      b = await newAccount(t);
      const issued = await t.call('POST', `${API}/accounts/${a.id}/admin-keys`, {
        body: { name: 'to revoke' },
      });
      revokedKey = issued.body.key;
      const revoked = await t.call(
        'DELETE',
        `${API}/accounts/${a.id}/admin-keys/${issued.body.id}`,
      );
      expect(revoked.status).toBe(204);
    });
    afterAll(() => t?.cleanup());

    const routes = () => (t ? routeTable(t) : []);
    const pathOf = (template: string, accountId: string) =>
      API +
      template.replace(/\{(\w+)\}/g, (_m, name: string) =>
        name === 'accountId' ? accountId : MISSING_ID,
      );

    it('refuses every keyed route without a key, with a wrong key and with a revoked key', async (ctx) => {
      if (!t) return ctx.skip();
      const keyed = routes().filter((r) => r.access !== 'public');
      expect(keyed.length).toBeGreaterThan(3);
      for (const route of keyed) {
        const path = pathOf(route.path, a.id);
        const method = route.method.toUpperCase();
        const body = route.body ? {} : undefined;
        for (const [key, code] of [
          [null, 'auth.missing_key'],
          ['roster_admin_wrong0000000000000000000000000', 'auth.invalid_key'],
          [revokedKey, 'auth.invalid_key'],
          [`${a.key}x`, 'auth.invalid_key'],
        ] as const) {
          const response = await t.call(method, path, { key, body });
          expect(response.status, `${method} ${route.path} with ${key}`).toBe(401);
          expect(response.body.code).toBe(code);
          expect(response.headers.get('www-authenticate')).toContain('Bearer');
          expect(response.headers.get('content-type')).toContain('application/problem+json');
        }
        const malformed = await t.call(method, path, {
          body,
          headers: { Authorization: `Basic ${a.key}` },
        });
        expect(malformed.status).toBe(401);
      }
    });

    it("answers another account's key exactly as for an account that does not exist", async (ctx) => {
      if (!t) return ctx.skip();
      const scoped = routes().filter((r) => r.access === 'account');
      expect(scoped.length).toBeGreaterThan(3);
      for (const route of scoped) {
        const method = route.method.toUpperCase();
        const body = route.body ? {} : undefined;
        const foreign = await t.call(method, pathOf(route.path, a.id), { key: b.key, body });
        const missing = await t.call(method, pathOf(route.path, MISSING_ID), { key: b.key, body });
        expect(foreign.status, `${method} ${route.path}`).toBe(404);
        expect(foreign.body.code).toBe('account.not_found');
        expect(foreign.body.detail.replace(a.id, '?')).toBe(
          missing.body.detail.replace(MISSING_ID, '?'),
        );
        expect({ ...foreign.body, detail: '' }).toEqual({ ...missing.body, detail: '' });
      }
    });

    it('refuses account keys on operator-only routes with 403', async (ctx) => {
      if (!t) return ctx.skip();
      const operatorOnly = routes().filter((r) => r.access === 'operator');
      expect(operatorOnly.map((r) => `${r.method} ${r.path}`)).toEqual(
        expect.arrayContaining(['post /accounts', 'get /accounts', 'get /audit']),
      );
      for (const route of operatorOnly) {
        const method = route.method.toUpperCase();
        const response = await t.call(method, pathOf(route.path, a.id), {
          key: a.key,
          body: route.body ? { name: 'x' } : undefined,
        });
        expect(response.status, `${method} ${route.path}`).toBe(403);
        expect(response.body.code).toBe('auth.operator_only');
      }
      const accounts = await t.call('GET', `${API}/accounts`);
      expect(accounts.body.items.some((x: { id: string }) => x.id === b.id)).toBe(true);
    });

    it('lets an account key act on its own account only, and the operator on any', async (ctx) => {
      if (!t) return ctx.skip();
      expect((await t.call('GET', `${API}/accounts/${a.id}`, { key: a.key })).status).toBe(200);
      expect((await t.call('GET', `${API}/accounts/${b.id}`, { key: b.key })).status).toBe(200);
      expect((await t.call('GET', `${API}/accounts/${a.id}`)).status).toBe(200);
      expect((await t.call('GET', `${API}/accounts/${MISSING_ID}`)).status).toBe(404);
      // A foreign mutation changes nothing.
      const renamed = await t.call('PATCH', `${API}/accounts/${a.id}`, {
        key: b.key,
        body: { name: 'taken over' },
      });
      expect(renamed.status).toBe(404);
      expect((await t.call('GET', `${API}/accounts/${a.id}`)).body.name).not.toBe('taken over');
    });

    it('keeps SCIM tokens and admin keys apart', async (ctx) => {
      if (!t) return ctx.skip();
      const scimToken = t.app.token;
      const withToken = await t.call('GET', `${API}/accounts/${t.app.accountId}`, {
        key: scimToken,
      });
      expect(withToken.status).toBe(401);
      const withKey = await t.app.request('GET', '/scim/v2/Users', { token: a.key });
      expect(withKey.status).toBe(401);
      const withOperator = await t.app.request('GET', '/scim/v2/Users', { token: ADMIN_KEY });
      expect(withOperator.status).toBe(401);
    });

    it('GET /me says who a key is: the operator, or an admin key and its account', async (ctx) => {
      if (!t) return ctx.skip();
      expect((await t.call('GET', `${API}/me`)).body).toEqual({
        kind: 'operator',
        accountId: null,
        keyId: null,
        prefix: null,
      });
      expect((await t.call('GET', `${API}/me`, { key: a.key })).body).toEqual({
        kind: 'account',
        accountId: a.id,
        keyId: a.keyId,
        prefix: a.key.slice('roster_admin_'.length, 'roster_admin_'.length + 8),
      });
      expect((await t.call('GET', `${API}/me`, { key: revokedKey })).status).toBe(401);
    });

    it('stops accepting a key the moment it is revoked', async (ctx) => {
      if (!t) return ctx.skip();
      const issued = await t.call('POST', `${API}/accounts/${b.id}/admin-keys`, {
        key: b.key,
        body: { name: 'short-lived' },
      });
      expect(
        (await t.call('GET', `${API}/accounts/${b.id}`, { key: issued.body.key })).status,
      ).toBe(200);
      await t.call('DELETE', `${API}/accounts/${b.id}/admin-keys/${issued.body.id}`, {
        key: b.key,
      });
      expect(
        (await t.call('GET', `${API}/accounts/${b.id}`, { key: issued.body.key })).status,
      ).toBe(401);
    });
  });
}
