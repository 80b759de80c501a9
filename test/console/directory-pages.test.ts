/**
 * The everyday pages on real stores: a SCIM-managed user locked by the directory's own rule
 * (forged form fields refused with the same words the API gives), role sync locking the
 * permission set, the provisioning log explained and redacted, connection status with a
 * revoked token, tokens, groups and their mappings, and what only the operator may do.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/directory/events.ts';
import { newUser, SCIM, STORE_KINDS } from '../helpers/create-test-app.ts';
import { type Browser, consoleTestApp } from './console-kit.ts';

const OPERATOR_KEY = 'test-operator-key-0123456789abcdef';
const OKTA = { 'User-Agent': 'Okta SCIM Client 1.0.0' };

for (const kind of STORE_KINDS) {
  describe(`console directory pages (${kind})`, () => {
    let t: Awaited<ReturnType<typeof consoleTestApp>>;
    let admin: Browser;
    let keyPrefix: string;
    let userId: string;
    beforeAll(async () => {
      t = await consoleTestApp(kind);
      if (!t) return;
      const { key, record } = await t.app.directory.adminKeys.issue(t.app.accountId, 'it team');
      keyPrefix = record.prefix;
      admin = t.browser();
      await admin.signIn(key);
      const created = await t.app.request('POST', `${SCIM}/Users`, {
        headers: OKTA,
        body: newUser('grace', {
          name: { givenName: 'Grace', familyName: 'Hopper' },
          password: 'Hunter2-Secret',
        }),
      });
      userId = created.body.id;
    });
    afterAll(() => t?.app.cleanup());

    it('shows a SCIM-managed user with its identity locked, and refuses a forged change with the reason', async (ctx) => {
      if (!t) return ctx.skip();
      const list = await admin.get('/users?managedBy=scim');
      expect(list.text).toContain('Grace Hopper');
      expect(list.text).toContain('1 user match');
      const page = await admin.get(`/users/${userId}`);
      expect(page.text).toContain(
        'Locked: this user is managed by your identity provider (SCIM), which owns its email and names: change them in the identity provider.',
      );
      expect(page.html).toMatch(
        /<input type="email" name="email" value="grace@example.com" disabled=""/,
      );
      expect(page.text).toContain(
        'Locked: this user is managed by your identity provider (SCIM): deactivate or reactivate it there',
      );
      // The provisioning history names the IdP's create.
      expect(page.text).toMatch(/Okta create user .*201/);
      // A form sent with the locked field anyway is refused by the directory, with its words.
      const forged = await admin.post(`/users/${userId}`, {
        email: 'someone@example.com',
        permissionSetId: '',
      });
      expect(forged.status).toBe(409);
      expect(forged.text).toContain('The user was not saved.');
      expect(forged.text).toContain('which owns its email and names');
      expect((await t.app.directory.appUsers.get(t.app.accountId, userId)).user.email).toBe(
        'grace@example.com',
      );
      const deactivate = await admin.post(`/users/${userId}/deactivate`);
      expect(deactivate.status).toBe(409);
      expect((await t.app.directory.appUsers.get(t.app.accountId, userId)).user.active).toBe(true);
    });

    it('changes what the app owns (permission set, teams) and records it in the audit trail under the key', async (ctx) => {
      if (!t) return ctx.skip();
      await admin.get('/permission-sets');
      expect(
        (
          await admin.post('/permission-sets', {
            name: 'Sales Rep',
            permissions: 'deals.read\ndeals.write',
          })
        ).status,
      ).toBe(303);
      await admin.post('/teams', { name: 'North' });
      const sets = await t.app.directory.permissionSets.list(t.app.accountId);
      const sales = sets.find((s) => s.name === 'Sales Rep');
      expect(sales?.permissions).toEqual(['deals.read', 'deals.write']);
      const north = (await t.app.directory.teams.list(t.app.accountId)).find(
        (team) => team.name === 'North',
      );
      await admin.get(`/users/${userId}`);
      const saved = await admin.post(`/users/${userId}`, {
        permissionSetId: sales?.id ?? '',
        primaryTeamId: north?.id ?? '',
      });
      expect(saved.location).toBe(`/users/${userId}?done=user-updated`);
      const after = await t.app.directory.appUsers.get(t.app.accountId, userId);
      expect(after.user.permissionSetId).toBe(sales?.id);
      expect(after.primaryTeamId).toBe(north?.id);
      const byTeam = await admin.get(`/users?teamId=${north?.id}`);
      expect(byTeam.text).toContain('Grace Hopper');
      const audit = await admin.get('/audit?action=user.update');
      expect(audit.text).toContain(`admin key ${keyPrefix}…`);
      expect(audit.text).toContain(userId);

      // Role sync on: the permission set follows the IdP; the field is locked, a forged one refused.
      const app = await t.app.directory.scimApps.find(t.app.accountId);
      await admin.get('/setup');
      await admin.post('/setup/role-sync', { roleSyncEnabled: 'true' });
      expect((await t.app.directory.scimApps.find(t.app.accountId))?.roleSyncEnabled).toBe(true);
      const locked = await admin.get(`/users/${userId}`);
      expect(locked.html).toMatch(/<select name="permissionSetId" disabled=""/);
      expect(locked.text).toContain(
        "Locked: role sync is on: this SCIM-managed user's permission set follows its role",
      );
      const minimal = sets.find((s) => s.isMinimal);
      const refused = await admin.post(`/users/${userId}`, { permissionSetId: minimal?.id ?? '' });
      expect(refused.status).toBe(409);
      expect(
        (await t.app.directory.appUsers.get(t.app.accountId, userId)).user.permissionSetId,
      ).toBe(sales?.id);
      await admin.post('/setup/role-sync', {
        roleSyncEnabled: String(app?.roleSyncEnabled ?? false),
      });
    });

    it('explains each log entry, shows its bodies redacted, and follows new requests live', async (ctx) => {
      if (!t) return ctx.skip();
      await t.app.request('POST', `${SCIM}/Users`, {
        headers: { ...OKTA, 'X-Request-Id': 'console-req-1' },
        body: newUser('x', {
          userName: 'x@elsewhere.test',
          emails: [{ value: 'x@elsewhere.test' }],
        }),
      });
      const failures = await admin.get('/log?outcome=failure&idp=okta');
      expect(failures.text).toContain('failure 400');
      expect(failures.text).toContain('elsewhere.test');
      expect(failures.html).toContain('hx-trigger="every 3s"');
      const id = /href="\/log\/([^"]+)"/.exec(failures.html)?.[1] ?? '';
      const entry = await admin.get(`/log/${id}`);
      expect(entry.text).toContain('Okta: create user');
      expect(entry.text).toContain('Verify the domain on the Setup page');
      // The request's id is on its page, and the filter finds the entry by it.
      expect(entry.text).toContain('console-req-1');
      const byRequest = await admin.get('/log?request=console-req-1');
      expect(byRequest.html).toContain(`href="/log/${id}"`);
      expect((await admin.get('/log?request=no-such-request')).html).not.toContain(
        `href="/log/${id}"`,
      );
      const created = await admin.get(`/log?user=${userId}&operation=create+user`);
      const createdId = /href="\/log\/([^"]+)"/.exec(created.html)?.[1] ?? '';
      const withPassword = await admin.get(`/log/${createdId}`);
      expect(withPassword.text).toContain('[redacted]');
      expect(withPassword.html).not.toContain('Hunter2-Secret');
      // The user filter also takes an email.
      expect((await admin.get('/log?user=grace@example.com')).text).toContain('create user');
      // The live fragment is the table section alone; an older page does not poll.
      const rows = await admin.get('/log/rows?outcome=failure', { 'HX-Request': 'true' });
      expect(rows.html.startsWith('<section id="log-rows"')).toBe(true);
      const older = await admin.get(`/log?before=${id}`);
      expect(older.html).not.toContain('hx-trigger');
      // A wrong filter is explained, not a raw error.
      const bad = await admin.get('/log?from=yesterday');
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('The filter was refused.');
    });

    it('shows each IdP that called, and the attempts with a revoked token', async (ctx) => {
      if (!t) return ctx.skip();
      await admin.get('/tokens');
      const rotated = await admin.post('/tokens/rotate', { overlapSeconds: '0' });
      expect(rotated.text).toContain('Copy the new token now.');
      const fresh = /id="access-token"[^>]*value="(roster_[^"]+)"/.exec(rotated.html)?.[1] ?? '';
      const tokens = await admin.get('/tokens');
      expect(tokens.text).toMatch(/Expired|Revoked/);
      // The demo token was replaced with no overlap: Entra still sending it is refused.
      const refused = await t.app.request('GET', `${SCIM}/Users`, {
        headers: { 'User-Agent': 'Azure Active Directory SCIM Client' },
      });
      expect(refused.status).toBe(401);
      const ok = await t.app.request('GET', `${SCIM}/Users?count=1`, {
        token: fresh,
        headers: OKTA,
      });
      expect(ok.status).toBe(200);
      const status = await admin.get('/connections');
      expect(status.text).toContain('Okta');
      expect(status.text).toMatch(/Errors, 24 h [1-9]/);
      expect(status.text).toContain('Last error');
      expect(status.text).toContain('Failed authentication, last 24 hours');
      expect(status.text).toMatch(/an expired token .*Microsoft Entra ID/);
      // Account admins are told unknown tokens are the operator's to see; they do not see them.
      expect(status.text).not.toContain('Unknown tokens (every account');
    });

    it('maps a pushed group to a permission set, and keeps billing with the operator', async (ctx) => {
      if (!t) return ctx.skip();
      const token = (
        await t.app.directory.scimApps.rotateToken(t.app.accountId, {
          actor: SYSTEM_ACTOR,
          publicBase: 'http://roster.test',
          overlapSeconds: 0,
        })
      ).issued.token;
      const group = await t.app.request('POST', `${SCIM}/Groups`, {
        token,
        headers: OKTA,
        body: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: 'Sales EMEA',
          members: [{ value: userId }],
        },
      });
      expect(group.status).toBe(201);
      const groups = await admin.get('/groups');
      expect(groups.text).toContain('Sales EMEA');
      expect(groups.text).toContain('not mapped');
      const sales = (await t.app.directory.permissionSets.list(t.app.accountId)).find(
        (s) => s.name === 'Sales Rep',
      );
      const mapped = await admin.post(`/groups/${group.body.id}/map`, {
        permissionSetId: sales?.id ?? '',
        priority: '5',
      });
      expect(mapped.location).toBe('/groups?done=group-mapped');
      expect(
        (await t.app.directory.groups.permissionSetMappings(t.app.accountId))[0],
      ).toMatchObject({
        groupId: group.body.id,
        priority: 5,
      });
      // The set is in use: deleting it is refused with the directory's reason.
      await admin.get('/permission-sets');
      const inUse = await admin.post(`/permission-sets/${sales?.id}/delete`);
      expect(inUse.status).toBe(409);
      // Buying seats is the operator's.
      const seats = await admin.get('/seat-pools');
      expect(seats.text).toContain('ask the operator');
      const bought = await admin.post('/seat-pools/core', { purchased: '10' });
      expect(bought.status).toBe(403);
      expect(bought.text).toContain('only the operator key may do this');
      const operator = t.browser();
      await operator.signIn(OPERATOR_KEY);
      await operator.post('/operator/show', { accountId: t.app.accountId });
      await operator.get('/operator');
      // Pools are bought on the seats pricing model, which the operator sets.
      const seatsModel = await operator.post(`/operator/accounts/${t.app.accountId}`, {
        name: 'Demo',
        tier: 'enterprise',
        pricingModel: 'seats',
        ssoEnabled: 'true',
      });
      expect(seatsModel.location).toBe('/operator?done=account-updated');
      await operator.get('/seat-pools');
      expect((await operator.post('/seat-pools/core', { purchased: '10' })).location).toBe(
        '/seat-pools?done=seats-set',
      );
      // The operator sees unknown tokens on the connection status page.
      await t.app.request('GET', `${SCIM}/Users`, {
        token: 'roster_never-issued-token-0123456789abcdef',
      });
      expect((await operator.get('/connections')).text).toMatch(
        /Unknown tokens .*a token Roster never issued/,
      );
    });
  });
}
