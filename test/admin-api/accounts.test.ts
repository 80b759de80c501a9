import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryError } from '../../src/directory/errors.ts';
import {
  assertScimPrerequisites,
  scimPrerequisites,
} from '../../src/directory/scim-prerequisites.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { type AdminTestApp, API, createAdminTestApp, newAccount, unique } from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API accounts (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
    });
    afterAll(() => t?.cleanup());

    it('creates an account with defaults, a Location, and the built-in minimal permission set', async (ctx) => {
      if (!t) return ctx.skip();
      const name = unique('Acme');
      const created = await t.call('POST', `${API}/accounts`, { body: { name } });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`${API}/accounts/${created.body.id}`);
      expect(created.body).toMatchObject({
        name,
        tier: 'starter',
        pricingModel: 'classic',
        ssoEnabled: false,
        scim: { installable: false },
      });
      expect(
        created.body.scim.missing.map((m: { prerequisite: string }) => m.prerequisite),
      ).toEqual(['tier', 'sso']);
      const sets = await t.app.directory.store.permissionSets.list(created.body.id);
      expect(sets.map((s) => [s.name, s.isMinimal])).toEqual([['Minimal', true]]);
      const read = await t.call('GET', `${API}/accounts/${created.body.id}`);
      expect(read.body).toEqual(created.body);
    });

    it('updates tier, pricing model and SSO; SCIM prerequisites follow', async (ctx) => {
      if (!t) return ctx.skip();
      const { id, key } = await newAccount(t, { tier: 'starter', ssoEnabled: false });
      const sso = await t.call('PATCH', `${API}/accounts/${id}`, {
        key,
        body: { ssoEnabled: true },
      });
      expect(sso.status).toBe(200);
      expect(sso.body.scim).toEqual({
        installable: false,
        missing: [
          {
            prerequisite: 'tier',
            message:
              'the account is on the starter plan; SCIM needs the professional or enterprise plan',
          },
        ],
      });
      // Tier and pricing model are the operator's.
      const denied = await t.call('PATCH', `${API}/accounts/${id}`, {
        key,
        body: { tier: 'professional' },
      });
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('auth.operator_only');
      const upgraded = await t.call('PATCH', `${API}/accounts/${id}`, {
        body: { tier: 'professional', pricingModel: 'seats' },
      });
      expect(upgraded.body).toMatchObject({
        tier: 'professional',
        pricingModel: 'seats',
        ssoEnabled: true,
        scim: { installable: true, missing: [] },
      });
      const stored = await t.app.directory.accounts.findById(id);
      expect(stored).toMatchObject({
        tier: 'professional',
        pricingModel: 'seats',
        ssoEnabled: true,
      });
      const ssoOff = await t.call('PATCH', `${API}/accounts/${id}`, {
        body: { ssoEnabled: false },
      });
      expect(ssoOff.body.scim.missing.map((m: { prerequisite: string }) => m.prerequisite)).toEqual(
        ['sso'],
      );
    });

    it('refuses unknown tiers, pricing models, fields and wrong types with field pointers', async (ctx) => {
      if (!t) return ctx.skip();
      const { id } = await newAccount(t);
      const cases: [unknown, string][] = [
        [{ tier: 'gold' }, '/tier'],
        [{ pricingModel: 'per-user' }, '/pricingModel'],
        [{ ssoEnabled: 'yes' }, '/ssoEnabled'],
        [{ color: 'red' }, '/color'],
        [{ name: '' }, '/name'],
      ];
      for (const [body, pointer] of cases) {
        const response = await t.call('PATCH', `${API}/accounts/${id}`, { body });
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.code).toBe('request.invalid');
        expect(response.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      }
      const noName = await t.call('POST', `${API}/accounts`, { body: { tier: 'starter' } });
      expect(noName.status).toBe(400);
      expect(noName.body.errors).toEqual([{ pointer: '/name', message: expect.any(String) }]);
    });

    it('lists accounts for the operator, oldest first', async (ctx) => {
      if (!t) return ctx.skip();
      const first = await newAccount(t);
      const second = await newAccount(t);
      const list = await t.call('GET', `${API}/accounts`);
      const ids = list.body.items.map((a: { id: string }) => a.id);
      expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
      expect(ids).toContain(t.app.accountId);
    });
  });
}

describe('scimPrerequisites', () => {
  const base = {
    id: 'a',
    name: 'A',
    pricingModel: 'classic' as const,
    sandbox: false,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  it('needs professional or enterprise and SSO, and names each missing one', () => {
    expect(scimPrerequisites({ ...base, tier: 'enterprise', ssoEnabled: true })).toEqual([]);
    expect(scimPrerequisites({ ...base, tier: 'professional', ssoEnabled: true })).toEqual([]);
    expect(
      scimPrerequisites({ ...base, tier: 'starter', ssoEnabled: true }).map((m) => m.prerequisite),
    ).toEqual(['tier']);
    expect(
      scimPrerequisites({ ...base, tier: 'enterprise', ssoEnabled: false }).map(
        (m) => m.prerequisite,
      ),
    ).toEqual(['sso']);
  });

  it('is the one check install enforces: one code, every missing prerequisite in words', () => {
    expect(() =>
      assertScimPrerequisites({ ...base, tier: 'enterprise', ssoEnabled: true }),
    ).not.toThrow();
    let thrown: unknown;
    try {
      assertScimPrerequisites({ ...base, tier: 'starter', ssoEnabled: false });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DirectoryError);
    const error = thrown as DirectoryError;
    expect(error.code).toBe('scim_app.prerequisite_missing');
    expect(error.details).toEqual(
      scimPrerequisites({ ...base, tier: 'starter', ssoEnabled: false }).map((m) => m.message),
    );
    expect(error.message).toBe(
      'the SCIM app cannot be installed: the account is on the starter plan; SCIM needs the ' +
        'professional or enterprise plan; and single sign-on (SSO) is not enabled for the ' +
        'account; SCIM needs it',
    );
  });
});
