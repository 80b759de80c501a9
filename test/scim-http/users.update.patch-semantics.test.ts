/**
 * Checklist §11 items 38–44 (idp-behaviour.md §2.6): userName changes, add on single values,
 * unassigning, empty and failing PATCHes, atomicity, and the 200-with-resource answer.
 */
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/create-test-app.ts';
import { STORE_KINDS, USER_SCHEMA } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectScimError,
  findUsers,
  nullPaths,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

function patch(app: TestApp, id: string, ...operations: unknown[]) {
  return app.request('PATCH', `${SCIM}/Users/${id}`, { body: patchOp(...operations) });
}

describe.each(STORE_KINDS)('PATCH semantics (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('#38 Replace userName changes the login identity and keeps the id', async () => {
    const app = getApp();
    const local = unique('rename');
    const user = await createUser(app, local);
    const renamed = `Renamed.${local}@example.com`;
    const response = await patch(app, user.id, { op: 'Replace', path: 'userName', value: renamed });
    expect(response.status, response.text).toBe(200);
    expect(response.body.id).toBe(user.id);
    expect(response.body.userName).toBe(renamed);
    const byNew = await findUsers(app, `userName eq "${renamed.toLowerCase()}"`);
    expect(byNew.body.Resources.map((u: { id: string }) => u.id)).toEqual([user.id]);
    const byOld = await findUsers(app, `userName eq "${user.userName}"`);
    expect(byOld.body.totalResults).toBe(0);
    // The old name is free again.
    expect(
      (
        await app.request('POST', `${SCIM}/Users`, {
          body: {
            schemas: [USER_SCHEMA],
            userName: user.userName,
            emails: [{ value: `fresh-${local}@example.com`, type: 'work', primary: true }],
          },
        })
      ).status,
    ).toBe(201);
  });

  it('#38 Replace userName into an unverified domain → 400 invalidValue naming it; nothing changes', async () => {
    const app = getApp();
    const user = await createUser(app, unique('rename2'));
    const response = await patch(app, user.id, {
      op: 'replace',
      path: 'userName',
      value: `${unique('x')}@unverified-rename.example`,
    });
    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain('unverified-rename.example');
    expect((await app.request('GET', `${SCIM}/Users/${user.id}`)).body.userName).toBe(
      user.userName,
    );
  });

  it('#38 Replace userName onto another user’s userName (any case) → 409 uniqueness', async () => {
    const app = getApp();
    const taken = await createUser(app, unique('taken'));
    const user = await createUser(app, unique('mover'));
    expectScimError(
      await patch(app, user.id, {
        op: 'replace',
        path: 'userName',
        value: taken.userName.toUpperCase(),
      }),
      409,
      'uniqueness',
    );
  });

  it('#39 Add on a single-valued attribute (nickName, displayName) replaces it', async () => {
    const app = getApp();
    const user = await createUser(app, unique('single'), { nickName: 'Old', displayName: 'Old D' });
    const response = await patch(
      app,
      user.id,
      { op: 'add', path: 'nickName', value: 'New' },
      { op: 'Add', path: 'displayName', value: 'New D' },
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body.nickName).toBe('New');
    expect(response.body.displayName).toBe('New D');
    const pathless = await patch(app, user.id, { op: 'add', value: { nickName: 'Newest' } });
    expect(pathless.body.nickName).toBe('Newest');
  });

  it('#40 "" or null on an optional attribute unassigns it, and GET omits it', async () => {
    const app = getApp();
    const user = await createUser(app, unique('unassign'), {
      nickName: 'Nick',
      title: 'Title',
      displayName: 'Display',
      locale: 'en-US',
      name: { givenName: 'Given', familyName: 'Family', middleName: 'M' },
    });
    const response = await patch(
      app,
      user.id,
      { op: 'replace', path: 'nickName', value: '' },
      { op: 'replace', path: 'title', value: null },
      { op: 'Replace', path: 'name.middleName', value: '' },
      { op: 'Add', value: { displayName: null, locale: '' } },
    );
    expect(response.status, response.text).toBe(200);
    const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
    for (const key of ['nickName', 'title', 'displayName', 'locale']) {
      expect(read.body, key).not.toHaveProperty(key);
    }
    expect(read.body.name).toEqual({ givenName: 'Given', familyName: 'Family' });
    expect(nullPaths(read.body)).toEqual([]);
  });

  it('#41 an empty Operations array → 200 with the unchanged resource', async () => {
    const app = getApp();
    const user = await createUser(app, unique('noop'));
    const response = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp(),
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual(user);
    expect(response.headers.get('etag')).toBe(user.meta.version);
  });

  it('#42 remove without path → 400 noTarget', async () => {
    const app = getApp();
    const user = await createUser(app, unique('nopath'));
    expectScimError(await patch(app, user.id, { op: 'remove' }), 400, 'noTarget');
    expectScimError(
      await patch(app, user.id, { op: 'Remove', value: { nickName: 'x' } }),
      400,
      'noTarget',
    );
    expectScimError(await patch(app, user.id, { op: 'remove', path: '' }), 400, 'noTarget');
  });

  it('#42 an unparseable path → 400 invalidPath', async () => {
    const app = getApp();
    const user = await createUser(app, unique('badpath'));
    for (const path of [
      'emails[type eq "work"',
      'emails[type eq "work"]]',
      'name..givenName',
      'displayName[value eq "x"]',
      '[type eq "work"]',
    ]) {
      expectScimError(
        await patch(app, user.id, { op: 'replace', path, value: 'x' }),
        400,
        'invalidPath',
      );
    }
    // A broken filter inside the brackets: RFC 7644 §3.12 allows invalidFilter for PATCH path
    // filters as well as invalidPath.
    for (const path of ['emails[type eq]', 'emails[type zz "work"].value']) {
      const response = await patch(app, user.id, { op: 'replace', path, value: 'x' });
      expectScimError(response, 400);
      expect(['invalidPath', 'invalidFilter']).toContain(response.body.scimType);
    }
  });

  it('#43 a PATCH whose last operation fails changes nothing (atomic)', async () => {
    const app = getApp();
    const user = await createUser(app, unique('atomic'), { displayName: 'Before' });
    const failures: [unknown, number, string][] = [
      [{ op: 'remove' }, 400, 'noTarget'],
      [{ op: 'replace', path: 'active', value: 'maybe' }, 400, 'invalidValue'],
      [{ op: 'replace', path: 'emails[type eq', value: 'x' }, 400, 'invalidPath'],
      [
        { op: 'replace', path: 'userName', value: 'x@unverified-atomic.example' },
        400,
        'invalidValue',
      ],
    ];
    for (const [failing, status, scimType] of failures) {
      const response = await patch(
        app,
        user.id,
        { op: 'replace', path: 'displayName', value: 'After' },
        { op: 'replace', value: { active: false, title: 'Changed' } },
        failing,
      );
      expectScimError(response, status, scimType);
      const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
      expect(read.body).toEqual(user);
    }
  });

  it('#44 a successful PATCH answers 200 with the full resource and its ETag', async () => {
    const app = getApp();
    const user = await createUser(app, unique('full'));
    const response = await patch(app, user.id, { op: 'replace', path: 'title', value: 'Lead' });
    expect(response.status).toBe(200);
    expect(response.text.length).toBeGreaterThan(0);
    const body = response.body;
    expect(body.schemas).toContain(USER_SCHEMA);
    expect(body.id).toBe(user.id);
    expect(body.userName).toBe(user.userName);
    expect(body.name).toEqual(user.name);
    expect(body.emails).toEqual(user.emails);
    expect(body.active).toBe(true);
    expect(body.title).toBe('Lead');
    expect(body.meta.resourceType).toBe('User');
    expect(body.meta.created).toBe(user.meta.created);
    expect(response.headers.get('etag')).toBe(body.meta.version);
    expect(body.meta.version).not.toBe(user.meta.version);
  });
});
