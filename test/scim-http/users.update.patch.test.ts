/**
 * Checklist §11 items 31–37 (idp-behaviour.md §2.6, §3.5, §3.6, §4.2): the PATCH dialects IdPs
 * send — op case, boolean strings, path-less values, URN paths, value-path filters.
 */
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/create-test-app.ts';
import { ENTERPRISE_SCHEMA, STORE_KINDS, USER_SCHEMA } from '../helpers/create-test-app.ts';
import { createUser, patchOp, SCIM, unique, useTestApp } from './scim-test-kit.ts';

function patch(app: TestApp, id: string, ...operations: unknown[]) {
  return app.request('PATCH', `${SCIM}/Users/${id}`, { body: patchOp(...operations) });
}

describe.each(STORE_KINDS)('PATCH dialects (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('#31 op is accepted in any case: add, Add, ADD, Replace, REPLACE, Remove, remove', async () => {
    const app = getApp();
    const user = await createUser(app, unique('opcase'));
    const steps: [string, string, unknown, unknown][] = [
      ['add', 'nickName', 'one', 'one'],
      ['Add', 'nickName', 'two', 'two'],
      ['ADD', 'nickName', 'three', 'three'],
      ['Replace', 'nickName', 'four', 'four'],
      ['REPLACE', 'nickName', 'five', 'five'],
      ['Remove', 'nickName', undefined, undefined],
      ['replace', 'title', 'T', undefined],
      ['remove', 'title', undefined, undefined],
    ];
    for (const [op, path, value, expected] of steps) {
      const response = await patch(
        app,
        user.id,
        value === undefined ? { op, path } : { op, path, value },
      );
      expect(response.status, `${op} ${path}: ${response.text}`).toBe(200);
      if (path === 'nickName') expect(response.body.nickName, op).toBe(expected);
    }
    expect((await app.request('GET', `${SCIM}/Users/${user.id}`)).body).not.toHaveProperty('title');
  });

  it('#32 active accepts false, "False", "false", true, "True" and reads back a boolean', async () => {
    const app = getApp();
    const user = await createUser(app, unique('bool'));
    const cases: [unknown, boolean][] = [
      [false, false],
      ['True', true],
      ['False', false],
      [true, true],
      ['false', false],
      ['true', true],
    ];
    for (const [value, expected] of cases) {
      const response = await patch(app, user.id, { op: 'Replace', path: 'active', value });
      expect(response.status, `${JSON.stringify(value)}: ${response.text}`).toBe(200);
      expect(response.body.active).toBe(expected);
      const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
      expect(read.body.active).toBe(expected);
      expect(read.text).toContain(`"active":${expected}`);
    }
  });

  it('#33 a path-less {"active": false} deactivates (Okta)', async () => {
    const app = getApp();
    const user = await createUser(app, unique('okta'));
    const response = await patch(app, user.id, { op: 'replace', value: { active: false } });
    expect(response.status, response.text).toBe(200);
    expect(response.body.active).toBe(false);
    expect(response.body.userName).toBe(user.userName);
    expect(response.body.name).toEqual(user.name);
    expect((await app.request('GET', `${SCIM}/Users/${user.id}`)).body.active).toBe(false);
  });

  it('#34 a path-less value with dotted and URN-qualified keys updates those sub-attributes', async () => {
    const app = getApp();
    const user = await createUser(app, unique('entra'), {
      name: { givenName: 'Old', familyName: 'Keep' },
    });
    const response = await patch(app, user.id, {
      op: 'Replace',
      value: {
        'name.givenName': 'New',
        [`${ENTERPRISE_SCHEMA}:employeeNumber`]: '12345',
        [`${ENTERPRISE_SCHEMA}:department`]: 'Finance',
        displayName: 'New Keep',
      },
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.name).toEqual({ givenName: 'New', familyName: 'Keep' });
    expect(response.body.displayName).toBe('New Keep');
    expect(response.body[ENTERPRISE_SCHEMA]).toEqual({
      employeeNumber: '12345',
      department: 'Finance',
    });
    expect(response.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE_SCHEMA]);
    expect(response.body).not.toHaveProperty(['name.givenName']);
  });

  it('#35 paths prefixed with the core or enterprise URN resolve correctly', async () => {
    const app = getApp();
    const user = await createUser(app, unique('urn'), {
      name: { givenName: 'Keep', familyName: 'Old' },
    });
    const response = await patch(
      app,
      user.id,
      { op: 'replace', path: `${USER_SCHEMA}:name.familyName`, value: 'Changed' },
      { op: 'add', path: `${USER_SCHEMA}:displayName`, value: 'Display' },
      { op: 'replace', path: `${ENTERPRISE_SCHEMA}:costCenter`, value: 'CC-7' },
      { op: 'add', path: `${ENTERPRISE_SCHEMA.toUpperCase()}:division`, value: 'North' },
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body.name).toEqual({ givenName: 'Keep', familyName: 'Changed' });
    expect(response.body.displayName).toBe('Display');
    expect(response.body[ENTERPRISE_SCHEMA]).toEqual({ costCenter: 'CC-7', division: 'North' });
    expect(Object.keys(response.body).filter((k) => k.includes('2.0:User:'))).toEqual([]);
  });

  it('#36 Replace emails[type eq "work"].value when no work e-mail exists creates it', async () => {
    const app = getApp();
    const local = unique('noWork');
    const user = await createUser(app, local, {
      emails: [{ value: `${local}@example.com`, type: 'other', primary: true }],
    });
    const work = `work-${local}@example.com`;
    const response = await patch(app, user.id, {
      op: 'Replace',
      path: 'emails[type eq "work"].value',
      value: work,
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.emails).toHaveLength(2);
    expect(response.body.emails).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: work, type: 'work' }),
        expect.objectContaining({ value: `${local}@example.com`, type: 'other', primary: true }),
      ]),
    );
  });

  it('#36 Add emails[type eq "work"].value when one exists replaces only that entry', async () => {
    const app = getApp();
    const local = unique('hasWork');
    const home = `home-${local}@example.com`;
    const user = await createUser(app, local, {
      emails: [
        { value: `${local}@example.com`, type: 'work', primary: true },
        { value: home, type: 'home' },
      ],
    });
    const renamed = `renamed-${local}@example.com`;
    const response = await patch(app, user.id, {
      op: 'Add',
      path: 'emails[type eq "work"].value',
      value: renamed,
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.emails).toHaveLength(2);
    expect(response.body.emails).toEqual(
      expect.arrayContaining([
        { value: renamed, type: 'work', primary: true },
        { value: home, type: 'home' },
      ]),
    );
  });

  it('#37 PATCH on emails[…].primary/.display, phoneNumbers[…].value, addresses[…].streetAddress → 200', async () => {
    const app = getApp();
    const local = unique('subattrs');
    const user = await createUser(app, local);
    const operations = [
      { op: 'Add', path: 'emails[type eq "work"].primary', value: true },
      { op: 'Add', path: 'emails[type eq "work"].display', value: 'Work mail' },
      { op: 'Add', path: 'emails[type eq "home"].primary', value: 'False' },
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
      { op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0199' },
      { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
      { op: 'Replace', path: 'addresses[type eq "work"].locality', value: 'Springfield' },
    ];
    for (const operation of operations) {
      const response = await patch(app, user.id, operation);
      expect(response.status, `${operation.path}: ${response.text}`).toBe(200);
    }
    const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
    expect(read.body.emails[0].value).toBe(`${local}@example.com`);
    expect(read.body.userName).toBe(user.userName);
    const mobile = (read.body.phoneNumbers ?? []).find(
      (p: { type: string }) => p.type === 'mobile',
    );
    if (mobile) expect(mobile.value).toBe('+1 555 0100');
    const address = (read.body.addresses ?? []).find((a: { type: string }) => a.type === 'work');
    if (address) expect(address).toMatchObject({ streetAddress: '1 Main St' });
  });
});
