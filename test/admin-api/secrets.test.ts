/**
 * Secrets on the admin API: tokens are refused in the query string; the audit trail keeps no
 * project files and no secret-named fields; at most 8 characters of any token or key are
 * stored or shown (its `roster_…` label aside), however it was issued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, DEMO_TOKEN, STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  type AdminTestApp,
  API,
  createAdminTestApp,
  newAccount,
  projectFiles,
} from './admin-api-kit.ts';

const HINT_CHARS = 8;

for (const kind of STORE_KINDS) {
  describe(`admin API secrets (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
    });
    afterAll(() => t?.cleanup());

    it('refuses an access_token in the query on every route, pointing to the Authorization header', async (ctx) => {
      if (!t) return ctx.skip();
      for (const path of [
        `${API}/openapi.json?access_token=${ADMIN_KEY}`,
        `${API}/accounts?access_token=${ADMIN_KEY}`,
        `${API}/accounts?limit=5&ACCESS_TOKEN=${ADMIN_KEY}`,
      ]) {
        const response = await t.app.request('GET', path, { token: null });
        expect(response.status, path).toBe(400);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body.code).toBe('request.invalid');
        expect(response.body.detail).toMatch(/Authorization header/);
        expect(response.body.errors).toEqual([
          { pointer: '/access_token', message: expect.any(String) },
        ]);
      }
    });

    it('keeps no project files in the audit trail, and redacts secret-named fields it keeps', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      // What `roster project upload` sent when a project file was a symlink to profiles.json.
      const profiles = JSON.stringify({ profiles: { default: { url: 'http://x', key } } });
      const upload = await t.call('PUT', `${API}/accounts/${id}/scim-app`, {
        key,
        body: { files: { ...projectFiles(), 'app-hsmeta.json': profiles } },
      });
      expect(upload.status).toBe(400);
      const uploaded = await t.call('PUT', `${API}/accounts/${id}/scim-app`, {
        key,
        body: { files: projectFiles() },
      });
      expect(uploaded.status).toBe(200);
      const secret = 'hunter2-secret-value';
      const refused = await t.call('PATCH', `${API}/accounts/${id}`, {
        body: { name: 'x', adminPassword: secret, nested: [{ apiKey: secret }] },
      });
      expect(refused.status).toBe(400);

      const trail = await t.call('GET', `${API}/accounts/${id}/audit?limit=50`);
      expect(trail.text).not.toContain(key.slice(20));
      expect(trail.text).not.toContain(secret);
      const uploads = trail.body.items.filter(
        (e: { action: string }) => e.action === 'scim_app.upload',
      );
      expect(uploads.map((e: { status: number }) => e.status)).toEqual([200, 400]);
      for (const entry of uploads) expect(entry.request).toBeNull();
      const update = trail.body.items.find(
        (e: { action: string; status: number }) =>
          e.action === 'account.update' && e.status === 400,
      );
      expect(update.request).toEqual({
        name: 'x',
        adminPassword: '[redacted]',
        nested: [{ apiKey: '[redacted]' }],
      });
    });

    it('stores and shows at most 8 characters of any token or key', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key, keyId } = await newAccount(t);
      const keys = await t.call('GET', `${API}/accounts/${id}/admin-keys`, { key });
      const listed = keys.body.items.find((k: { id: string }) => k.id === keyId);
      expect(listed.prefix.length).toBeLessThanOrEqual(HINT_CHARS);
      expect(key.slice('roster_admin_'.length).startsWith(listed.prefix)).toBe(true);
      const me = await t.call('GET', `${API}/me`, { key });
      expect(me.body.prefix.length).toBeLessThanOrEqual(HINT_CHARS);

      await t.call('PUT', `${API}/accounts/${id}/scim-app`, {
        key,
        body: { files: projectFiles() },
      });
      await t.call('PATCH', `${API}/accounts/${id}`, {
        body: { tier: 'enterprise', ssoEnabled: true },
      });
      const installed = await t.call('POST', `${API}/accounts/${id}/scim-app/install`, { key });
      expect(installed.status, installed.text).toBe(201);
      const rotated = await t.call('POST', `${API}/accounts/${id}/tokens/rotate`, {
        key,
        body: {},
      });
      expect(rotated.status, rotated.text).toBe(201);
      for (const issued of [installed.body, rotated.body]) {
        expect(issued.tokenRecord.prefix.length).toBeLessThanOrEqual(HINT_CHARS);
        expect(issued.token.slice('roster_'.length).startsWith(issued.tokenRecord.prefix)).toBe(
          true,
        );
      }
      const tokens = await t.call('GET', `${API}/accounts/${id}/tokens`, { key });
      for (const token of tokens.body.items) {
        expect(token.prefix.length).toBeLessThanOrEqual(HINT_CHARS);
      }
      const trail = await t.call('GET', `${API}/accounts/${id}/audit?limit=50`);
      for (const entry of trail.body.items) {
        if (entry.actor.kind === 'admin-key') {
          expect(entry.actor.prefix.length).toBeLessThanOrEqual(HINT_CHARS);
        }
      }

      // What is stored, whatever issued it: the demo account's configured token too.
      const { store } = t.app.directory;
      for (const accountId of [id, t.app.accountId]) {
        for (const token of await store.tokens.list(accountId)) {
          expect(token.prefix.length, token.prefix).toBeLessThanOrEqual(HINT_CHARS);
        }
        for (const adminKey of await store.adminKeys.list(accountId)) {
          expect(adminKey.prefix.length, adminKey.prefix).toBeLessThanOrEqual(HINT_CHARS);
        }
      }
      const demo = await store.tokens.list(t.app.accountId);
      expect(demo.map((token) => token.prefix)).toContain(DEMO_TOKEN.slice(0, HINT_CHARS));
    });
  });
}
