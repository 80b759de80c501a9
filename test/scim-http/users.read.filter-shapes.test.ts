/**
 * Every filter shape answers on both stores, and `not (F)` is the exact complement of `F`.
 * A grammar fuzz on PostgreSQL found filters that SQLite answered and PostgreSQL refused with a
 * 500 ("could not determine data type of parameter"): a value the store knows without reading a
 * column (a user's groups are all `type` "direct") was bound as a parameter and tested with
 * `IS NULL` in the negated form. These shapes are the ones that produced it, and their kin:
 * value paths with `not`, `pr`, every comparison operator on groups, members, emails and other
 * multi-valued attributes, profile and extension attributes.
 */
import { describe, expect, it } from 'vitest';
import { ENTERPRISE_SCHEMA, STORE_KINDS, type TestApp } from '../helpers/create-test-app.ts';
import { createGroup, createUser, SCIM, unique, useTestApp } from './scim-test-kit.ts';

const OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;

/** `attr[sub op "value"]`, `attr[not (sub op "value")]` and `attr.sub op "value"`. */
function elementShapes(attribute: string, sub: string, value: string): string[] {
  return [
    ...OPERATORS.flatMap((op) => [
      `${attribute}[${sub} ${op} "${value}"]`,
      `${attribute}[not (${sub} ${op} "${value}")]`,
      `${attribute}.${sub} ${op} "${value}"`,
    ]),
    `${attribute}[${sub} pr]`,
    `${attribute}[not (${sub} pr)]`,
    `${attribute}.${sub} pr`,
    `${attribute}[${sub} eq null]`,
    `${attribute}[${sub} ne null]`,
  ];
}

const USER_SHAPES = [
  // The fuzz's first find, and every operator on the constant `type` of a user's groups.
  'groups[not (type eq "x")]',
  ...elementShapes('groups', 'type', 'direct'),
  ...elementShapes('groups', 'type', 'x'),
  ...elementShapes('groups', 'display', 'shape'),
  'groups[value pr and not (type eq "indirect")]',
  'groups[not (type eq "direct" or display pr)]',
  'groups pr',
  'groups[$ref eq "x"]',
  'groups[not ($ref pr)]',
  ...elementShapes('emails', 'type', 'work'),
  ...elementShapes('emails', 'value', 'example.com'),
  'emails[primary eq true]',
  'emails[not (primary eq true)]',
  'emails[not (primary eq false)]',
  'emails[type eq "work" and not (display pr)]',
  ...elementShapes('phoneNumbers', 'type', 'mobile'),
  ...elementShapes('addresses', 'streetAddress', '1 Main'),
  'addresses[not (primary eq true)]',
  'roles[not (value eq "x")]',
  'roles[value pr]',
  'title eq "Engineer"',
  'title gt "A"',
  'not (title pr)',
  'name.middleName lt "m"',
  `${ENTERPRISE_SCHEMA}:department eq "R&D"`,
  `${ENTERPRISE_SCHEMA}:manager.value ge "a"`,
  `${ENTERPRISE_SCHEMA}:employeeNumber pr`,
  'active eq true',
  'externalId ne "x"',
];

const GROUP_SHAPES = [
  ...elementShapes('members', 'type', 'User'),
  ...elementShapes('members', 'value', 'x'),
  ...elementShapes('members', 'display', 'shape'),
  'members[not (type eq "User" or value pr)]',
  'members pr',
  'members[$ref eq "x"]',
  'members[not ($ref co "x")]',
  'displayName co "shape"',
  'externalId pr',
];

async function ids(app: TestApp, resource: string, scope: string, filter: string) {
  const response = await app.request(
    'GET',
    `${SCIM}/${resource}?filter=${encodeURIComponent(`${scope} and (${filter})`)}&attributes=id&count=1000`,
  );
  expect(response.status, `${filter}: ${response.text.slice(0, 300)}`).toBe(200);
  return new Set((response.body.Resources as { id: string }[]).map((r) => r.id));
}

/** `filter` answers 200, and `not (filter)` matches exactly the resources it does not. */
async function expectComplement(
  app: TestApp,
  resource: string,
  scope: string,
  all: ReadonlySet<string>,
  filter: string,
): Promise<void> {
  const matched = await ids(app, resource, scope, filter);
  const unmatched = await ids(app, resource, scope, `not (${filter})`);
  expect(
    [...matched].filter((id) => unmatched.has(id)),
    filter,
  ).toEqual([]);
  expect(matched.size + unmatched.size, filter).toBe(all.size);
}

describe.each(STORE_KINDS)('filter shapes answer on both stores (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('user filters on groups, emails, other elements and profile values: 200, and not is the complement', async () => {
    const app = getApp();
    const tag = unique('shape');
    const full = await createUser(app, `${tag}-full`, {
      title: 'Engineer',
      name: { givenName: 'Ada', familyName: 'Lovelace', middleName: 'King' },
      emails: [
        { value: `${tag}-full@example.com`, type: 'work', primary: true, display: 'Work' },
        { value: `${tag}-home@example.com`, type: 'home' },
      ],
      phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }],
      addresses: [{ streetAddress: '1 Main St', type: 'work', primary: true }],
      [ENTERPRISE_SCHEMA]: {
        department: 'R&D',
        employeeNumber: '42',
        manager: { value: 'boss' },
      },
    });
    const bare = await createUser(app, `${tag}-bare`, { name: undefined });
    const grouped = await createUser(app, `${tag}-grouped`);
    await createGroup(app, `${tag} shape group`, [full.id, grouped.id]);
    const scope = `userName sw "${tag}-"`;
    const all = await ids(app, 'Users', scope, 'id pr');
    expect(all).toEqual(new Set([full.id, bare.id, grouped.id]));

    const failures: string[] = [];
    for (const filter of USER_SHAPES) {
      try {
        await expectComplement(app, 'Users', scope, all, filter);
      } catch (error) {
        failures.push(`${filter}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
    // Spot checks of meaning, not only of answering: every membership is direct.
    expect(await ids(app, 'Users', scope, 'groups[not (type eq "x")]')).toEqual(
      new Set([full.id, grouped.id]),
    );
    expect(await ids(app, 'Users', scope, 'groups[not (type eq "direct")]')).toEqual(new Set());
    expect(await ids(app, 'Users', scope, 'groups.type ne "direct"')).toEqual(new Set());
  });

  it('group filters on members: 200, and not is the complement', async () => {
    const app = getApp();
    const tag = unique('gshape');
    const member = await createUser(app, `${tag}-m`);
    const withMember = await createGroup(app, `${tag} shape with`, [member.id]);
    const empty = await createGroup(app, `${tag} shape empty`);
    const scope = `displayName sw "${tag}"`;
    const all = await ids(app, 'Groups', scope, 'id pr');
    expect(all).toEqual(new Set([withMember.id, empty.id]));

    const failures: string[] = [];
    for (const filter of GROUP_SHAPES) {
      try {
        await expectComplement(app, 'Groups', scope, all, filter);
      } catch (error) {
        failures.push(`${filter}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
    // Every member is a User (the schema's canonical and only type).
    expect(await ids(app, 'Groups', scope, 'members[type eq "User"]')).toEqual(
      new Set([withMember.id]),
    );
  });
});
