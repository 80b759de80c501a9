/**
 * Checklist §11 items 11–17 (idp-behaviour.md §2.3, §2.4; PRODUCT.md items 5, 7, 8, 10):
 * POST /Users.
 */
import { describe, expect, it } from 'vitest';
import { ENTERPRISE_SCHEMA, STORE_KINDS, USER_SCHEMA } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectScimError,
  findUsers,
  insertAppUser,
  listAllIds,
  newUser,
  nullPaths,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

describe.each(STORE_KINDS)('POST /Users (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('#11 a valid user → 201 with Location = meta.location and the values as sent', async () => {
    const app = getApp();
    const userName = `Ada.Lovelace-${unique('x')}@Example.COM`;
    const email = userName.replace('Ada.Lovelace', 'ADA.lovelace');
    const response = await app.request('POST', `${SCIM}/Users`, {
      body: {
        schemas: [USER_SCHEMA],
        userName,
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: email, type: 'work', primary: true }],
        active: true,
      },
    });
    expect(response.status, response.text).toBe(201);
    const user = response.body;
    expect(typeof user.id).toBe('string');
    expect(user.id.length).toBeGreaterThan(0);
    expect(user.schemas).toContain(USER_SCHEMA);
    expect(user.userName).toBe(userName);
    expect(user.emails).toEqual([{ value: email, type: 'work', primary: true }]);
    expect(user.name).toMatchObject({ givenName: 'Ada', familyName: 'Lovelace' });
    expect(user.active).toBe(true);
    expect(user.meta.resourceType).toBe('User');
    expect(response.headers.get('location')).toBe(user.meta.location);
    expect(user.meta.location).toMatch(new RegExp(`/scim/v2/Users/${user.id}$`));
    expect(Date.parse(user.meta.created)).not.toBeNaN();
    expect(Date.parse(user.meta.lastModified)).not.toBeNaN();
    expect(nullPaths(user)).toEqual([]);

    const read = await app.request('GET', new URL(user.meta.location).pathname);
    expect(read.status).toBe(200);
    expect(read.body.userName).toBe(userName);
    expect(read.body.emails[0].value).toBe(email);
  });

  it('#12 the same userName differing only in case → 409 uniqueness', async () => {
    const app = getApp();
    const local = unique('dup');
    await createUser(app, local);
    const upper = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(local, {
        userName: `${local.toUpperCase()}@EXAMPLE.COM`,
        emails: [{ value: `other-${local}@example.com`, type: 'work', primary: true }],
      }),
    });
    expectScimError(upper, 409, 'uniqueness');
    // The same primary e-mail under another userName collides too (PRODUCT.md item 10).
    const sameEmail = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(`renamed-${local}`, {
        emails: [{ value: `${local}@Example.com`, type: 'work', primary: true }],
      }),
    });
    expectScimError(sameEmail, 409, 'uniqueness');
    const found = await findUsers(app, `userName eq "${local}@example.com"`);
    expect(found.body.totalResults).toBe(1);
  });

  it('#12 concurrent creates of the same userName → exactly one 201, the rest 409 uniqueness', async () => {
    const app = getApp();
    const local = unique('race');
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        app.request('POST', `${SCIM}/Users`, {
          body: newUser(i % 2 ? local : local.toUpperCase(), {
            userName: `${i % 2 ? local : local.toUpperCase()}@example.com`,
          }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses, responses.map((r) => r.text.slice(0, 120)).join('\n')).toEqual([
      201, 409, 409, 409, 409, 409,
    ]);
    for (const response of responses.filter((r) => r.status === 409)) {
      expectScimError(response, 409, 'uniqueness');
    }
  });

  it('#13 an existing app-managed user with that e-mail is adopted: 201, same id, SCIM-managed', async () => {
    const app = getApp();
    const email = `${unique('appuser')}@example.com`;
    const existing = await insertAppUser(app, email);

    // Unfiltered listings show SCIM-managed users only; an identity lookup finds it.
    expect(await listAllIds(app)).not.toContain(existing.id);
    const lookup = await findUsers(app, `userName eq "${email.toUpperCase()}"`);
    expect(lookup.body.totalResults).toBe(1);
    expect(lookup.body.Resources[0].id).toBe(existing.id);

    const response = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(email.split('@')[0] as string, {
        name: { givenName: 'Scim', familyName: 'Managed' },
        externalId: '00u-adopted',
      }),
    });
    expect(response.status, response.text).toBe(201);
    expect(response.body.id).toBe(existing.id);
    expect(response.body.name).toMatchObject({ givenName: 'Scim', familyName: 'Managed' });
    expect(response.body.externalId).toBe('00u-adopted');

    const stored = await app.directory.store.users.findById(app.accountId, existing.id);
    expect(stored?.managedBy).toBe('scim');
    expect(stored?.createdAt).toBe(existing.createdAt);
    expect(stored?.permissionSetId).toBe(existing.permissionSetId);
    expect(await listAllIds(app)).toContain(existing.id);

    // A second create is now a conflict, not another adoption.
    expectScimError(
      await app.request('POST', `${SCIM}/Users`, { body: newUser(email.split('@')[0] as string) }),
      409,
      'uniqueness',
    );
  });

  it('#13 adoption matches by e-mail alone, in any case, when the IdP’s userName differs', async () => {
    const app = getApp();
    const local = unique('byemail');
    const existing = await insertAppUser(app, `${local}@example.com`);
    const response = await app.request('POST', `${SCIM}/Users`, {
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `${local}.idp@example.com`,
        name: { givenName: 'Scim', familyName: 'Managed' },
        emails: [{ value: `${local.toUpperCase()}@Example.com`, type: 'work', primary: true }],
      },
    });
    expect(response.status, response.text).toBe(201);
    expect(response.body.id).toBe(existing.id);
    expect(response.body.userName).toBe(`${local}.idp@example.com`);
    const stored = await app.directory.store.users.findById(app.accountId, existing.id);
    expect(stored?.managedBy).toBe('scim');
    expect(stored?.createdAt).toBe(existing.createdAt);
    expect(stored?.userName).toBe(`${local}.idp@example.com`);
    // Still one user with that e-mail.
    const found = await findUsers(app, `emails.value eq "${local}@example.com"`);
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([existing.id]);
  });

  it('#14 ignored and unassigned input is accepted and neither echoed nor stored', async () => {
    const app = getApp();
    const local = unique('ignored');
    const secret = `S3cret-${unique('pw')}`;
    const response = await app.request('POST', `${SCIM}/Users`, {
      body: {
        schemas: [
          USER_SCHEMA,
          'urn:scim:schemas:core:1.0',
          'urn:example:params:scim:schemas:extension:custom:2.0:User',
        ],
        id: 'client-chosen-id',
        userName: `${local}@example.com`,
        password: secret,
        groups: [],
        roles: [],
        meta: { created: '2001-01-01T00:00:00Z', version: 'W/"999"', resourceType: 'Group' },
        locale: 'en-US',
        name: { givenName: 'Grace', familyName: 'Hopper', middleName: null, formatted: '' },
        displayName: null,
        nickName: '',
        title: '   ',
        phoneNumbers: [],
        addresses: null,
        emails: [{ value: `${local}@example.com`, type: 'work', primary: true, display: null }],
        'urn:example:params:scim:schemas:extension:custom:2.0:User': { costCode: 'X1' },
        [ENTERPRISE_SCHEMA]: { department: null },
        active: true,
      },
    });
    expect(response.status, response.text).toBe(201);
    const user = response.body;
    expect(user.id).not.toBe('client-chosen-id');
    expect(user.locale).toBe('en-US');
    expect(user.schemas).toEqual([USER_SCHEMA]);
    for (const key of ['password', 'groups', 'roles', 'displayName', 'nickName', 'title']) {
      expect(user, key).not.toHaveProperty(key);
    }
    expect(user).not.toHaveProperty('urn:example:params:scim:schemas:extension:custom:2.0:User');
    expect(user).not.toHaveProperty(ENTERPRISE_SCHEMA);
    expect(user.name).toEqual({ givenName: 'Grace', familyName: 'Hopper' });
    expect(user.meta.version).not.toBe('W/"999"');
    expect(user.meta.resourceType).toBe('User');
    expect(user.meta.created.startsWith('2001')).toBe(false);
    expect(nullPaths(user)).toEqual([]);
    expect(response.text).not.toContain(secret);

    const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
    expect(read.body).toEqual(user);
    const stored = await app.directory.store.users.findById(app.accountId, user.id);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(JSON.stringify(stored)).not.toContain('costCode');
  });

  it('#15 active: false creates a deactivated user', async () => {
    const app = getApp();
    const created = await createUser(app, unique('disabled'), { active: false });
    expect(created.active).toBe(false);
    const read = await app.request('GET', `${SCIM}/Users/${created.id}`);
    expect(read.body.active).toBe(false);
    const stored = await app.directory.store.users.findById(app.accountId, created.id);
    expect(stored?.active).toBe(false);
  });

  it('#16 an e-mail in an unverified domain → 400 invalidValue naming the domain', async () => {
    const app = getApp();
    const local = unique('contoso');
    const response = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(local, {
        userName: `${local}@contoso.example`,
        emails: [{ value: `${local}@contoso.example`, type: 'work', primary: true }],
      }),
    });
    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain('contoso.example');
    const missing = await findUsers(app, `userName eq "${local}@contoso.example"`);
    expect(missing.body.totalResults).toBe(0);

    // Only the e-mail is unverified: still refused, naming that domain.
    const mixed = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(local, {
        emails: [{ value: `${local}@unverified.example`, type: 'work', primary: true }],
      }),
    });
    expectScimError(mixed, 400, 'invalidValue');
    expect(mixed.body.detail).toContain('unverified.example');
  });

  it('#16 a verified domain (JumpCloud-style test user, any case) → 201', async () => {
    const app = getApp();
    const local = unique('jctest');
    const response = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(local, {
        userName: `${local}@EXAMPLE.com`,
        emails: [{ value: `${local}@EXAMPLE.com`, type: 'work', primary: true }],
      }),
    });
    expect(response.status, response.text).toBe(201);
  });

  it('#17 missing userName and no usable e-mail → 400 invalidValue', async () => {
    const app = getApp();
    const bodies = [
      { schemas: [USER_SCHEMA], name: { givenName: 'No', familyName: 'Name' }, active: true },
      { schemas: [USER_SCHEMA], userName: '', active: true },
      { schemas: [USER_SCHEMA], userName: null, emails: [], active: true },
      { schemas: [USER_SCHEMA], emails: [{ type: 'work', primary: true }] },
    ];
    for (const body of bodies) {
      expectScimError(await app.request('POST', `${SCIM}/Users`, { body }), 400, 'invalidValue');
    }
  });

  it('#17 missing userName with a usable e-mail is accepted, userName taken from it', async () => {
    const app = getApp();
    const email = `${unique('noname')}@example.com`;
    const response = await app.request('POST', `${SCIM}/Users`, {
      body: { schemas: [USER_SCHEMA], emails: [{ value: email, type: 'work', primary: true }] },
    });
    expect(response.status, response.text).toBe(201);
    expect(response.body.userName).toBe(email);
  });
});
