/**
 * Role sync over SCIM (checklist items 49–57; PRODUCT.md behaviour 3; issue 4): with the SCIM
 * app's roleSyncEnabled on, the role an IdP sends names the user's permission set by exact name,
 * in every shape IdPs send it. Issue 4 overrides checklist 51: an unmatched role gives the
 * minimal set with a warning in the provisioning log instead of a 400.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/create-test-app.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectScimError,
  insertAppUser,
  newUser,
  patchOp,
  SCIM,
  setRoleSync,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

const SETS = ['Sales Rep', 'Support', 'Sales Manager'];

async function permissionSetOf(app: TestApp, id: string): Promise<string> {
  const user = await app.directory.store.users.findById(app.accountId, id);
  const sets = await app.directory.store.permissionSets.list(app.accountId);
  return sets.find((set) => set.id === user?.permissionSetId)?.name ?? '(none)';
}

async function lastWarning(app: TestApp): Promise<string | null | undefined> {
  await app.flushLog();
  const [event] = await app.directory.provisioningLog.list({ accountId: app.accountId, limit: 1 });
  return event?.outcome === 'warning' ? event.explanation : null;
}

const ENTRA_EMBEDDED = (value: string, displayName = value) =>
  JSON.stringify({ id: '6b6a9e4e-0c6d-4b1d-9d1e-2f7b1c1f9a11', value, displayName });

describe.each(STORE_KINDS)('roles and permission sets (%s)', (kind) => {
  const getApp = useTestApp(kind);

  beforeAll(async () => {
    const app = getApp();
    for (const name of SETS) {
      await app.directory.store.permissionSets.insert({
        id: `ps-${name.replace(/\s/g, '-')}-${app.accountId}`,
        accountId: app.accountId,
        name,
        isMinimal: false,
        permissions: [],
        createdAt: new Date().toISOString(),
      });
    }
  });

  describe('role sync off', () => {
    it.each([
      ['objects', [{ value: 'Sales Rep', primary: true }]],
      ['strings', ['Sales Rep']],
      ['JSON in a string', [{ value: ENTRA_EMBEDDED('Sales Rep') }]],
      ['empty', []],
      ['several without primary', [{ value: 'Sales Rep' }, { value: 'Support' }]],
    ])('#49 accepts and ignores roles as %s', async (_shape, roles) => {
      const app = getApp();
      await setRoleSync(app, false);
      const user = await createUser(app, unique('off'), { roles });
      expect(user).not.toHaveProperty('roles');
      expect(await permissionSetOf(app, user.id)).toBe('Minimal');
    });

    it('adoption keeps the permissions the app user had (PRODUCT.md item 7)', async () => {
      const app = getApp();
      await setRoleSync(app, false);
      const local = unique('keep');
      const sets = await app.directory.store.permissionSets.list(app.accountId);
      const support = sets.find((set) => set.name === 'Support');
      await insertAppUser(app, `${local}@example.com`, { permissionSetId: support?.id as string });
      const adopted = await createUser(app, local, { roles: ['Sales Rep'] });
      expect(await permissionSetOf(app, adopted.id)).toBe('Support');
    });
  });

  describe('role sync on', () => {
    beforeAll(async () => {
      await setRoleSync(getApp(), true);
    });

    it.each([
      ['SCIM objects', [{ value: 'Sales Rep', primary: true }]],
      ["Okta's string array", ['Sales Rep']],
      ["Entra's JSON document in value", [{ value: ENTRA_EMBEDDED('Sales Rep') }]],
      [
        'primary as the string "True"',
        [{ value: 'Support' }, { value: 'Sales Rep', primary: 'True' }],
      ],
    ])(
      '#50/#53 %s name the permission set, and GET shows it as the one primary role (#57)',
      async (_shape, roles) => {
        const app = getApp();
        const created = await createUser(app, unique('on'), { roles });
        expect(await permissionSetOf(app, created.id)).toBe('Sales Rep');
        const expected = [{ value: 'Sales Rep', display: 'Sales Rep', primary: true }];
        expect(created.roles).toEqual(expected);
        expect((await app.request('GET', `${SCIM}/Users/${created.id}`)).body.roles).toEqual(
          expected,
        );
      },
    );

    it.each(['sales rep', 'Sales  Rep', 'Sales Rep '])(
      "#51 '%s' does not match: minimal set, and a warning naming the role says matching is exact",
      async (name) => {
        const app = getApp();
        const created = await createUser(app, unique('exact'), { roles: [name] });
        expect(await permissionSetOf(app, created.id)).toBe('Minimal');
        const warning = await lastWarning(app);
        expect(warning).toContain(`'${name}'`);
        expect(warning).toMatch(/exact/);
        expect(warning).toContain("did you mean 'Sales Rep'?");
      },
    );

    it('emits role_sync.decided with the user: a match, and a fallback to the minimal set', async () => {
      const app = getApp();
      const matched = await createUser(app, unique('decided'), { roles: ['Sales Rep'] });
      const unmatched = await createUser(app, unique('fallback'), { roles: ['Astronaut'] });
      const { items } = await app.directory.events.read(app.accountId, {
        types: ['role_sync.decided'],
        limit: 1000,
      });
      const of = (id: string) => items.filter((e) => e.subject === `user:${id}`);
      expect(of(matched.id).map((e) => e.data)).toEqual([
        {
          userId: matched.id,
          permissionSetId: `ps-Sales-Rep-${app.accountId}`,
          fallback: false,
          warning: null,
        },
      ]);
      const [fallback] = of(unmatched.id);
      expect(fallback?.data).toMatchObject({ userId: unmatched.id, fallback: true });
      expect((fallback?.data as { warning?: string } | undefined)?.warning).toContain(
        "'Astronaut'",
      );
    });

    it.each([
      ['display', { value: 'SalesManager', display: 'Sales Manager' }],
      [
        'displayName (AppRoleAssignmentsComplex)',
        { value: 'SalesManager', displayName: 'Sales Manager', primary: false },
      ],
      [
        'displayName inside the embedded document',
        { value: ENTRA_EMBEDDED('SalesManager', 'Sales Manager') },
      ],
    ])('#52 falls back to the %s when the value matches nothing', async (_shape, role) => {
      const app = getApp();
      const created = await createUser(app, unique('display'), { roles: [role] });
      expect(await permissionSetOf(app, created.id)).toBe('Sales Manager');
      expect(await lastWarning(app)).toBeNull();
    });

    it('#53 several roles and no primary: 400 invalidValue naming them, nothing created', async () => {
      const app = getApp();
      const local = unique('several');
      const response = await app.request('POST', `${SCIM}/Users`, {
        body: newUser(local, { roles: [{ value: 'Sales Rep' }, { value: 'Support' }] }),
      });
      expectScimError(response, 400, 'invalidValue');
      expect(response.body.detail).toContain("'Sales Rep', 'Support'");
      const found = await app.request(
        'GET',
        `${SCIM}/Users?filter=userName eq "${local}@example.com"`,
      );
      expect(found.body.totalResults).toBe(0);
    });

    it('#54 PATCH roles[primary eq "True"].value (Entra) sets the permission set', async () => {
      const app = getApp();
      const created = await createUser(app, unique('patch'), { roles: ['Support'] });
      const response = await app.request('PATCH', `${SCIM}/Users/${created.id}`, {
        body: patchOp({
          op: 'Replace',
          path: 'roles[primary eq "True"].value',
          value: 'Sales Rep',
        }),
      });
      expect(response.status, response.text).toBe(200);
      expect(response.body.roles).toEqual([
        { value: 'Sales Rep', display: 'Sales Rep', primary: true },
      ]);
      expect(await permissionSetOf(app, created.id)).toBe('Sales Rep');

      // Entra's default role PATCH: Add roles with the JSON document inside the value.
      await app.request('PATCH', `${SCIM}/Users/${created.id}`, {
        body: patchOp({
          op: 'Add',
          path: 'roles',
          value: [{ primary: 'True', value: ENTRA_EMBEDDED('Support') }],
        }),
      });
      expect(await permissionSetOf(app, created.id)).toBe('Support');
    });

    it('#55 PUT replaces with the full list; absent or empty roles leave the set unchanged', async () => {
      const app = getApp();
      const local = unique('put');
      const created = await createUser(app, local, { roles: ['Support'] });
      const put = (extra: Record<string, unknown>) =>
        app.request('PUT', `${SCIM}/Users/${created.id}`, { body: newUser(local, extra) });
      expect((await put({ roles: [{ value: 'Sales Rep', primary: true }] })).status).toBe(200);
      expect(await permissionSetOf(app, created.id)).toBe('Sales Rep');
      expect((await put({})).status).toBe(200);
      expect(await permissionSetOf(app, created.id)).toBe('Sales Rep');
      expect((await put({ roles: [] })).status).toBe(200);
      expect(await permissionSetOf(app, created.id)).toBe('Sales Rep');
      // A PATCH that touches nothing about roles leaves them too.
      await app.request('PATCH', `${SCIM}/Users/${created.id}`, {
        body: patchOp({ op: 'replace', path: 'displayName', value: 'Renamed' }),
      });
      expect(await permissionSetOf(app, created.id)).toBe('Sales Rep');
    });

    it("an explicit removal of the user's role gives the minimal set; removing another role changes nothing", async () => {
      const app = getApp();
      const created = await createUser(app, unique('remove'), { roles: ['Support'] });
      const remove = (operation: Record<string, unknown>) =>
        app.request('PATCH', `${SCIM}/Users/${created.id}`, { body: patchOp(operation) });

      expect((await remove({ op: 'remove', path: 'roles[value eq "Sales Rep"]' })).status).toBe(
        200,
      );
      expect(await permissionSetOf(app, created.id)).toBe('Support');
      expect(
        (await remove({ op: 'Remove', path: 'roles', value: [{ value: 'Sales Rep' }] })).status,
      ).toBe(200);
      expect(await permissionSetOf(app, created.id)).toBe('Support');

      expect(
        (await remove({ op: 'Remove', path: 'roles', value: [{ value: 'Support' }] })).status,
      ).toBe(200);
      expect(await permissionSetOf(app, created.id)).toBe('Minimal');

      await remove({ op: 'replace', path: 'roles', value: ['Support'] });
      expect(await permissionSetOf(app, created.id)).toBe('Support');
      const removed = await remove({ op: 'remove', path: 'roles' });
      expect(removed.body.roles).toEqual([{ value: 'Minimal', display: 'Minimal', primary: true }]);
      expect(await permissionSetOf(app, created.id)).toBe('Minimal');
    });

    it('adoption with role sync on gives the role the IdP sends (PRODUCT.md item 7)', async () => {
      const app = getApp();
      const local = unique('adopt');
      const { store } = app.directory;
      const sets = await store.permissionSets.list(app.accountId);
      const support = sets.find((set) => set.name === 'Support');
      // An app-managed user holding Support, adopted by an IdP that says Sales Rep.
      await insertAppUser(app, `${local}@example.com`, {
        id: `app-${local}`,
        permissionSetId: support?.id as string,
      });
      const adopted = await createUser(app, local, { roles: ['Sales Rep'] });
      expect(adopted.id).toBe(`app-${local}`);
      expect(await permissionSetOf(app, adopted.id)).toBe('Sales Rep');
    });
  });
});
