/**
 * Issue 4, adoption of existing users: the preview says, read-only, which users an IdP's list
 * would adopt, create or be refused, with which permission set; what SCIM then does agrees with
 * it; every adoption is in the audit trail. And PRODUCT.md behaviour 4 on the seats model: a role
 * cannot give a seat, so a set needing one is refused until the admin assigns the seat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, PATCH_SCHEMA, SCIM, STORE_KINDS } from '../helpers/create-test-app.ts';
import { setRoleSync } from '../scim-http/scim-test-kit.ts';
import {
  type AdminTestApp,
  API,
  auditActions,
  createAdminTestApp,
  unique,
} from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`adoption preview (${kind})`, () => {
    let t: AdminTestApp | undefined;
    let base: string;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
      if (!t) return;
      base = `${API}/accounts/${t.app.accountId}`;
      await setRoleSync(t.app, true);
    });
    afterAll(() => t?.cleanup());

    const newSet = async (name: string) =>
      (await t?.call('POST', `${base}/permission-sets`, { body: { name } }))?.body.id as string;

    it('says what SCIM will do, changes nothing, and SCIM then does exactly that', async (ctx) => {
      if (!t) return ctx.skip();
      const support = await newSet(unique('Support'));
      const sales = unique('Sales Rep');
      await newSet(sales);
      const alice = `${unique('alice')}@example.com`;
      const carol = `${unique('carol')}@example.com`;
      const existing = await t.call('POST', `${base}/users`, {
        body: { email: alice, permissionSetId: support, givenName: 'Alice' },
      });
      expect(existing.status, existing.text).toBe(201);
      const taken = await t.app.request('POST', `${SCIM}/Users`, {
        body: newUser(carol.split('@')[0] as string),
      });
      expect(taken.status).toBe(201);

      const idpUsers = [
        { ...newUser(alice.split('@')[0] as string), roles: [sales] },
        { ...newUser(unique('bob')), roles: [sales.toLowerCase()] },
        newUser(carol.split('@')[0] as string),
        newUser(unique('dave'), {
          userName: 'dave@unverified.test',
          emails: [{ value: 'dave@unverified.test' }],
        }),
        { ...newUser(unique('erin')), roles: [{ value: sales }, { value: 'Other' }] },
        { name: { givenName: 'No', familyName: 'Identity' } },
      ];
      const preview = await t.call('POST', `${base}/scim/preview`, { body: { users: idpUsers } });
      expect(preview.status, preview.text).toBe(200);
      const items = preview.body.items;
      expect(preview.body.summary).toEqual({ create: 1, adopt: 1, match: 1, refused: 3 });
      expect(items[0]).toMatchObject({
        outcome: 'adopt',
        existingUserId: existing.body.id,
        permissionSet: sales,
        warning: null,
      });
      expect(items[0].permissionSetBefore).toMatch(/^Support/);
      expect(items[1]).toMatchObject({ outcome: 'create', permissionSet: 'Minimal' });
      expect(items[1].warning).toContain('exact');
      // Said of what would happen, as of what happened: the present tense.
      expect(items[1].warning).toContain('so the user gets the minimal permission set');
      // Already provisioned under this userName: an IdP finds Carol and updates her.
      expect(items[2]).toMatchObject({
        outcome: 'match',
        existingUserId: taken.body.id,
        permissionSetBefore: 'Minimal',
        permissionSet: 'Minimal',
        error: null,
      });
      expect(items[3]).toMatchObject({
        outcome: 'refused',
        error: { code: 'user.domain_unverified' },
      });
      expect(items[4]).toMatchObject({
        outcome: 'refused',
        error: { code: 'user.role_ambiguous' },
      });
      expect(items[5]).toMatchObject({ outcome: 'refused', index: 5 });
      expect(items[5].error.code).toMatch(/^scim\./);

      // Read-only: Alice is still the app's, with her set; Bob does not exist.
      const still = await t.call('GET', `${base}/users/${existing.body.id}`);
      expect(still.body).toMatchObject({ managedBy: 'app', permissionSetId: support });
      expect(await auditActions(t, t.app.accountId)).not.toContain('user.adopt 201');

      // SCIM does what the preview said, user by user.
      for (const [index, user] of idpUsers.entries()) {
        const item = items[index];
        const response = await t.app.request('POST', `${SCIM}/Users`, { body: user });
        if (item.outcome === 'refused') {
          expect(response.status, `${index}: ${response.text}`).toBeGreaterThanOrEqual(400);
          continue;
        }
        if (item.outcome === 'match') {
          // Never created twice; the IdP's lookup by userName finds the user the preview named.
          expect(response.status, `${index}: ${response.text}`).toBe(409);
          const found = await t.app.request(
            'GET',
            `${SCIM}/Users?filter=${encodeURIComponent(`userName eq "${(user as { userName: string }).userName}"`)}`,
          );
          expect(found.body.Resources[0].id).toBe(item.existingUserId);
          continue;
        }
        expect(response.status, `${index}: ${response.text}`).toBe(201);
        if (item.outcome === 'adopt') expect(response.body.id).toBe(item.existingUserId);
        expect(response.body.roles?.[0]?.value).toBe(item.permissionSet);
      }
      expect(await auditActions(t, t.app.accountId)).toContain('user.adopt 201');
      const adopted = await t.call('GET', `${base}/users/${existing.body.id}`);
      expect(adopted.body).toMatchObject({ managedBy: 'scim', givenName: 'Given' });
    });

    it('refuses a body that is not a user list, and other accounts', async (ctx) => {
      if (!t) return ctx.skip();
      const bad = await t.call('POST', `${base}/scim/preview`, { body: { users: 'everyone' } });
      expect(bad.status).toBe(400);
      const other = await t.call('POST', `${API}/accounts/nope/scim/preview`, {
        body: { users: [] },
      });
      expect(other.status).toBe(404);
    });
  });

  describe(`seats pricing model and role sync (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
      if (t) await setRoleSync(t.app, true);
    });
    afterAll(() => t?.cleanup());

    it('a role whose set needs a seat the user lacks is refused until the admin assigns it', async (ctx) => {
      if (!t) return ctx.skip();
      const base = `${API}/accounts/${t.app.accountId}`;
      const account = await t.call('PATCH', base, { body: { pricingModel: 'seats' } });
      expect(account.status, account.text).toBe(200);
      const set = await t.call('POST', `${base}/permission-sets`, {
        body: { name: 'Sales Seat', paidSeat: 'sales' },
      });
      expect(set.status, set.text).toBe(201);
      expect(
        (await t.call('PUT', `${base}/seat-pools/sales`, { body: { purchased: 1 } })).status,
      ).toBe(200);

      const created = await t.app.request('POST', `${SCIM}/Users`, {
        body: newUser(unique('seat')),
      });
      expect(created.status).toBe(201);
      const assignRole = () =>
        t?.app.request('PATCH', `${SCIM}/Users/${created.body.id}`, {
          body: {
            schemas: [PATCH_SCHEMA],
            Operations: [{ op: 'replace', path: 'roles', value: ['Sales Seat'] }],
          },
        });
      const refused = await assignRole();
      expect(refused?.status).toBe(400);
      expect(refused?.body.scimType).toBe('invalidValue');
      expect(refused?.body.detail).toMatch(/needs a sales seat.*has no seat.*in Roster first/);
      // The pool is untouched: an IdP role never takes a seat.
      const pools = await t.call('GET', `${base}/seat-pools`);
      expect(
        pools.body.items.find((p: { seatType: string }) => p.seatType === 'sales').assigned,
      ).toBe(0);

      const seated = await t.call('PATCH', `${base}/users/${created.body.id}`, {
        body: { seat: 'sales' },
      });
      expect(seated.status, seated.text).toBe(200);
      const accepted = await assignRole();
      expect(accepted?.status, accepted?.text).toBe(200);
      expect(accepted?.body.roles).toEqual([
        { value: 'Sales Seat', display: 'Sales Seat', primary: true },
      ]);
    });
  });
}
