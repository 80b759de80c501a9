import { describe, expect, it } from 'vitest';
import { ENTERPRISE_USER_SCHEMA as ENTERPRISE } from '../schemas/enterprise-user.ts';
import { userResourceType } from '../schemas/resource-types.ts';
import { USER_SCHEMA } from '../schemas/user.ts';
import { checkRequired, normalizeResource, type Resource } from './normalize-resource.ts';

function normalize(input: unknown, keepReadOnly = false): Resource {
  const result = normalizeResource(userResourceType, input, { keepReadOnly });
  if (!result.ok) throw new Error(`expected success, got ${result.error.detail}`);
  return result.value;
}

function rejection(input: unknown) {
  const result = normalizeResource(userResourceType, input);
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('normalizeResource: shape and names', () => {
  it('rejects anything but a JSON object with 400 invalidSyntax', () => {
    for (const input of [null, 'x', 42, [], [{ userName: 'a' }]]) {
      const error = rejection(input);
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidSyntax');
    }
  });

  it('matches attribute names case-insensitively and outputs canonical spelling (RFC 7643 §2.1)', () => {
    expect(
      normalize({
        USERNAME: 'ada',
        DisplayName: 'Ada',
        NAME: { GIVENNAME: 'Ada' },
        Emails: [{ VALUE: 'a@x' }],
      }),
    ).toEqual({
      schemas: [USER_SCHEMA],
      userName: 'ada',
      name: { givenName: 'Ada' },
      displayName: 'Ada',
      emails: [{ value: 'a@x' }],
    });
  });

  it('reads extensions under their URN case-insensitively and lists them in schemas', () => {
    expect(
      normalize({
        userName: 'ada',
        [ENTERPRISE.toUpperCase()]: { EmployeeNumber: '7001', department: 'R&D' },
      }),
    ).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName: 'ada',
      [ENTERPRISE]: { employeeNumber: '7001', department: 'R&D' },
    });
  });

  it('omits an extension without values, and its URN from schemas', () => {
    const out = normalize({
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName: 'ada',
      [ENTERPRISE]: { department: '', manager: null },
    });
    expect(out).toEqual({ schemas: [USER_SCHEMA], userName: 'ada' });
  });

  it('rejects an extension that is not an object', () => {
    expect(rejection({ userName: 'ada', [ENTERPRISE]: 'x' }).scimType).toBe('invalidValue');
  });

  it('drops unknown URNs and unknown (sub-)attributes silently (checklist 14)', () => {
    expect(
      normalize({
        schemas: ['urn:scim:schemas:core:1.0', USER_SCHEMA, 'urn:example:custom'],
        userName: 'ada',
        'urn:example:custom': { x: 1 },
        'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Attribute': 'y',
        favouriteColour: 'blue',
        name: { givenName: 'Ada', nickname: 'x' },
      }),
    ).toEqual({ schemas: [USER_SCHEMA], userName: 'ada', name: { givenName: 'Ada' } });
  });

  it('drops readOnly id, meta, groups, manager.displayName and writeOnly password (RFC 7644 §3.5.1)', () => {
    expect(
      normalize({
        id: '5401',
        externalId: '00uAbC',
        meta: { resourceType: 'User', created: '2026-11-02T10:15:00Z' },
        groups: [{ value: 'g1', display: 'Admins' }],
        password: 't7Qx2mZp',
        userName: 'ada',
        [ENTERPRISE]: { manager: { value: 'm1', displayName: 'Boss' } },
      }),
    ).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE],
      externalId: '00uAbC',
      userName: 'ada',
      [ENTERPRISE]: { manager: { value: 'm1' } },
    });
  });

  it('keeps readOnly attributes with keepReadOnly (re-normalising a stored resource)', () => {
    const out = normalize(
      {
        id: '5401',
        meta: { resourceType: 'User', created: '2026-11-02T10:15:00Z' },
        groups: [{ value: 'g1', display: 'Admins' }],
        userName: 'ada',
        password: 'never',
      },
      true,
    );
    expect(out).toEqual({
      schemas: [USER_SCHEMA],
      id: '5401',
      meta: { resourceType: 'User', created: '2026-11-02T10:15:00.000Z' },
      userName: 'ada',
      groups: [{ value: 'g1', display: 'Admins' }],
    });
  });

  it('keeps externalId exactly as sent (caseExact)', () => {
    expect(normalize({ userName: 'a', externalId: 'AbC-00u' }).externalId).toBe('AbC-00u');
  });

  it('outputs keys in schema order', () => {
    const out = normalize({
      active: true,
      [ENTERPRISE]: { department: 'd' },
      userName: 'a',
      externalId: 'e',
    });
    expect(Object.keys(out)).toEqual(['schemas', 'externalId', 'userName', 'active', ENTERPRISE]);
  });
});

describe('normalizeResource: type coercion', () => {
  it('accepts booleans and "true"/"false" strings in any case (Entra sends "True"/"False")', () => {
    for (const [input, expected] of [
      [true, true],
      [false, false],
      ['True', true],
      ['False', false],
      ['TRUE', true],
      [' false ', false],
    ] as const) {
      expect(normalize({ userName: 'a', active: input }).active).toBe(expected);
    }
  });

  it('rejects a non-boolean with a detail naming the attribute', () => {
    const error = rejection({ userName: 'a', active: 'maybe' });
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toBe(`attribute 'active' must be a boolean, got "maybe"`);
  });

  it('converts numbers to strings for string attributes', () => {
    expect(
      normalize({ userName: 'a', [ENTERPRISE]: { employeeNumber: 7001 } })[ENTERPRISE],
    ).toEqual({
      employeeNumber: '7001',
    });
  });

  it('rejects objects and booleans where a string belongs', () => {
    expect(rejection({ userName: 'a', title: { x: 1 } }).detail).toBe(
      `attribute 'title' must be a string, got {"x":1}`,
    );
    expect(rejection({ userName: true }).scimType).toBe('invalidValue');
  });

  it('names sub-attributes and extension attributes in errors', () => {
    expect(rejection({ userName: 'a', emails: [{ value: 'a@x', primary: 'yes' }] }).detail).toBe(
      `attribute 'emails.primary' must be a boolean, got "yes"`,
    );
    expect(rejection({ userName: 'a', [ENTERPRISE]: { department: [1, 2] } }).detail).toContain(
      `'${ENTERPRISE}:department' is single-valued`,
    );
  });

  it('normalises dateTime values to ISO 8601 and rejects non-dates', () => {
    const out = normalize(
      { id: '1', userName: 'a', meta: { lastModified: '2026-11-02T10:15:00+01:00' } },
      true,
    );
    expect(out.meta).toEqual({ lastModified: '2026-11-02T09:15:00.000Z' });
    const naive = normalize(
      { id: '1', userName: 'a', meta: { created: '2026-11-02T10:15:00' } },
      true,
    );
    expect(naive.meta).toEqual({ created: '2026-11-02T10:15:00.000Z' });
    const bad = normalizeResource(
      userResourceType,
      { userName: 'a', meta: { created: '1' } },
      { keepReadOnly: true },
    );
    expect(bad.ok).toBe(false);
  });

  it('rejects a complex attribute given as a number or boolean', () => {
    expect(rejection({ userName: 'a', name: true }).detail).toBe(
      `attribute 'name' must be a complex object, got true`,
    );
  });
});

describe('normalizeResource: unassigned values (RFC 7643 §2.5)', () => {
  it('omits null, "", whitespace-only, [] and complex values left empty', () => {
    expect(
      normalize({
        userName: 'a',
        title: null,
        nickName: '',
        locale: '   ',
        roles: [],
        emails: [null, ''],
        name: { givenName: null, familyName: '' },
        addresses: [{ type: null }],
      }),
    ).toEqual({ schemas: [USER_SCHEMA], userName: 'a' });
  });

  it('accepts the Entra create body with meta, roles: [] and explicit nulls (checklist 14)', () => {
    expect(
      normalize({
        schemas: [USER_SCHEMA, ENTERPRISE],
        externalId: 'ada',
        userName: 'Ada.Lovelace@contoso.example',
        active: true,
        displayName: 'Ada Lovelace',
        emails: [{ primary: true, type: 'work', value: 'Ada.Lovelace@contoso.example' }],
        name: { formatted: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace' },
        title: null,
        meta: { resourceType: 'User' },
        roles: [],
      }),
    ).toEqual({
      schemas: [USER_SCHEMA],
      externalId: 'ada',
      userName: 'Ada.Lovelace@contoso.example',
      name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
      displayName: 'Ada Lovelace',
      active: true,
      emails: [{ value: 'Ada.Lovelace@contoso.example', type: 'work', primary: true }],
    });
  });
});

describe('normalizeResource: wrappings identity providers send', () => {
  it('turns manager given as a bare string into { value } (Entra)', () => {
    expect(normalize({ userName: 'a', [ENTERPRISE]: { manager: '5399' } })[ENTERPRISE]).toEqual({
      manager: { value: '5399' },
    });
  });

  it('unwraps a single-valued complex given as an array of one object (legacy manager)', () => {
    expect(
      normalize({
        userName: 'a',
        [ENTERPRISE]: { manager: [{ $ref: '../Users/5399', value: '5399' }] },
      })[ENTERPRISE],
    ).toEqual({ manager: { value: '5399', $ref: '../Users/5399' } });
  });

  it('unwraps a single-valued simple attribute given as [{"value": "x"}] (old Entra SDK)', () => {
    expect(
      normalize({ userName: 'a', displayName: [{ $ref: null, value: 'Ada' }] }).displayName,
    ).toBe('Ada');
  });

  it('rejects a single-valued attribute given several values', () => {
    expect(rejection({ userName: 'a', displayName: ['a', 'b'] }).scimType).toBe('invalidValue');
  });

  it('wraps a lone object of a multi-valued attribute in an array', () => {
    expect(normalize({ userName: 'a', emails: { value: 'a@x', type: 'work' } }).emails).toEqual([
      { value: 'a@x', type: 'work' },
    ]);
  });

  it('turns strings in a multi-valued complex into { value } (Okta roles: ["Sales Rep"])', () => {
    expect(normalize({ userName: 'a', roles: ['Sales Rep', 'Admin'] }).roles).toEqual([
      { value: 'Sales Rep' },
      { value: 'Admin' },
    ]);
  });
});

describe('normalizeResource: multi-valued rules (RFC 7643 §2.4)', () => {
  it('keeps only the first primary: true and drops primary from later ones', () => {
    expect(
      normalize({
        userName: 'a',
        emails: [
          { value: 'a@x', primary: false },
          { value: 'b@x', primary: true },
          { value: 'c@x', primary: 'True' },
        ],
      }).emails,
    ).toEqual([
      { value: 'a@x', primary: false },
      { value: 'b@x', primary: true },
      { value: 'c@x' },
    ]);
  });

  it('removes duplicates (same value, caseExact false, and same type)', () => {
    expect(
      normalize({
        userName: 'a',
        emails: [
          { value: 'a@x', type: 'work' },
          { value: 'A@X', type: 'Work', primary: true },
          { value: 'a@x', type: 'home' },
        ],
      }).emails,
    ).toEqual([
      { value: 'a@x', type: 'work', primary: true },
      { value: 'a@x', type: 'home' },
    ]);
  });

  it('removes identical addresses (no value sub-attribute)', () => {
    const address = { streetAddress: '1 Main St', type: 'work' };
    expect(normalize({ userName: 'a', addresses: [address, { ...address }] }).addresses).toEqual([
      address,
    ]);
  });

  it('drops elements that lack a value where the attribute has one', () => {
    expect(
      normalize({ userName: 'a', emails: [{ type: 'home', primary: true }, { value: 'a@x' }] })
        .emails,
    ).toEqual([{ value: 'a@x' }]);
  });
});

describe('checkRequired', () => {
  it('reports a missing userName as 400 invalidValue', () => {
    const result = checkRequired(userResourceType, normalize({ displayName: 'Ada' }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.status).toBe(400);
      expect(result.error.scimType).toBe('invalidValue');
      expect(result.error.detail).toBe(`attribute 'userName' is required`);
    }
  });

  it('accepts a resource with userName and active', () => {
    expect(checkRequired(userResourceType, normalize({ userName: 'ada', active: false })).ok).toBe(
      true,
    );
  });

  it('reports a missing active (required: userChangeOf supplies its default first)', () => {
    const result = checkRequired(userResourceType, normalize({ userName: 'ada' }));
    expect(!result.ok && result.error.detail).toBe(`attribute 'active' is required`);
  });

  it('is not applied by normalizeResource itself', () => {
    expect(normalizeResource(userResourceType, {}).ok).toBe(true);
  });
});
