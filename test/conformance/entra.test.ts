/**
 * Microsoft Entra ID (non-gallery app) replayed against the real app: Test Connection, the
 * create/lookup/update/disable/delete cycle of idp-behaviour.md §3.1–§3.2 with the quirks of §3.4,
 * §3.5 and §3.7, once in the default PATCH style and once in the `?aadOptscim062020` style (§3.6).
 */
import { expect } from 'vitest';
import {
  ENTERPRISE_SCHEMA,
  PATCH_SCHEMA,
  SCIM,
  type TestResponse,
  USER_SCHEMA,
} from '../helpers/create-test-app.ts';
import { encodedFilter, randomGuid, replay } from './replay.ts';

const MANAGER_PATH = `${ENTERPRISE_SCHEMA}:manager`;

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });

/** The §3.2 create body: explicit `null` for an unmapped attribute, `meta`, `roles: []`. */
function entraCreate(userName: string, externalId: string, given: string, family: string) {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
    externalId,
    userName,
    active: true,
    displayName: `${given} ${family}`,
    emails: [{ primary: true, type: 'work', value: userName }],
    name: { formatted: `${given} ${family}`, givenName: given, familyName: family },
    title: null,
    meta: { resourceType: 'User' },
    roles: [],
  };
}

/** Entra's validator form of a lookup: `+` for spaces, raw quotes, `@` as %40 (§2.5, §3.2). */
const byUserName = (userName: string) => `filter=userName+eq+"${userName.replace('@', '%40')}"`;

const managerOf = (response: TestResponse) => response.body?.[ENTERPRISE_SCHEMA]?.manager;

// §3.2 create, §3.5 quirks and §3.7 validator tests, without the compatibility flag.
replay(
  'Entra ID default PATCH style (idp-behaviour.md §3.1, §3.2, §3.5, §3.7)',
  [
    {
      step: 'Test Connection: lookup with a random GUID answers 200 with an empty ListResponse',
      method: 'GET',
      path: `${SCIM}/Users?filter=userName+eq+"{{guid}}"`,
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
    {
      step: 'matching: userName lookup before create finds nothing',
      method: 'GET',
      path: `${SCIM}/Users?${byUserName('Ada.Lovelace@example.com')}`,
      expect: { status: 200, list: { totalResults: 0, ids: [] } },
    },
    {
      step: 'create with "title": null, meta and roles: [] → 201 echoing values as sent',
      method: 'POST',
      path: `${SCIM}/Users`,
      body: entraCreate('Ada.Lovelace@example.com', 'ada', 'Ada', 'Lovelace'),
      expect: {
        status: 201,
        body: {
          schemas: expect.arrayContaining([USER_SCHEMA]),
          externalId: 'ada',
          userName: 'Ada.Lovelace@example.com',
          active: true,
          displayName: 'Ada Lovelace',
          emails: [{ primary: true, type: 'work', value: 'Ada.Lovelace@example.com' }],
          name: { formatted: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace' },
          meta: { resourceType: 'User', created: expect.any(String) },
        },
        absent: ['title'],
      },
      save: { id: (r) => r.body.id },
    },
    {
      step: 'validator "create duplicate": same userName in another case → 409 uniqueness',
      method: 'POST',
      path: `${SCIM}/Users`,
      body: entraCreate('ada.lovelace@EXAMPLE.com', 'ada-2', 'Ada', 'Lovelace'),
      expect: { status: 409, scimType: 'uniqueness' },
    },
    {
      step: 'eq is exact, not a prefix match: userName eq "Ada.Lovelace" finds nothing',
      method: 'GET',
      path: `${SCIM}/Users?filter=userName+eq+"Ada.Lovelace"`,
      expect: { status: 200, list: { totalResults: 0, ids: [] } },
    },
    {
      step: 'lookup by userName+eq+"…%40…" (plus for space, raw quotes) finds the user',
      method: 'GET',
      path: `${SCIM}/Users?${byUserName('Ada.Lovelace@example.com')}`,
      expect: {
        status: 200,
        list: { totalResults: 1, startIndex: 1, itemsPerPage: 1, ids: ['{{id}}'] },
        body: { Resources: [{ userName: 'Ada.Lovelace@example.com', externalId: 'ada' }] },
      },
    },
    {
      step: 'lookup by externalId eq "ada"',
      method: 'GET',
      path: `${SCIM}/Users?filter=externalId%20eq%20"ada"`,
      expect: { status: 200, list: { totalResults: 1, ids: ['{{id}}'] } },
    },
    {
      step: 'externalId is case-exact: externalId eq "ADA" finds nothing',
      method: 'GET',
      path: `${SCIM}/Users?filter=externalId%20eq%20"ADA"`,
      expect: { status: 200, list: { totalResults: 0, ids: [] } },
    },
    {
      step: 'lookup by emails[type eq "work"].value eq "…"',
      method: 'GET',
      path: `${SCIM}/Users?${encodedFilter('emails[type eq "work"].value eq "Ada.Lovelace@example.com"')}`,
      expect: { status: 200, list: { totalResults: 1, ids: ['{{id}}'] } },
    },
    {
      step: 'validator "filter with different case" finds the user, userName as stored',
      method: 'GET',
      path: `${SCIM}/Users?${byUserName('aDA.LOVELACE@EXAMPLE.COM')}`,
      expect: {
        status: 200,
        list: { totalResults: 1, ids: ['{{id}}'] },
        body: { Resources: [{ userName: 'Ada.Lovelace@example.com' }] },
      },
    },
    {
      step: 'GET /Users/{id}',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: {
        status: 200,
        body: { id: '{{id}}', userName: 'Ada.Lovelace@example.com', active: true },
        absent: ['title'],
      },
    },
    {
      step: 'update (§3.2): one capitalised Replace per attribute: work email, familyName, userName',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'Ada.King@example.com' },
        { op: 'Replace', path: 'name.familyName', value: 'King' },
        { op: 'Replace', path: 'userName', value: 'Ada.King@example.com' },
      ),
      expect: {
        status: 200,
        body: {
          id: '{{id}}',
          userName: 'Ada.King@example.com',
          name: { givenName: 'Ada', familyName: 'King' },
          emails: [{ primary: true, type: 'work', value: 'Ada.King@example.com' }],
          active: true,
        },
      },
    },
    {
      step: 'Add to the single-valued nickName sets it',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Add', path: 'nickName', value: 'Babs' }),
      expect: { status: 200, body: { nickName: 'Babs' } },
    },
    {
      step: 'Add to nickName again replaces it (single-valued)',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Add', path: 'nickName', value: 'Countess' }),
      expect: { status: 200, body: { nickName: 'Countess' } },
    },
    {
      step: 'validator: Replace emails[type eq "work"].primary with "True" is accepted',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'emails[type eq "work"].primary', value: 'True' }),
      expect: {
        status: 200,
        body: { emails: [{ primary: true, type: 'work', value: 'Ada.King@example.com' }] },
      },
    },
    {
      step: 'validator: Replace emails[type eq "work"].display is accepted',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'emails[type eq "work"].display', value: 'Ada King' }),
      expect: {
        status: 200,
        body: { emails: [{ primary: true, type: 'work', value: 'Ada.King@example.com' }] },
      },
    },
    {
      step: 'Add phoneNumbers[type eq "mobile"].value with no phone creates it',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({
        op: 'Add',
        path: 'phoneNumbers[type eq "mobile"].value',
        value: '+1 555 0100',
      }),
      expect: { status: 200, body: { phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }] } },
    },
    {
      step: 'Replace addresses[type eq "work"].streetAddress with no address creates it',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({
        op: 'Replace',
        path: 'addresses[type eq "work"].streetAddress',
        value: '12 St James Square',
      }),
      expect: {
        status: 200,
        body: { addresses: [{ type: 'work', streetAddress: '12 St James Square' }] },
      },
    },
    {
      step: 'legacy value wrapping: Replace displayName with [{"$ref":null,"value":…}]',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({
        op: 'Replace',
        path: 'displayName',
        value: [{ $ref: null, value: 'Ada Lovelace King' }],
      }),
      expect: { status: 200, body: { displayName: 'Ada Lovelace King' } },
    },
    {
      step: 'validator "remove attributes": Remove nickName',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Remove', path: 'nickName' }),
      expect: { status: 200, absent: ['nickName'] },
    },
    {
      step: 'Add nickName back for the later steps',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Add', path: 'nickName', value: 'Countess' }),
      expect: { status: 200, body: { nickName: 'Countess' } },
    },
    {
      step: 'gallery "direct PATCH read-back": one Replace per single-valued attribute',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch(
        { op: 'Replace', path: 'name.middleName', value: 'Augusta' },
        { op: 'Replace', path: 'name.honorificPrefix', value: 'Countess' },
        { op: 'Replace', path: 'profileUrl', value: 'https://profiles.example.com/ada' },
        { op: 'Replace', path: 'userType', value: 'Employee' },
        { op: 'Replace', path: 'preferredLanguage', value: 'en-GB' },
        { op: 'Replace', path: 'locale', value: 'en-GB' },
        { op: 'Replace', path: 'timezone', value: 'Europe/London' },
        { op: 'Replace', path: `${ENTERPRISE_SCHEMA}:employeeNumber`, value: '1815' },
        { op: 'Replace', path: `${ENTERPRISE_SCHEMA}:costCenter`, value: 'CC-42' },
        { op: 'Replace', path: `${ENTERPRISE_SCHEMA}:organization`, value: 'Analytical Engines' },
        { op: 'Replace', path: `${ENTERPRISE_SCHEMA}:division`, value: 'Computing' },
        { op: 'Replace', path: `${ENTERPRISE_SCHEMA}:department`, value: 'Mathematics' },
      ),
      expect: {
        status: 200,
        body: {
          schemas: expect.arrayContaining([USER_SCHEMA, ENTERPRISE_SCHEMA]),
          name: {
            givenName: 'Ada',
            familyName: 'King',
            middleName: 'Augusta',
            honorificPrefix: 'Countess',
          },
          profileUrl: 'https://profiles.example.com/ada',
          userType: 'Employee',
          preferredLanguage: 'en-GB',
          locale: 'en-GB',
          timezone: 'Europe/London',
          [ENTERPRISE_SCHEMA]: {
            employeeNumber: '1815',
            costCenter: 'CC-42',
            organization: 'Analytical Engines',
            division: 'Computing',
            department: 'Mathematics',
          },
        },
      },
    },
    {
      step: 'gallery "direct PATCH read-back": GET returns every attribute set',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: {
        status: 200,
        body: {
          name: { middleName: 'Augusta', honorificPrefix: 'Countess' },
          timezone: 'Europe/London',
          [ENTERPRISE_SCHEMA]: { employeeNumber: '1815', department: 'Mathematics' },
        },
      },
    },
    {
      step: 'a path prefixed with the core User URN: …:core:2.0:User:name.givenName',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: `${USER_SCHEMA}:name.givenName`, value: 'Augusta Ada' }),
      expect: { status: 200, body: { name: { givenName: 'Augusta Ada', familyName: 'King' } } },
    },
    {
      step: 'attribute names in paths are case-insensitive: Replace "Name.GivenName"',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'Name.GivenName', value: 'Ada' }),
      expect: { status: 200, body: { name: { givenName: 'Ada', familyName: 'King' } } },
    },
    {
      step: 'create a second user, without emails (userName is the address)',
      method: 'POST',
      path: `${SCIM}/Users`,
      body: {
        schemas: [USER_SCHEMA],
        externalId: 'grace',
        userName: 'Grace.Hopper@example.com',
        active: true,
        name: { givenName: 'Grace', familyName: 'Hopper' },
        roles: [],
      },
      expect: { status: 201, body: { userName: 'Grace.Hopper@example.com', active: true } },
      save: { graceId: (r) => r.body.id },
    },
    {
      step: 'Replace emails[type eq "work"].value with no work email creates it (create-on-absent)',
      method: 'PATCH',
      path: `${SCIM}/Users/{{graceId}}`,
      body: patch({
        op: 'Replace',
        path: 'emails[type eq "work"].value',
        value: 'Grace.Hopper@example.com',
      }),
      expect: {
        status: 200,
        body: { emails: [{ type: 'work', value: 'Grace.Hopper@example.com' }] },
      },
    },
    {
      step: 'a third user without emails',
      method: 'POST',
      path: `${SCIM}/Users`,
      body: {
        schemas: [USER_SCHEMA],
        externalId: 'mary',
        userName: 'Mary.Somerville@example.com',
        active: true,
        name: { givenName: 'Mary', familyName: 'Somerville' },
      },
      expect: { status: 201, body: { userName: 'Mary.Somerville@example.com' } },
      save: { maryId: (r) => r.body.id },
    },
    {
      step: 'Add (not Replace) emails[type eq "work"].value with no work email creates it too',
      method: 'PATCH',
      path: `${SCIM}/Users/{{maryId}}`,
      body: patch({
        op: 'Add',
        path: 'emails[type eq "work"].value',
        value: 'Mary.Somerville@example.com',
      }),
      expect: {
        status: 200,
        body: { emails: [{ type: 'work', value: 'Mary.Somerville@example.com' }] },
      },
    },
    {
      step: 'manager as a bare string under the enterprise URN path',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Add', path: MANAGER_PATH, value: '{{graceId}}' }),
      expect: {
        status: 200,
        body: {
          schemas: expect.arrayContaining([USER_SCHEMA, ENTERPRISE_SCHEMA]),
          [ENTERPRISE_SCHEMA]: { manager: { value: '{{graceId}}' } },
        },
      },
    },
    {
      step: 'manager change to an id Roster cannot resolve does not fail the request',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: MANAGER_PATH, value: '5399' }),
      expect: { status: 200, body: { id: '{{id}}' } },
    },
    {
      step: 'manager as {"value": …} (object form) is accepted',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: MANAGER_PATH, value: { value: '{{maryId}}' } }),
      expect: {
        status: 200,
        body: { [ENTERPRISE_SCHEMA]: { manager: { value: '{{maryId}}' } } },
      },
    },
    {
      step: 'manager in the older documented form: Add path manager, [{"$ref":…,"value":…}]',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({
        op: 'Add',
        path: 'manager',
        value: [{ $ref: 'Users/{{graceId}}', value: '{{graceId}}' }],
      }),
      expect: {
        status: 200,
        body: { [ENTERPRISE_SCHEMA]: { manager: { value: '{{graceId}}' } } },
      },
    },
    {
      step: 'manager removal with Remove',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Remove', path: MANAGER_PATH }),
      expect: { status: 200, check: (r) => expect(managerOf(r)).toBeUndefined() },
    },
    {
      step: 'manager set again (bare string)',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: MANAGER_PATH, value: '{{graceId}}' }),
      expect: {
        status: 200,
        body: { [ENTERPRISE_SCHEMA]: { manager: { value: '{{graceId}}' } } },
      },
    },
    {
      step: 'manager removal with a Replace of an empty value',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: MANAGER_PATH, value: '' }),
      expect: { status: 200, check: (r) => expect(managerOf(r)).toBeUndefined() },
    },
    {
      step: 'null-update test: set title',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'title', value: 'Analyst' }),
      expect: { status: 200, body: { title: 'Analyst' } },
    },
    {
      step: 'null-update test: Replace title with "" unassigns it',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'title', value: '' }),
      expect: { status: 200, absent: ['title'] },
    },
    {
      step: 'null-update test: GET reads title back empty',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 200, absent: ['title'] },
    },
    {
      step: 'null-update test: set title again',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'title', value: 'Analyst' }),
      expect: { status: 200, body: { title: 'Analyst' } },
    },
    {
      step: 'null-update test: Replace title with null unassigns it',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'title', value: null }),
      expect: { status: 200, absent: ['title'] },
    },
    {
      step: 'null-update test: GET reads title back empty; version before the empty PATCH',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 200, absent: ['title'], body: { nickName: 'Countess' } },
      save: { version: (r) => r.body.meta.version },
    },
    {
      step: 'PATCH with an empty Operations array → 200 with the unchanged resource',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch(),
      expect: {
        status: 200,
        body: {
          id: '{{id}}',
          userName: 'Ada.King@example.com',
          nickName: 'Countess',
          active: true,
          meta: { version: '{{version}}' },
        },
      },
    },
    {
      step: 'role PATCH with a JSON document inside a string (§3.4) is accepted',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({
        op: 'Add',
        path: 'roles',
        value: [
          {
            value:
              '{"id":"3f2b0c1e-7d1a-4c55-9a43-0b6f6f6f2a11","value":"SalesRep","displayName":"Sales Rep"}',
          },
        ],
      }),
      expect: { status: 200, body: { id: '{{id}}', userName: 'Ada.King@example.com' } },
    },
    {
      step: 'SingleAppRoleAssignment: Add roles[primary eq "True"].value is accepted',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Add', path: 'roles[primary eq "True"].value', value: 'SalesRep' }),
      expect: { status: 200, body: { id: '{{id}}', active: true } },
    },
    {
      step: 'AssertiveAppRoleAssignmentsComplex: replace roles with full objects is accepted',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({
        op: 'replace',
        path: 'roles',
        value: [
          {
            primary: false,
            type: 'WindowsAzureActiveDirectoryRole',
            display: 'Sales Rep',
            value: 'SalesRep',
          },
        ],
      }),
      expect: { status: 200, body: { id: '{{id}}', active: true } },
    },
    {
      step: 'group probe: GET /Groups?excludedAttributes=members&filter=displayName eq → empty',
      method: 'GET',
      path: `${SCIM}/Groups?excludedAttributes=members&filter=displayName+eq+"Sales%20EMEA"`,
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
    {
      step: 'group create (empty members, extra Entra URN) → 201',
      method: 'POST',
      path: `${SCIM}/Groups`,
      body: {
        schemas: [
          'urn:ietf:params:scim:schemas:core:2.0:Group',
          'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
        ],
        externalId: '8aa1a0c0-c4c3-4bc0-a4a5-2b7b2c4e9b1f',
        displayName: 'Sales EMEA',
        members: [],
      },
      expect: {
        status: 201,
        body: { displayName: 'Sales EMEA', externalId: '8aa1a0c0-c4c3-4bc0-a4a5-2b7b2c4e9b1f' },
        absent: ['members'],
      },
    },
    {
      step: 'GET /Groups/{id}?excludedAttributes=members of an unknown group → 404',
      method: 'GET',
      path: `${SCIM}/Groups/{{guid}}?excludedAttributes=members`,
      expect: { status: 404, body: { status: '404' } },
    },
    {
      step: 'disable: Replace active with the string "False"',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'active', value: 'False' }),
      expect: { status: 200, body: { id: '{{id}}', active: false } },
    },
    {
      step: 'validator "disable user": GET shows active: false',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 200, body: { id: '{{id}}', active: false } },
    },
    {
      step: 'validator "disable user": the filter still returns the user with active: false',
      method: 'GET',
      path: `${SCIM}/Users?${byUserName('Ada.King@example.com')}`,
      expect: {
        status: 200,
        list: { totalResults: 1, ids: ['{{id}}'] },
        body: { Resources: [{ active: false }] },
      },
    },
    {
      step: 'Entra keeps updating disabled users: Replace displayName succeeds, still disabled',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'displayName', value: 'Ada King' }),
      expect: { status: 200, body: { displayName: 'Ada King', active: false } },
    },
    {
      step: 'reactivate: Replace active with the string "True"',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'active', value: 'True' }),
      expect: { status: 200, body: { active: true } },
    },
    {
      step: 'soft delete in Entra: disable again',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'active', value: 'False' }),
      expect: { status: 200, body: { active: false } },
    },
    {
      step: 'hard delete (30 days later): DELETE → 204',
      method: 'DELETE',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 204 },
    },
    {
      step: 'after DELETE, GET /Users/{id} → 404',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 404, body: { status: '404' } },
    },
    {
      step: 'after DELETE, the userName lookup finds nothing',
      method: 'GET',
      path: `${SCIM}/Users?${byUserName('Ada.King@example.com')}`,
      expect: { status: 200, list: { totalResults: 0, ids: [] } },
    },
    {
      step: 'a later POST with the same email adopts the deprovisioned user: 201, SAME id',
      method: 'POST',
      path: `${SCIM}/Users`,
      body: entraCreate('Ada.King@example.com', 'ada', 'Ada', 'King'),
      expect: {
        status: 201,
        body: {
          id: '{{id}}',
          userName: 'Ada.King@example.com',
          externalId: 'ada',
          name: { givenName: 'Ada', familyName: 'King' },
          active: true,
        },
      },
    },
    {
      step: 'the adopted user is readable again, active',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 200, body: { id: '{{id}}', active: true } },
    },
  ],
  { vars: { guid: randomGuid() } },
);

/** §3.7 gallery validation: `GET /Users?startIndex=N&count=5` over ≥2 pages. */
const PAGED_USERS = 7;

replay('Entra ID gallery pagination test (idp-behaviour.md §3.7)', [
  {
    step: `provision ${PAGED_USERS} users`,
    run: async (app, vars) => {
      const ids: string[] = [];
      for (let i = 0; i < PAGED_USERS; i++) {
        const response = await app.request('POST', `${SCIM}/Users`, {
          body: entraCreate(`Paged.User${i}@example.com`, `paged-${i}`, 'Paged', `User${i}`),
        });
        expect(response.status, response.text).toBe(201);
        ids.push(response.body.id);
      }
      vars.allIds = ids;
    },
  },
  {
    step: 'page 1: startIndex=1&count=5',
    method: 'GET',
    path: `${SCIM}/Users?startIndex=1&count=5`,
    expect: { status: 200, list: { totalResults: PAGED_USERS, startIndex: 1, itemsPerPage: 5 } },
    save: { page1: (r) => r.body.Resources.map((u: { id: string }) => u.id) },
  },
  {
    step: 'page 2: startIndex=6&count=5 answers startIndex 6 and the remaining users',
    method: 'GET',
    path: `${SCIM}/Users?startIndex=6&count=5`,
    expect: {
      status: 200,
      list: { totalResults: PAGED_USERS, startIndex: 6, itemsPerPage: PAGED_USERS - 5 },
      check: ({ body }, vars) => {
        const all = [
          ...(vars.page1 as string[]),
          ...body.Resources.map((u: { id: string }) => u.id),
        ];
        expect([...all].sort()).toEqual([...(vars.allIds as string[])].sort());
      },
    },
  },
  {
    step: 'page 3: startIndex=11&count=5 is empty, startIndex 11',
    method: 'GET',
    path: `${SCIM}/Users?startIndex=11&count=5`,
    expect: {
      status: 200,
      list: { totalResults: PAGED_USERS, startIndex: 11, itemsPerPage: 0, ids: [] },
    },
  },
]);

/** With the flag on the Tenant URL, Entra's requests carry it; Roster must ignore it (§2.5). */
const FLAG = 'aadOptscim062020';

// §3.6 table, right-hand column: the same cycle with the compatibility flag.
replay(
  'Entra ID ?aadOptscim062020 style (idp-behaviour.md §3.6)',
  [
    {
      step: 'Test Connection with the flag on the URL: random GUID → 200 empty ListResponse',
      method: 'GET',
      path: `${SCIM}/Users?${FLAG}&filter=userName+eq+"{{guid}}"`,
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
    {
      step: 'create → 201, Location = meta.location (no flag in it)',
      method: 'POST',
      path: `${SCIM}/Users?${FLAG}`,
      body: entraCreate('Katherine.Johnson@example.com', 'kjohnson', 'Katherine', 'Johnson'),
      expect: {
        status: 201,
        body: {
          userName: 'Katherine.Johnson@example.com',
          externalId: 'kjohnson',
          active: true,
        },
        absent: ['title'],
        check: (r) => expect(r.headers.get('location')).not.toContain(FLAG),
      },
      save: { id: (r) => r.body.id },
    },
    {
      step: 'lookup by userName with the flag',
      method: 'GET',
      path: `${SCIM}/Users?${FLAG}&${byUserName('Katherine.Johnson@example.com')}`,
      expect: { status: 200, list: { totalResults: 1, ids: ['{{id}}'] } },
    },
    {
      step: 'GET /Users/{id}?aadOptscim062020',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}?${FLAG}`,
      expect: { status: 200, body: { id: '{{id}}', userName: 'Katherine.Johnson@example.com' } },
    },
    {
      step: 'one path-less replace with dotted and URN keys, plus the filtered email path op',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}?${FLAG}`,
      body: patch(
        {
          op: 'replace',
          value: {
            displayName: 'Katherine Goble',
            'name.givenName': 'Katherine',
            'name.familyName': 'Goble',
            [`${ENTERPRISE_SCHEMA}:employeeNumber`]: '7001',
          },
        },
        {
          op: 'replace',
          path: 'emails[type eq "work"].value',
          value: 'Katherine.Goble@example.com',
        },
      ),
      expect: {
        status: 200,
        body: {
          id: '{{id}}',
          userName: 'Katherine.Johnson@example.com',
          displayName: 'Katherine Goble',
          name: { givenName: 'Katherine', familyName: 'Goble' },
          emails: [{ primary: true, type: 'work', value: 'Katherine.Goble@example.com' }],
          schemas: expect.arrayContaining([USER_SCHEMA, ENTERPRISE_SCHEMA]),
          [ENTERPRISE_SCHEMA]: { employeeNumber: '7001' },
          active: true,
        },
        absent: ['name.givenName', 'name.familyName', `${ENTERPRISE_SCHEMA}:employeeNumber`],
      },
    },
    {
      step: 'lowercase add to the single-valued nickName',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}?${FLAG}`,
      body: patch({ op: 'add', path: 'nickName', value: 'Kathy' }),
      expect: { status: 200, body: { nickName: 'Kathy' } },
    },
    {
      step: 'roles PATCH aligned with POST (objects) is accepted',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}?${FLAG}`,
      body: patch({
        op: 'add',
        path: 'roles',
        value: [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'SalesRep' }],
      }),
      expect: { status: 200, body: { id: '{{id}}', active: true } },
    },
    {
      step: 'disable: lowercase replace of active with a real boolean false',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}?${FLAG}`,
      body: patch({ op: 'replace', path: 'active', value: false }),
      expect: { status: 200, body: { id: '{{id}}', active: false } },
    },
    {
      step: 'GET shows active: false',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}?${FLAG}`,
      expect: { status: 200, body: { active: false } },
    },
    {
      step: 'filter shows active: false',
      method: 'GET',
      path: `${SCIM}/Users?${FLAG}&${byUserName('Katherine.Johnson@example.com')}`,
      expect: {
        status: 200,
        list: { totalResults: 1, ids: ['{{id}}'] },
        body: { Resources: [{ active: false }] },
      },
    },
    {
      step: 'reactivate with a real boolean true',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}?${FLAG}`,
      body: patch({ op: 'replace', path: 'active', value: true }),
      expect: { status: 200, body: { active: true } },
    },
    {
      step: 'empty Operations → 200 with the resource',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}?${FLAG}`,
      body: patch(),
      expect: { status: 200, body: { id: '{{id}}', nickName: 'Kathy', active: true } },
    },
    {
      step: 'DELETE /Users/{id}?aadOptscim062020 → 204',
      method: 'DELETE',
      path: `${SCIM}/Users/{{id}}?${FLAG}`,
      expect: { status: 204 },
    },
    {
      step: 'after DELETE, GET → 404',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}?${FLAG}`,
      expect: { status: 404 },
    },
    {
      step: 'a later POST with the same email → 201 with the SAME id',
      method: 'POST',
      path: `${SCIM}/Users?${FLAG}`,
      body: entraCreate('Katherine.Goble@example.com', 'kjohnson', 'Katherine', 'Goble'),
      expect: {
        status: 201,
        body: { id: '{{id}}', userName: 'Katherine.Goble@example.com', active: true },
      },
    },
  ],
  { vars: { guid: randomGuid() } },
);
