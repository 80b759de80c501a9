/**
 * A create that restores or adopts a user keeps what the IdP does not send again
 * (docs/idp-compatibility.md, "Restores keep the data"): DELETE keeps the user's data (README),
 * and the later create with the same email brings back the same user with all of it. Attributes
 * the create sends replace the stored ones (an extension's attributes one by one); attributes
 * it leaves out keep their stored values. The same holds when a create adopts an app user.
 */
import { describe, expect, it } from 'vitest';
import { ENTERPRISE_SCHEMA, STORE_KINDS, USER_SCHEMA } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectScimError,
  insertAppUser,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

/** Every profile attribute the User schema and its enterprise extension have, filled in. */
function fullProfile(local: string) {
  return {
    externalId: `ext-${local}`,
    name: {
      formatted: 'Dr. Ada K. Lovelace III',
      familyName: 'Lovelace',
      givenName: 'Ada',
      middleName: 'King',
      honorificPrefix: 'Dr.',
      honorificSuffix: 'III',
    },
    displayName: 'Ada Lovelace',
    nickName: 'Ada',
    profileUrl: 'https://example.com/ada',
    title: 'Analyst',
    userType: 'Employee',
    preferredLanguage: 'en-GB',
    locale: 'en-GB',
    timezone: 'Europe/London',
    emails: [
      { value: `${local}@example.com`, type: 'work', primary: true },
      { value: `${local}@home.test`, type: 'home' },
    ],
    phoneNumbers: [
      { value: '+44 20 7946 0000', type: 'work', primary: true },
      { value: '+44 7700 900000', type: 'mobile' },
    ],
    ims: [{ value: 'ada-chat', type: 'xmpp' }],
    photos: [{ value: 'https://example.com/ada.png', type: 'photo' }],
    addresses: [
      {
        type: 'work',
        streetAddress: '1 Analytical Row',
        locality: 'London',
        region: 'Greater London',
        postalCode: 'N1 1AA',
        country: 'GB',
        primary: true,
      },
    ],
    entitlements: [{ value: 'engine' }],
    x509Certificates: [{ value: 'MIIB' }],
    [ENTERPRISE_SCHEMA]: {
      employeeNumber: '1815',
      costCenter: 'CC-42',
      organization: 'Analytical Engines',
      division: 'Research',
      department: 'Mathematics',
      manager: { value: 'babbage-id' },
    },
  };
}

/** The representation without what a restore may legitimately change. */
function content(resource: Record<string, unknown>) {
  const { meta: _meta, externalId: _externalId, active: _active, ...rest } = resource;
  return rest;
}

describe.each(STORE_KINDS)('restores keep the data (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('DELETE, then a minimal create: the same user with every attribute it had; sent ones replace', async () => {
    const app = getApp();
    const local = unique('restore');
    const created = await createUser(app, local, fullProfile(local));
    const before = (await app.request('GET', `${SCIM}/Users/${created.id}`)).body;
    expect(before[ENTERPRISE_SCHEMA].department).toBe('Mathematics');

    expect((await app.request('DELETE', `${SCIM}/Users/${created.id}`)).status).toBe(204);
    const minimal = {
      schemas: [USER_SCHEMA],
      userName: `${local}@example.com`,
      emails: [{ value: `${local}@example.com`, type: 'work', primary: true }],
    };
    const restored = await app.request('POST', `${SCIM}/Users`, { body: minimal });
    expect(restored.status, restored.text).toBe(201);
    expect(restored.body.id).toBe(created.id);
    expect(restored.body.active).toBe(true);
    const after = (await app.request('GET', `${SCIM}/Users/${created.id}`)).body;
    // The emails the create sent replace the stored ones; everything else is as before.
    expect(content(after)).toEqual({ ...content(before), emails: minimal.emails });
    expect(content(restored.body)).toEqual(content(after));
    // DELETE unlinked the user from the IdP's id; a create without one leaves it unset.
    expect(after.externalId).toBeUndefined();

    // Again, with a create that sends some attributes: those replace, one by one in the
    // extension; the rest stay.
    expect((await app.request('DELETE', `${SCIM}/Users/${created.id}`)).status).toBe(204);
    const partial = await app.request('POST', `${SCIM}/Users`, {
      body: {
        ...minimal,
        externalId: 'ext-new',
        title: 'Engineer',
        name: { givenName: 'Augusta', familyName: 'King' },
        [ENTERPRISE_SCHEMA]: { department: 'Engineering' },
      },
    });
    expect(partial.status, partial.text).toBe(201);
    const again = (await app.request('GET', `${SCIM}/Users/${created.id}`)).body;
    expect(again).toMatchObject({
      externalId: 'ext-new',
      title: 'Engineer',
      name: { givenName: 'Augusta', familyName: 'King' },
      displayName: 'Ada Lovelace',
      locale: 'en-GB',
      timezone: 'Europe/London',
      phoneNumbers: before.phoneNumbers,
      addresses: before.addresses,
      [ENTERPRISE_SCHEMA]: { ...before[ENTERPRISE_SCHEMA], department: 'Engineering' },
    });
    expect(again.name.middleName).toBeUndefined();
  });

  it('adopting an app user keeps its profile; a deactivated SCIM user is the IdP’s: 409, and reactivation keeps everything', async () => {
    const app = getApp();
    const email = `${unique('adoptkeep')}@example.com`;
    const appUser = await insertAppUser(app, email, {
      profile: {
        name: { givenName: 'App', familyName: 'User' },
        displayName: 'App User',
        title: 'Accountant',
        locale: 'fr-FR',
        [ENTERPRISE_SCHEMA]: { department: 'Finance', costCenter: 'CC-7' },
      },
      multiValued: {
        emails: [{ value: email, type: 'work', primary: true }],
        phoneNumbers: [{ value: '+33 1 00 00 00 00', type: 'work' }],
      },
    });
    const adopted = await app.request('POST', `${SCIM}/Users`, {
      body: {
        schemas: [USER_SCHEMA],
        userName: email,
        emails: [{ value: email, type: 'work', primary: true }],
        [ENTERPRISE_SCHEMA]: { department: 'Accounting' },
      },
    });
    expect(adopted.status, adopted.text).toBe(201);
    expect(adopted.body.id).toBe(appUser.id);
    expect(adopted.body).toMatchObject({
      name: { givenName: 'App', familyName: 'User' },
      displayName: 'App User',
      title: 'Accountant',
      locale: 'fr-FR',
      phoneNumbers: [{ value: '+33 1 00 00 00 00', type: 'work' }],
      [ENTERPRISE_SCHEMA]: { department: 'Accounting', costCenter: 'CC-7' },
    });
    const stored = await app.directory.store.users.findById(app.accountId, appUser.id);
    expect(stored).toMatchObject({ givenName: 'App', familyName: 'User', displayName: 'App User' });

    // Deactivated (not deleted), the user stays the IdP's: a create is a conflict, and the
    // IdP's reactivation brings it back with everything.
    const local = unique('deact');
    const user = await createUser(app, local, fullProfile(local));
    const before = (await app.request('GET', `${SCIM}/Users/${user.id}`)).body;
    const off = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      },
    });
    expect(off.body.active).toBe(false);
    expectScimError(
      await app.request('POST', `${SCIM}/Users`, {
        body: { schemas: [USER_SCHEMA], userName: `${local}@example.com` },
      }),
      409,
      'uniqueness',
    );
    const on = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value: true }],
      },
    });
    expect(on.body.active).toBe(true);
    expect({ ...content(on.body), externalId: on.body.externalId }).toEqual({
      ...content(before),
      externalId: before.externalId,
    });
  });

  it('re-creates of a deleted user sent at once: one restores it (201), the others get 409 uniqueness, never 503', async () => {
    const app = getApp();
    for (let round = 0; round < 5; round++) {
      const local = unique('racer');
      const user = await createUser(app, local, { title: 'Raced' });
      expect((await app.request('DELETE', `${SCIM}/Users/${user.id}`)).status).toBe(204);
      const body = {
        schemas: [USER_SCHEMA],
        userName: `${local}@example.com`,
        emails: [{ value: `${local}@example.com`, primary: true }],
      };
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => app.request('POST', `${SCIM}/Users`, { body })),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses, responses.map((r) => r.text.slice(0, 200)).join('\n')).toEqual([
        201, 409, 409, 409, 409, 409,
      ]);
      for (const refused of responses.filter((r) => r.status === 409)) {
        expectScimError(refused, 409, 'uniqueness');
      }
      const restored = responses.find((r) => r.status === 201);
      expect(restored?.body).toMatchObject({ id: user.id, title: 'Raced', active: true });
    }
  });
});
