/**
 * PATCH behaviour as a table: each case names the RFC 7644 section or the identity provider that
 * sends the form (see `/work/shared/research/idp-behaviour.md`). Run by `apply-patch.test.ts`.
 */
import type { ScimType } from '../errors.ts';
import type { Resource } from '../resources/normalize-resource.ts';
import { ENTERPRISE_USER_SCHEMA as ENTERPRISE } from '../schemas/enterprise-user.ts';
import { USER_SCHEMA as CORE } from '../schemas/user.ts';
import { PATCH_OP_SCHEMA } from './patch-operation.ts';

export { CORE, ENTERPRISE };

/** A stored user, canonical, with every attribute kind the cases need. */
export const BASE_USER: Resource = {
  schemas: [CORE, ENTERPRISE],
  id: '5401',
  externalId: 'ada',
  meta: {
    resourceType: 'User',
    created: '2026-11-02T10:15:00.000Z',
    lastModified: '2026-11-02T10:15:00.000Z',
    location: 'https://scim.example.test/scim/v2/Users/5401',
    version: 'W/"3"',
  },
  userName: 'Ada.Lovelace@contoso.example',
  name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
  displayName: 'Ada Lovelace',
  title: 'Analyst',
  active: true,
  emails: [{ value: 'Ada.Lovelace@contoso.example', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
  groups: [{ value: 'g1', display: 'Admins', type: 'direct' }],
  roles: [
    { value: 'Sales Rep', display: 'Sales Rep', primary: true },
    { value: 'Admin', display: 'Administrator' },
  ],
  [ENTERPRISE]: {
    employeeNumber: '1001',
    department: 'Engineering',
    manager: { value: '5399', $ref: '../Users/5399', displayName: 'Charles Babbage' },
  },
};

const baseEnterprise = BASE_USER[ENTERPRISE] as Record<string, unknown>;

/**
 * BASE_USER with changes: a key set to undefined is unassigned. `enterprise` changes the
 * extension the same way (null removes it); `schemas` follows.
 */
export function user(
  core: Record<string, unknown> = {},
  enterprise: Record<string, unknown> | null = {},
): Resource {
  const out: Resource = { ...BASE_USER, ...core };
  const extension = enterprise === null ? {} : { ...baseEnterprise, ...enterprise };
  for (const key of Object.keys(extension)) if (extension[key] === undefined) delete extension[key];
  if (Object.keys(extension).length === 0) {
    delete out[ENTERPRISE];
    out.schemas = [CORE];
  } else {
    out[ENTERPRISE] = extension;
  }
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

export type PatchExpectation =
  | { readonly resource: Resource; readonly changed: boolean }
  | { readonly error: ScimType; readonly detail?: string };

export interface PatchCase {
  readonly name: string;
  /** The RFC section or the IdP that sends this form. */
  readonly source: string;
  /** Defaults to BASE_USER. */
  readonly resource?: Resource;
  /** Wrapped in a PatchOp body unless `body` is given. */
  readonly operations?: readonly unknown[];
  readonly body?: unknown;
  readonly expect: PatchExpectation;
}

const unchanged = { resource: BASE_USER, changed: false } as const;
const changedTo = (resource: Resource) => ({ resource, changed: true }) as const;
const managerPath = `${ENTERPRISE}:manager`;
const inactive = user({ active: false });

export const patchCases: readonly PatchCase[] = [
  // ── Body structure ────────────────────────────────────────────────────────────────────────
  {
    name: 'empty Operations → success, unchanged',
    source: 'Entra scimvalidator (scimmyjs/scimmy#59)',
    operations: [],
    expect: unchanged,
  },
  {
    name: 'schemas may be absent',
    source: 'lenience; RFC 7644 §3.5.2 lists it, several clients omit it',
    body: { Operations: [{ op: 'replace', path: 'title', value: 'Countess' }] },
    expect: changedTo(user({ title: 'Countess' })),
  },
  {
    name: 'structural keys are case-insensitive (operations, OP, PATH, VALUE)',
    source: 'Entra docs: "don\'t require a case-sensitive match on structural elements"',
    body: {
      schemas: [PATCH_OP_SCHEMA],
      operations: [{ OP: 'replace', PATH: 'title', VALUE: 'X' }],
    },
    expect: changedTo(user({ title: 'X' })),
  },
  {
    name: 'schemas without the PatchOp URN → invalidSyntax',
    source: 'RFC 7644 §3.5.2',
    body: { schemas: [CORE], Operations: [] },
    expect: { error: 'invalidSyntax', detail: PATCH_OP_SCHEMA },
  },
  {
    name: 'body not an object → invalidSyntax',
    source: 'RFC 7644 §3.5.2',
    body: [{ op: 'add' }],
    expect: { error: 'invalidSyntax', detail: 'must be a JSON object' },
  },
  {
    name: 'Operations missing → invalidSyntax',
    source: 'RFC 7644 §3.5.2',
    body: { schemas: [PATCH_OP_SCHEMA] },
    expect: { error: 'invalidSyntax', detail: "'Operations'" },
  },
  {
    name: 'Operations not an array → invalidSyntax',
    source: 'RFC 7644 §3.5.2',
    body: { schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } },
    expect: { error: 'invalidSyntax', detail: 'must be an array' },
  },
  {
    name: 'operation without op → invalidSyntax',
    source: 'RFC 7644 §3.5.2',
    operations: [{ path: 'title', value: 'x' }],
    expect: { error: 'invalidSyntax', detail: 'Operations[0].op' },
  },
  {
    name: 'unknown op → invalidSyntax naming it',
    source: 'RFC 7644 §3.5.2',
    operations: [
      { op: 'replace', path: 'title', value: 'x' },
      { op: 'merge', path: 'title', value: 'y' },
    ],
    expect: { error: 'invalidSyntax', detail: 'Operations[1].op' },
  },
  {
    name: 'op in capitals (ADD) works',
    source: 'checklist 31',
    operations: [{ op: 'ADD', path: 'nickName', value: 'Babs' }],
    expect: changedTo(user({ nickName: 'Babs' })),
  },
  {
    name: 'add without value → invalidValue',
    source: 'RFC 7644 §3.5.2.1',
    operations: [{ op: 'add', path: 'title' }],
    expect: { error: 'invalidValue' },
  },

  // ── Paths ─────────────────────────────────────────────────────────────────────────────────
  {
    name: 'unparseable path → invalidPath with the parser message',
    source: 'checklist 42',
    operations: [{ op: 'replace', path: 'emails[type eq', value: 'x' }],
    expect: { error: 'invalidPath', detail: "invalid path 'emails[type eq'" },
  },
  {
    name: 'path id → mutability',
    source: 'RFC 7643 §3.1 (readOnly)',
    operations: [{ op: 'replace', path: 'id', value: '1' }],
    expect: { error: 'mutability', detail: "'id'" },
  },
  {
    name: 'path meta.lastModified → mutability',
    source: 'RFC 7643 §3.1 (readOnly)',
    operations: [{ op: 'replace', path: 'meta.lastModified', value: '2026-01-01T00:00:00Z' }],
    expect: { error: 'mutability' },
  },
  {
    name: 'path groups → mutability',
    source: 'RFC 7643 §4.1.2 (groups is readOnly)',
    operations: [{ op: 'add', path: 'groups', value: [{ value: 'g2' }] }],
    expect: { error: 'mutability', detail: "'groups'" },
  },
  {
    name: 'readOnly sub-attribute manager.displayName → mutability',
    source: 'RFC 7643 §4.3',
    operations: [{ op: 'replace', path: `${managerPath}.displayName`, value: 'X' }],
    expect: { error: 'mutability', detail: 'manager.displayName' },
  },
  {
    name: 'unknown attribute path → no-op',
    source: 'Roster decision: like unknown attributes in POST bodies',
    operations: [{ op: 'replace', path: 'favouriteColour', value: 'blue' }],
    expect: unchanged,
  },
  {
    name: 'unknown schema URN prefix → no-op',
    source: 'Roster decision; IdP custom extensions',
    operations: [{ op: 'add', path: 'urn:example:custom:2.0:User:badge', value: '7' }],
    expect: unchanged,
  },
  {
    name: 'value filter on a single-valued attribute → invalidPath',
    source: 'RFC 7644 §3.5.2 (valuePath needs a multi-valued attribute)',
    operations: [{ op: 'replace', path: 'name[givenName eq "Ada"].familyName', value: 'K' }],
    expect: { error: 'invalidPath' },
  },
  {
    name: 'unknown sub-attribute in a value filter → invalidPath',
    source: 'RFC 7644 §3.5.2',
    operations: [{ op: 'replace', path: 'emails[colour eq "red"].value', value: 'x@y' }],
    expect: { error: 'invalidPath', detail: "'colour'" },
  },

  // ── Path-less add/replace ─────────────────────────────────────────────────────────────────
  {
    name: 'path-less replace {"active": false} deactivates',
    source: 'Okta (OIN deactivate), checklist 33',
    operations: [{ op: 'replace', value: { active: false } }],
    expect: changedTo(inactive),
  },
  {
    name: 'path-less replace with dotted and URN keys',
    source: 'Entra with aadOptscim062020, checklist 34',
    operations: [
      {
        op: 'replace',
        value: {
          displayName: 'Ada King',
          'name.givenName': 'Augusta',
          'name.familyName': 'King',
          [`${ENTERPRISE}:employeeNumber`]: '7001',
        },
      },
    ],
    expect: changedTo(
      user(
        {
          displayName: 'Ada King',
          name: { formatted: 'Ada Lovelace', givenName: 'Augusta', familyName: 'King' },
        },
        { employeeNumber: '7001' },
      ),
    ),
  },
  {
    name: 'path-less key with the core URN prefix',
    source: 'Entra with aadOptscim062020, checklist 35',
    operations: [{ op: 'replace', value: { [`${CORE}:name.familyName`]: 'King' } }],
    expect: changedTo(
      user({ name: { formatted: 'Ada Lovelace', givenName: 'Ada', familyName: 'King' } }),
    ),
  },
  {
    name: 'path-less value with an extension URN key and object value',
    source: 'RFC 7644 §3.5.2.1 (value is a resource fragment)',
    operations: [{ op: 'add', value: { [ENTERPRISE]: { department: 'R&D', costCenter: 'CC1' } } }],
    expect: changedTo(user({}, { department: 'R&D', costCenter: 'CC1' })),
  },
  {
    name: 'path-less value with the unchanged id, meta and schemas',
    source: 'Okta (sends {"id": …, "displayName": …})',
    operations: [
      {
        op: 'replace',
        value: { schemas: [CORE], id: '5401', meta: { version: 'W/"9"' }, displayName: 'Ada L.' },
      },
    ],
    expect: changedTo(user({ displayName: 'Ada L.' })),
  },
  {
    name: 'path-less value with a different id → mutability',
    source: 'RFC 7643 §3.1 (id is readOnly)',
    operations: [{ op: 'replace', value: { id: '9999', displayName: 'X' } }],
    expect: { error: 'mutability', detail: "'id'" },
  },
  {
    name: 'path-less value with unknown and unparseable keys: ignored',
    source: 'Entra (http://schemas.microsoft.com/… keys), checklist 14',
    operations: [
      {
        op: 'replace',
        value: {
          'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Attribute': 'x',
          'not a path!': 1,
          favouriteColour: 'blue',
          title: 'Countess',
        },
      },
    ],
    expect: changedTo(user({ title: 'Countess' })),
  },
  {
    name: 'path-less value that is not an object → invalidValue',
    source: 'RFC 7644 §3.5.2.1',
    operations: [{ op: 'replace', value: 'x' }],
    expect: { error: 'invalidValue' },
  },
  {
    name: 'path-less remove → noTarget',
    source: 'RFC 7644 §3.5.2.2, checklist 42',
    operations: [{ op: 'remove' }],
    expect: { error: 'noTarget' },
  },

  // ── Entra default style: capitalised ops, string booleans, one op per attribute ───────────
  {
    name: 'Replace active "False"',
    source: 'Entra default (no flag), checklist 32',
    operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    expect: changedTo(inactive),
  },
  {
    name: 'Replace active "True" reactivates',
    source: 'Entra default, checklist 32',
    resource: inactive,
    operations: [{ op: 'Replace', path: 'active', value: 'True' }],
    expect: changedTo(BASE_USER),
  },
  {
    name: 'one Replace per attribute: work e-mail, familyName, userName',
    source: 'Entra default update, checklist 38',
    operations: [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'ada@contoso.example' },
      { op: 'Replace', path: 'name.familyName', value: 'King' },
      { op: 'Replace', path: 'userName', value: 'ada@contoso.example' },
    ],
    expect: changedTo(
      user({
        userName: 'ada@contoso.example',
        name: { formatted: 'Ada Lovelace', givenName: 'Ada', familyName: 'King' },
        emails: [{ value: 'ada@contoso.example', type: 'work', primary: true }],
      }),
    ),
  },
  {
    name: 'Add on a single-valued attribute replaces it',
    source: 'Entra, RFC 7644 §3.5.2.1, checklist 39',
    operations: [{ op: 'Add', path: 'displayName', value: 'Countess of Lovelace' }],
    expect: changedTo(user({ displayName: 'Countess of Lovelace' })),
  },
  {
    name: 'legacy wrapped value [{"$ref":null,"value":…}] on a simple attribute',
    source: 'Azure/AzureAD-BYOA-Provisioning-Samples#22',
    operations: [{ op: 'Replace', path: 'displayName', value: [{ $ref: null, value: 'Ada' }] }],
    expect: changedTo(user({ displayName: 'Ada' })),
  },
  {
    name: 'JumpCloud: one replace per attribute with boolean false',
    source: 'JumpCloud',
    operations: [
      { op: 'replace', path: 'name.givenName', value: 'Augusta' },
      { op: 'replace', path: 'active', value: false },
    ],
    expect: changedTo(
      user({
        active: false,
        name: { formatted: 'Ada Lovelace', givenName: 'Augusta', familyName: 'Lovelace' },
      }),
    ),
  },
  {
    name: 'invalid boolean → invalidValue naming the attribute',
    source: 'RFC 7644 §3.12',
    operations: [{ op: 'replace', path: 'active', value: 'maybe' }],
    expect: { error: 'invalidValue', detail: `attribute 'active' must be a boolean, got "maybe"` },
  },

  // ── Value paths, create-on-absent ─────────────────────────────────────────────────────────
  {
    name: 'value path sub-attribute: replaces only the matching element',
    source: 'RFC 7644 §3.5.2.3, checklist 36',
    resource: user({
      emails: [
        { value: 'a@work', type: 'work', primary: true },
        { value: 'a@home', type: 'home' },
      ],
    }),
    operations: [{ op: 'replace', path: 'emails[type eq "home"].value', value: 'ada@home' }],
    expect: changedTo(
      user({
        emails: [
          { value: 'a@work', type: 'work', primary: true },
          { value: 'ada@home', type: 'home' },
        ],
      }),
    ),
  },
  {
    name: 'Replace emails[type eq "home"].value creates the element when absent',
    source: 'Entra (create-on-absent), checklist 36',
    operations: [
      { op: 'Replace', path: 'emails[type eq "home"].value', value: 'ada@home.example' },
    ],
    expect: changedTo(
      user({
        emails: [
          { value: 'Ada.Lovelace@contoso.example', type: 'work', primary: true },
          { value: 'ada@home.example', type: 'home' },
        ],
      }),
    ),
  },
  {
    name: 'Add phoneNumbers[type eq "mobile"].value creates the element when absent',
    source: 'Entra, checklist 37',
    operations: [{ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0199' }],
    expect: changedTo(
      user({
        phoneNumbers: [
          { value: '+1 555 0100', type: 'work' },
          { value: '+1 555 0199', type: 'mobile' },
        ],
      }),
    ),
  },
  {
    name: 'addresses[type eq "work"].streetAddress creates an address',
    source: 'Entra, checklist 37',
    operations: [
      { op: 'Replace', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
    ],
    expect: changedTo(user({ addresses: [{ streetAddress: '1 Main St', type: 'work' }] })),
  },
  {
    name: 'create-on-absent from a conjunction of eq, with a string boolean',
    source: 'Entra',
    operations: [
      { op: 'Add', path: 'emails[type eq "home" and primary eq "False"].value', value: 'h@x' },
    ],
    expect: changedTo(
      user({
        emails: [
          { value: 'Ada.Lovelace@contoso.example', type: 'work', primary: true },
          { value: 'h@x', type: 'home', primary: false },
        ],
      }),
    ),
  },
  {
    name: 'no match and a filter that is not an eq conjunction → noTarget',
    source: 'RFC 7644 §3.5.2.3',
    operations: [
      { op: 'replace', path: 'emails[type eq "home" or type eq "other"].value', value: 'x@y' },
    ],
    expect: { error: 'noTarget' },
  },
  {
    name: 'emails[type eq "work"].primary "True" sets primary and clears it elsewhere',
    source: 'Entra validator; RFC 7644 §3.5.2 (one primary)',
    resource: user({
      emails: [
        { value: 'a@home', type: 'home', primary: true },
        { value: 'a@work', type: 'work' },
      ],
    }),
    operations: [{ op: 'Replace', path: 'emails[type eq "work"].primary', value: 'True' }],
    expect: changedTo(
      user({
        emails: [
          { value: 'a@home', type: 'home', primary: false },
          { value: 'a@work', type: 'work', primary: true },
        ],
      }),
    ),
  },
  {
    name: 'emails[type eq "work"].display is stored',
    source: 'Entra validator, checklist 37',
    operations: [{ op: 'Add', path: 'emails[type eq "work"].display', value: 'Work' }],
    expect: changedTo(
      user({
        emails: [
          { value: 'Ada.Lovelace@contoso.example', type: 'work', primary: true, display: 'Work' },
        ],
      }),
    ),
  },
  {
    name: 'emails[type eq "home"].display alone creates nothing (an e-mail needs a value)',
    source: 'Entra validator, checklist 37 ("stored or ignored, not rejected")',
    operations: [{ op: 'Add', path: 'emails[type eq "home"].display', value: 'Home' }],
    expect: unchanged,
  },
  {
    name: 'value path without sub-attribute on replace merges the value into matching elements',
    source: 'RFC 7644 §3.5.2.3',
    operations: [
      { op: 'replace', path: 'emails[type eq "work"]', value: { value: 'new@x', display: 'N' } },
    ],
    expect: changedTo(
      user({ emails: [{ value: 'new@x', type: 'work', primary: true, display: 'N' }] }),
    ),
  },
  {
    name: 'value path without sub-attribute, no match: created',
    source: 'Entra (create-on-absent)',
    operations: [
      { op: 'replace', path: 'phoneNumbers[type eq "mobile"]', value: { value: '+1 555 0199' } },
    ],
    expect: changedTo(
      user({
        phoneNumbers: [
          { value: '+1 555 0100', type: 'work' },
          { value: '+1 555 0199', type: 'mobile' },
        ],
      }),
    ),
  },
  {
    name: 'value path sub-attribute set to "" unassigns it',
    source: 'Entra null-update test',
    operations: [{ op: 'Replace', path: 'roles[value eq "Admin"].display', value: '' }],
    expect: changedTo(
      user({
        roles: [{ value: 'Sales Rep', display: 'Sales Rep', primary: true }, { value: 'Admin' }],
      }),
    ),
  },

  // ── replace with path ─────────────────────────────────────────────────────────────────────
  {
    name: 'replace a multi-valued attribute without filter replaces the list',
    source: 'RFC 7644 §3.5.2.3',
    operations: [{ op: 'replace', path: 'emails', value: [{ value: 'x@y', type: 'other' }] }],
    expect: changedTo(user({ emails: [{ value: 'x@y', type: 'other' }] })),
  },
  {
    name: 'replace a complex attribute replaces only the given sub-attributes',
    source: 'RFC 7644 §3.5.2.3',
    operations: [
      { op: 'replace', path: 'name', value: { givenName: 'Augusta', middleName: 'Ada' } },
    ],
    expect: changedTo(
      user({
        name: {
          formatted: 'Ada Lovelace',
          familyName: 'Lovelace',
          givenName: 'Augusta',
          middleName: 'Ada',
        },
      }),
    ),
  },
  {
    name: 'replace a complex attribute with a null sub-attribute unassigns it',
    source: 'RFC 7643 §2.5, Entra null-update',
    operations: [{ op: 'replace', path: 'name', value: { givenName: null, familyName: 'King' } }],
    expect: changedTo(user({ name: { formatted: 'Ada Lovelace', familyName: 'King' } })),
  },
  {
    name: 'replace name.givenName',
    source: 'RFC 7644 §3.5.2.3',
    operations: [{ op: 'replace', path: 'name.givenName', value: 'Augusta' }],
    expect: changedTo(
      user({ name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Augusta' } }),
    ),
  },
  {
    name: 'core-URN-prefixed path',
    source: 'checklist 35',
    operations: [{ op: 'replace', path: `${CORE}:name.familyName`, value: 'King' }],
    expect: changedTo(
      user({ name: { formatted: 'Ada Lovelace', givenName: 'Ada', familyName: 'King' } }),
    ),
  },
  {
    name: 'extension-URN-prefixed path, attribute name in other case',
    source: 'checklist 35; RFC 7643 §2.1',
    operations: [{ op: 'replace', path: `${ENTERPRISE.toLowerCase()}:DEPARTMENT`, value: 'R&D' }],
    expect: changedTo(user({}, { department: 'R&D' })),
  },
  {
    name: 'extension attribute without its URN',
    source: 'resolveAttribute: unambiguous bare names',
    operations: [{ op: 'replace', path: 'costCenter', value: 'CC7' }],
    expect: changedTo(user({}, { costCenter: 'CC7' })),
  },
  {
    name: 'replace with "" unassigns',
    source: 'Entra SCIM_Null_Update_Test, checklist 40',
    operations: [{ op: 'Replace', path: 'title', value: '' }],
    expect: changedTo(user({ title: undefined })),
  },
  {
    name: 'replace with null unassigns',
    source: 'Entra SCIM_Null_Update_Test, checklist 40',
    operations: [{ op: 'Replace', path: 'title', value: null }],
    expect: changedTo(user({ title: undefined })),
  },
  {
    name: 'replace name.givenName with null removes it',
    source: 'Entra SCIM_Null_Update_Test',
    operations: [{ op: 'Replace', path: 'name.givenName', value: null }],
    expect: changedTo(user({ name: { formatted: 'Ada Lovelace', familyName: 'Lovelace' } })),
  },
  {
    name: 'replace a string attribute with a number converts it',
    source: 'lenience (RFC 7643 §2.3.1 string)',
    operations: [{ op: 'replace', path: `${ENTERPRISE}:employeeNumber`, value: 7001 }],
    expect: changedTo(user({}, { employeeNumber: '7001' })),
  },

  // ── add with path ─────────────────────────────────────────────────────────────────────────
  {
    name: 'add to a multi-valued attribute appends',
    source: 'RFC 7644 §3.5.2.1',
    operations: [{ op: 'add', path: 'emails', value: [{ value: 'a@home', type: 'home' }] }],
    expect: changedTo(
      user({
        emails: [
          { value: 'Ada.Lovelace@contoso.example', type: 'work', primary: true },
          { value: 'a@home', type: 'home' },
        ],
      }),
    ),
  },
  {
    name: 'add a value already present changes nothing',
    source: 'RFC 7644 §3.5.2.1',
    operations: [
      {
        op: 'add',
        path: 'emails',
        value: [{ value: 'Ada.Lovelace@contoso.example', type: 'work' }],
      },
      { op: 'add', path: 'roles', value: { value: 'Admin', display: 'Administrator' } },
    ],
    expect: unchanged,
  },
  {
    name: 'add twice = added once',
    source: 'RFC 7644 §3.5.2.1',
    operations: [
      { op: 'add', path: 'roles', value: ['Support'] },
      { op: 'add', path: 'roles', value: ['Support'] },
    ],
    expect: changedTo(
      user({
        roles: [
          { value: 'Sales Rep', display: 'Sales Rep', primary: true },
          { value: 'Admin', display: 'Administrator' },
          { value: 'Support' },
        ],
      }),
    ),
  },
  {
    name: 'add a primary value clears primary on the others',
    source: 'RFC 7644 §3.5.2',
    operations: [
      { op: 'add', path: 'emails', value: [{ value: 'p@x', type: 'other', primary: 'true' }] },
    ],
    expect: changedTo(
      user({
        emails: [
          { value: 'Ada.Lovelace@contoso.example', type: 'work', primary: false },
          { value: 'p@x', type: 'other', primary: true },
        ],
      }),
    ),
  },
  {
    name: 'add to a complex attribute merges sub-attributes',
    source: 'RFC 7644 §3.5.2.1',
    operations: [{ op: 'add', path: 'name', value: { honorificPrefix: 'Countess' } }],
    expect: changedTo(
      user({
        name: {
          formatted: 'Ada Lovelace',
          familyName: 'Lovelace',
          givenName: 'Ada',
          honorificPrefix: 'Countess',
        },
      }),
    ),
  },
  {
    name: 'add an attribute the user does not have',
    source: 'RFC 7644 §3.5.2.1',
    operations: [{ op: 'add', path: 'locale', value: 'en-GB' }],
    expect: changedTo(user({ locale: 'en-GB' })),
  },

  // ── remove ────────────────────────────────────────────────────────────────────────────────
  {
    name: 'remove a simple attribute',
    source: 'RFC 7644 §3.5.2.2',
    operations: [{ op: 'Remove', path: 'title' }],
    expect: changedTo(user({ title: undefined })),
  },
  {
    name: 'remove a sub-attribute',
    source: 'RFC 7644 §3.5.2.2',
    operations: [{ op: 'remove', path: 'name.givenName' }],
    expect: changedTo(user({ name: { formatted: 'Ada Lovelace', familyName: 'Lovelace' } })),
  },
  {
    name: 'remove a multi-valued attribute without value removes all',
    source: 'RFC 7644 §3.5.2.2',
    operations: [{ op: 'remove', path: 'roles' }],
    expect: changedTo(user({ roles: undefined })),
  },
  {
    name: 'remove with a value array removes only those values',
    source: 'Entra default, JumpCloud (members-style removal)',
    operations: [{ op: 'Remove', path: 'roles', value: [{ value: 'Sales Rep' }] }],
    expect: changedTo(user({ roles: [{ value: 'Admin', display: 'Administrator' }] })),
  },
  {
    name: 'remove with a value that matches nothing changes nothing',
    source: 'Entra default, JumpCloud',
    operations: [{ op: 'Remove', path: 'roles', value: [{ value: 'Nobody' }] }],
    expect: unchanged,
  },
  {
    name: 'remove with an empty value array never empties the list',
    source: 'Roster decision (safety)',
    operations: [{ op: 'remove', path: 'roles', value: [] }],
    expect: unchanged,
  },
  {
    name: 'remove a value path removes the matching elements',
    source: 'RFC 7644 §3.5.2.2; Okta, Entra (flag)',
    operations: [{ op: 'remove', path: 'roles[value eq "Admin"]' }],
    expect: changedTo(
      user({ roles: [{ value: 'Sales Rep', display: 'Sales Rep', primary: true }] }),
    ),
  },
  {
    name: 'remove a value path that matches nothing: success, unchanged',
    source: 'Roster decision (idempotent remove)',
    operations: [{ op: 'remove', path: 'emails[type eq "home"]' }],
    expect: unchanged,
  },
  {
    name: 'remove a sub-attribute of matching elements',
    source: 'RFC 7644 §3.5.2.2',
    operations: [{ op: 'remove', path: 'roles[primary eq true].display' }],
    expect: changedTo(
      user({
        roles: [
          { value: 'Sales Rep', primary: true },
          { value: 'Admin', display: 'Administrator' },
        ],
      }),
    ),
  },
  {
    name: 'remove an unknown attribute → no-op',
    source: 'Roster decision',
    operations: [{ op: 'remove', path: 'favouriteColour' }],
    expect: unchanged,
  },
  {
    name: 'remove userName fails checkRequired',
    source: 'RFC 7643 §4.1.1 (userName REQUIRED), RFC 7644 §3.5.2.2 (mutability)',
    operations: [{ op: 'remove', path: 'userName' }],
    expect: { error: 'mutability', detail: "'userName' is required" },
  },

  // ── Manager (checklist 46) ────────────────────────────────────────────────────────────────
  {
    name: 'manager as a bare string under the URN path',
    source: 'Entra (SCIM-SDK MsAzurePatchComplexValueRebuilder)',
    operations: [{ op: 'Replace', path: managerPath, value: '5400' }],
    expect: changedTo(user({}, { manager: { value: '5400' } })),
  },
  {
    name: 'manager as {"value": …}',
    source: 'RFC 7643 §4.3',
    operations: [{ op: 'replace', path: managerPath, value: { value: '5400' } }],
    expect: changedTo(user({}, { manager: { value: '5400' } })),
  },
  {
    name: 'manager as [{"$ref": …, "value": …}]',
    source: 'Entra (older docs)',
    operations: [{ op: 'Add', path: 'manager', value: [{ $ref: '../Users/5400', value: '5400' }] }],
    expect: changedTo(user({}, { manager: { value: '5400', $ref: '../Users/5400' } })),
  },
  {
    name: 'manager set to the same value: unchanged, displayName kept',
    source: 'Entra (re-sends unchanged attributes)',
    operations: [{ op: 'Replace', path: managerPath, value: '5399' }],
    expect: unchanged,
  },
  {
    name: 'manager.value path',
    source: 'RFC 7644 §3.5.2.3',
    operations: [{ op: 'replace', path: `${managerPath}.value`, value: '5400' }],
    expect: changedTo(user({}, { manager: { value: '5400' } })),
  },
  {
    name: 'manager set to "" unassigns it',
    source: 'Entra gallery manager test (remove as empty replace)',
    operations: [{ op: 'Replace', path: managerPath, value: '' }],
    expect: changedTo(user({}, { manager: undefined })),
  },
  {
    name: 'manager set to null unassigns it',
    source: 'Entra gallery manager test',
    operations: [{ op: 'Replace', path: managerPath, value: null }],
    expect: changedTo(user({}, { manager: undefined })),
  },
  {
    name: 'manager removed',
    source: 'Entra gallery manager test',
    operations: [{ op: 'Remove', path: managerPath }],
    expect: changedTo(user({}, { manager: undefined })),
  },
  {
    name: 'manager set on a user without the extension adds the extension URN to schemas',
    source: 'RFC 7643 §3',
    resource: user({}, null),
    operations: [{ op: 'Add', path: managerPath, value: '5400' }],
    expect: changedTo({
      ...user({}, null),
      schemas: [CORE, ENTERPRISE],
      [ENTERPRISE]: { manager: { value: '5400' } },
    }),
  },
  {
    name: 'removing the whole extension by its URN',
    source: 'RFC 7644 §3.5.2.2',
    operations: [{ op: 'remove', path: ENTERPRISE }],
    expect: changedTo(user({}, null)),
  },
  {
    name: 'removing every extension attribute drops the URN from schemas',
    source: 'RFC 7643 §3',
    operations: [
      { op: 'remove', path: managerPath },
      { op: 'remove', path: 'employeeNumber' },
      { op: 'replace', path: `${ENTERPRISE}:department`, value: null },
    ],
    expect: changedTo(user({}, null)),
  },

  // ── Atomicity (checklist 43) ──────────────────────────────────────────────────────────────
  {
    name: 'a failing second operation fails the request',
    source: 'RFC 7644 §3.5.2 (atomic)',
    operations: [
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'id', value: '1' },
    ],
    expect: { error: 'mutability' },
  },
];
