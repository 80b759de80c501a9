/**
 * The SCIM app over HTTP, as the seeds walk through it: upload the project (every problem with
 * its file and JSON path), install (a token shown once with the tenant URLs), tokens (list,
 * rotate with an overlap, revoke), uninstall. Tokens are proven with real SCIM requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  type AdminTestApp,
  API,
  auditActions,
  createAdminTestApp,
  newAccount,
  projectFiles,
} from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API SCIM app and tokens (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
    });
    afterAll(() => t?.cleanup());

    /** A SCIM request with `token` against the test app: its status. */
    const scimStatus = async (token: string) =>
      (await (t as AdminTestApp).app.request('GET', '/scim/v2/Users?count=1', { token })).status;

    it('reports every problem of an invalid project with its file and JSON path', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const response = await t.call('PUT', `${API}/accounts/${id}/scim-app`, {
        key,
        body: {
          files: {
            'app-hsmeta.json': '{"uid": "x", "type": "app",}',
            'scim/scim-hsmeta.json':
              '{"uid": "scim", "type": "scim", "config": {"roleSyncEnabled": 1}}',
          },
        },
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('scim_app.invalid_project');
      expect(response.body.errors).toEqual([
        {
          pointer: '/files/app-hsmeta.json',
          file: 'app-hsmeta.json',
          line: 1,
          column: 28,
          message:
            "app-hsmeta.json:1:28: invalid JSON: expected another property (remove the trailing comma), found '}'",
        },
        {
          pointer: '/files/scim~1scim-hsmeta.json',
          file: 'scim/scim-hsmeta.json',
          path: '$.config.roleSyncEnabled',
          message:
            'scim/scim-hsmeta.json: $.config.roleSyncEnabled: expected a boolean (true or false), found a number (1)',
        },
      ]);
      const missing = await t.call('PUT', `${API}/accounts/${id}/scim-app`, {
        key,
        body: { files: { 'app-hsmeta.json': projectFiles()['app-hsmeta.json'] } },
      });
      expect(missing.body.errors.map((e: { file: string }) => e.file)).toEqual([
        'scim/scim-hsmeta.json',
      ]);
      const unknownFile = await t.call('PUT', `${API}/accounts/${id}/scim-app`, {
        key,
        body: { files: { ...projectFiles(), 'extra.json': '{}' } },
      });
      expect(unknownFile.body.code).toBe('request.invalid');
      expect((await t.call('GET', `${API}/accounts/${id}/scim-app`, { key })).status).toBe(404);
    });

    it('uploads, re-uploads to change roleSyncEnabled, and refuses a second app', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const path = `${API}/accounts/${id}/scim-app`;
      const first = await t.call('PUT', path, { key, body: { files: projectFiles() } });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        created: true,
        changes: [],
        app: { uid: 'scim-app', name: 'scim app', roleSyncEnabled: false, installed: false },
      });
      const resync = await t.call('PUT', path, {
        key,
        body: { files: projectFiles('scim-app', true) },
      });
      expect(resync.body).toMatchObject({
        created: false,
        changes: ['roleSyncEnabled: false → true'],
        app: { id: first.body.app.id, roleSyncEnabled: true },
      });
      const second = await t.call('PUT', path, { key, body: { files: projectFiles('other-app') } });
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('scim_app.limit_reached');
      expect(second.body.detail).toContain("already has a SCIM app, 'scim-app'");
      expect((await t.call('GET', path, { key })).body).toMatchObject({
        uid: 'scim-app',
        roleSyncEnabled: true,
      });
      expect(await auditActions(t, id)).toEqual(
        expect.arrayContaining(['scim_app.upload 200', 'scim_app.upload 409']),
      );
    });

    it('installs only with the plan and SSO, naming each missing prerequisite', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t, { tier: 'starter', ssoEnabled: false });
      await t.call('PUT', `${API}/accounts/${id}/scim-app`, {
        key,
        body: { files: projectFiles() },
      });
      const refused = await t.call('POST', `${API}/accounts/${id}/scim-app/install`, { key });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('scim_app.prerequisite_missing');
      expect(refused.body.errors.map((e: { message: string }) => e.message)).toEqual([
        'the account is on the starter plan; SCIM needs the professional or enterprise plan',
        'single sign-on (SSO) is not enabled for the account; SCIM needs it',
      ]);
      expect((await t.call('GET', `${API}/accounts/${id}/tokens`, { key })).body.items).toEqual([]);
    });

    it('installs with a token shown once, lists, rotates with an overlap, revokes, uninstalls', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t);
      const app = `${API}/accounts/${id}/scim-app`;
      const tokens = `${API}/accounts/${id}/tokens`;
      const notYet = await t.call('POST', `${app}/install`, { key });
      expect(notYet.body.code).toBe('scim_app.not_found');
      await t.call('PUT', app, { key, body: { files: projectFiles() } });

      const installed = await t.call('POST', `${app}/install`, { key });
      expect(installed.status).toBe(201);
      expect(installed.body).toMatchObject({
        app: { installed: true },
        tenantUrl: 'http://roster.test/scim/v2',
        entraTenantUrl: 'http://roster.test/scim/v2?aadOptscim062020',
        tokenRecord: { state: 'active', expiresAt: null, lastUsedAt: null },
      });
      expect(installed.body.warnings[0]).toContain('no domain is verified');
      const first: string = installed.body.token;
      expect(first.startsWith(`roster_${installed.body.tokenRecord.prefix}`)).toBe(true);
      expect(await scimStatus(first)).toBe(200);
      const twice = await t.call('POST', `${app}/install`, { key });
      expect(twice.body.code).toBe('scim_app.already_installed');

      const listed = await t.call('GET', tokens, { key });
      expect(listed.body.items).toHaveLength(1);
      expect(listed.text).not.toContain(first);
      expect(listed.body.items[0].lastUsedAt).not.toBeNull();

      const before = Date.now();
      const rotated = await t.call('POST', `${tokens}/rotate`, { key, body: {} });
      expect(rotated.status).toBe(201);
      const second: string = rotated.body.token;
      expect(rotated.body.replaced).toHaveLength(1);
      expect(rotated.body.replaced[0]).toMatchObject({
        id: installed.body.tokenRecord.id,
        state: 'expiring',
      });
      // The default overlap is 24 hours.
      const expiry = Date.parse(rotated.body.replaced[0].expiresAt) - before;
      expect(expiry).toBeGreaterThan(23.9 * 3600_000);
      expect(expiry).toBeLessThanOrEqual(24 * 3600_000 + 60_000);
      expect(await scimStatus(first)).toBe(200);
      expect(await scimStatus(second)).toBe(200);

      const badOverlap = await t.call('POST', `${tokens}/rotate`, {
        key,
        body: { overlapSeconds: -1 },
      });
      expect(badOverlap.body.code).toBe('request.invalid');
      const immediate = await t.call('POST', `${tokens}/rotate`, {
        key,
        body: { tokenId: rotated.body.tokenRecord.id, overlapSeconds: 0 },
      });
      const third: string = immediate.body.token;
      expect(await scimStatus(second)).toBe(401);
      expect(await scimStatus(third)).toBe(200);

      const revoked = await t.call('POST', `${tokens}/${immediate.body.tokenRecord.id}/revoke`, {
        key,
      });
      expect(revoked.body).toMatchObject({ state: 'revoked' });
      expect(await scimStatus(third)).toBe(401);

      const states = (await t.call('GET', tokens, { key })).body.items.map(
        (x: { state: string }) => x.state,
      );
      expect(states).toEqual(['expiring', 'expired', 'revoked']);

      const uninstalled = await t.call('POST', `${app}/uninstall`, { key });
      // The expiring and the expired token; the revoked one already was.
      expect(uninstalled.body).toMatchObject({ app: { installed: false }, revokedTokens: 2 });
      expect(await scimStatus(first)).toBe(401);
      const again = await t.call('POST', `${app}/uninstall`, { key });
      expect(again.body.code).toBe('scim_app.not_installed');
      expect((await t.call('DELETE', app, { key })).status).toBe(204);
      expect(
        (await t.call('PUT', app, { key, body: { files: projectFiles('other-app') } })).status,
      ).toBe(200);

      expect(await auditActions(t, id)).toEqual(
        expect.arrayContaining([
          'scim_app.install 201',
          'scim_app.install 409',
          'token.rotate 201',
          'token.rotate 400',
          'token.revoke 200',
          'scim_app.uninstall 200',
          'scim_app.remove 204',
        ]),
      );
    });

    it("never reaches another account's app or tokens", async (ctx) => {
      if (!t) return ctx.skip();
      const a = await newAccount(t);
      const b = await newAccount(t);
      await t.call('PUT', `${API}/accounts/${b.id}/scim-app`, {
        key: b.key,
        body: { files: projectFiles() },
      });
      const installed = await t.call('POST', `${API}/accounts/${b.id}/scim-app/install`, {
        key: b.key,
      });
      const tokenId = installed.body.tokenRecord.id;
      for (const [method, path, body] of [
        ['GET', '/scim-app', undefined],
        ['PUT', '/scim-app', { files: projectFiles('taken') }],
        ['POST', '/scim-app/uninstall', undefined],
        ['GET', '/tokens', undefined],
        ['POST', '/tokens/rotate', {}],
        ['POST', `/tokens/${tokenId}/revoke`, undefined],
      ] as const) {
        const response = await t.call(method, `${API}/accounts/${b.id}${path}`, {
          key: a.key,
          body,
        });
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.body.code).toBe('account.not_found');
      }
      // Through a's own account, b's token does not exist.
      const own = await t.call('POST', `${API}/accounts/${a.id}/tokens/${tokenId}/revoke`, {
        key: a.key,
      });
      expect(own.status).toBe(404);
      expect(own.body.code).toBe('token.not_found');
      expect(await scimStatus(installed.body.token)).toBe(200);
      const theirs = await t.call('GET', `${API}/accounts/${b.id}/tokens`, { key: b.key });
      expect(theirs.body.items.map((x: { state: string }) => x.state)).toEqual(['active']);
    });
  });
}

describe('admin API tenant URLs with ROSTER_PUBLIC_URL', () => {
  it('hands out the public URL, not the request origin', async () => {
    const app = await createTestApp('sqlite', {
      env: { ROSTER_PUBLIC_URL: 'https://roster.example.com/' },
    });
    if (!app) throw new Error('no SQLite');
    try {
      const call = (method: string, path: string, body?: unknown) =>
        app.request(method, `${API}${path}`, {
          token: 'test-operator-key-0123456789abcdef',
          headers: { 'Content-Type': 'application/json' },
          body,
        });
      const account = await call('POST', '/accounts', {
        name: 'Public',
        tier: 'enterprise',
        ssoEnabled: true,
      });
      await call('PUT', `/accounts/${account.body.id}/scim-app`, { files: projectFiles() });
      const installed = await call('POST', `/accounts/${account.body.id}/scim-app/install`);
      expect(installed.status, installed.text).toBe(201);
      expect(installed.body.tenantUrl).toBe('https://roster.example.com/scim/v2');
      expect(installed.body.entraTenantUrl).toBe(
        'https://roster.example.com/scim/v2?aadOptscim062020',
      );
    } finally {
      await app.cleanup();
    }
  });
});
