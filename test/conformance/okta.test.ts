/**
 * Okta (OIN app) replayed against the real app: the SCIM 2.0 SPEC test exactly as
 * idp-behaviour.md §4.4 lists it, then the CRUD cycle of §4.2 (create, GET-then-full-PUT,
 * path-less PATCH deactivate/reactivate, import paging).
 */
import { expect } from 'vitest';
import { PATCH_SCHEMA, SCIM, type TestApp, USER_SCHEMA } from '../helpers/create-test-app.ts';
import { insertAppUser } from '../scim-http/scim-test-kit.ts';
import { encodedFilter, replay, resourceOf, type Vars } from './replay.ts';

/** §4.1: Okta's client identifies itself; §2.1: its spec test asks for SCIM JSON in utf-8. */
const OKTA_HEADERS = {
  'User-Agent': 'Okta SCIM Client 1.0.0',
  Accept: 'application/scim+json',
  'Accept-Charset': 'utf-8',
};
/** §2.1, §4.4 step 6: the spec test POSTs with plain `application/json`. */
const JSON_BODY = { 'Content-Type': 'application/json' };

const suffix = Math.random().toString(36).slice(2, 10);

/** The variables the Runscope/BlazeMeter SPEC test generates (§4.4). */
const specVars: Vars = {
  randomUsername: `Runscope${suffix}@example.com`,
  randomUsernameCaps: `RUNSCOPE${suffix.toUpperCase()}@EXAMPLE.COM`,
  randomEmail: `Runscope${suffix}@example.com`,
  randomGiven: `Given${suffix}`,
  randomFamily: `Family${suffix}`,
  invalidUserEmail: `abcdefgh${suffix}@atko.example`,
  userIdThatDoesNotExist: `010101${suffix}`,
};

const specUser = {
  schemas: [USER_SCHEMA],
  userName: '{{randomUsername}}',
  name: { givenName: '{{randomGiven}}', familyName: '{{randomFamily}}' },
  emails: [{ primary: true, value: '{{randomEmail}}', type: 'work' }],
  displayName: '{{randomGiven}} {{randomFamily}}',
  active: true,
};

const nonEmpty = (value: unknown) => {
  expect(typeof value).toBe('string');
  expect((value as string).length).toBeGreaterThan(0);
};

// §4.4 "Run after creating at least one user".
replay(
  'Okta SCIM 2.0 SPEC test (idp-behaviour.md §4.4)',
  [
    {
      step: 'precondition: one user exists (created the way Okta creates users, §4.2)',
      method: 'POST',
      path: `${SCIM}/Users`,
      headers: JSON_BODY,
      body: {
        schemas: [USER_SCHEMA],
        userName: 'Existing.Okta.User@example.com',
        name: { givenName: 'Existing', familyName: 'User' },
        emails: [{ primary: true, value: 'Existing.Okta.User@example.com', type: 'work' }],
        active: true,
      },
      expect: { status: 201 },
      save: { existingId: (r) => r.body.id },
    },
    {
      step: '1. GET /Users?count=1&startIndex=1 returns one fully populated user',
      method: 'GET',
      path: `${SCIM}/Users?count=1&startIndex=1`,
      expect: {
        status: 200,
        list: { totalResults: 1, startIndex: 1, itemsPerPage: 1, ids: ['{{existingId}}'] },
        body: {
          Resources: [
            {
              userName: 'Existing.Okta.User@example.com',
              name: { givenName: 'Existing', familyName: 'User' },
              emails: [{ value: 'Existing.Okta.User@example.com' }],
              active: true,
            },
          ],
        },
        check: ({ body }) => {
          const user = body.Resources[0];
          for (const value of [
            user.id,
            user.name.familyName,
            user.name.givenName,
            user.userName,
            user.emails[0].value,
          ]) {
            nonEmpty(value);
          }
        },
      },
    },
    {
      step: '2. GET /Users/{that id} returns the same user',
      method: 'GET',
      path: `${SCIM}/Users/{{existingId}}`,
      expect: {
        status: 200,
        body: {
          id: '{{existingId}}',
          userName: 'Existing.Okta.User@example.com',
          name: { givenName: 'Existing', familyName: 'User' },
          emails: [{ value: 'Existing.Okta.User@example.com' }],
          active: true,
        },
      },
    },
    {
      step: '3. filter userName eq "<invalid user email>" answers 200 with totalResults 0',
      method: 'GET',
      path: `${SCIM}/Users?${encodedFilter('userName eq "{{invalidUserEmail}}"')}`,
      expect: { status: 200, list: { totalResults: 0, ids: [] } },
    },
    {
      step: '4. GET /Users/<id that does not exist> answers 404 with an Error',
      method: 'GET',
      path: `${SCIM}/Users/{{userIdThatDoesNotExist}}`,
      expect: { status: 404 },
    },
    {
      step: '5. filter userName eq "<random email>" answers 200 with totalResults 0',
      method: 'GET',
      path: `${SCIM}/Users?${encodedFilter('userName eq "{{randomEmail}}"')}`,
      expect: { status: 200, list: { totalResults: 0, ids: [] } },
    },
    {
      step: '6. POST /Users (application/json) creates the user: 201, active true, echoed values',
      method: 'POST',
      path: `${SCIM}/Users`,
      headers: JSON_BODY,
      body: specUser,
      expect: {
        status: 201,
        body: {
          schemas: expect.arrayContaining([USER_SCHEMA]),
          userName: '{{randomUsername}}',
          name: { givenName: '{{randomGiven}}', familyName: '{{randomFamily}}' },
          active: true,
        },
      },
      save: { newId: (r) => r.body.id },
    },
    {
      step: '7. GET /Users/{new id} returns the same values',
      method: 'GET',
      path: `${SCIM}/Users/{{newId}}`,
      expect: {
        status: 200,
        body: {
          id: '{{newId}}',
          userName: '{{randomUsername}}',
          name: { givenName: '{{randomGiven}}', familyName: '{{randomFamily}}' },
          emails: [{ value: '{{randomEmail}}' }],
          active: true,
        },
      },
    },
    {
      step: '8. re-POST of the same user answers 409 uniqueness',
      method: 'POST',
      path: `${SCIM}/Users`,
      headers: JSON_BODY,
      body: specUser,
      expect: { status: 409, scimType: 'uniqueness' },
    },
    {
      step: '9. filter userName eq "<UPPERCASED username>" answers 200 and finds the user',
      method: 'GET',
      path: `${SCIM}/Users?${encodedFilter('userName eq "{{randomUsernameCaps}}"')}`,
      expect: {
        status: 200,
        list: { totalResults: 1, ids: ['{{newId}}'] },
        body: { Resources: [{ userName: '{{randomUsername}}' }] },
      },
    },
    {
      // Okta gives this probe 600 ms; speed is measured in bench/, never asserted in tests.
      step: '10. GET /Groups answers 200 (an empty ListResponse: no groups pushed yet)',
      method: 'GET',
      path: `${SCIM}/Groups`,
      expect: {
        status: 200,
        list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] },
      },
    },
    {
      step: '11. a request with Authorization: non-token answers 401 with an Error',
      method: 'GET',
      path: `${SCIM}/Users?${encodedFilter('userName eq "{{randomUsername}}"')}`,
      headers: { Authorization: 'non-token' },
      expect: { status: 401, body: { status: '401' } },
    },
    {
      step: '12. GET /Users/00919288221112222 answers 404 with an Error',
      method: 'GET',
      path: `${SCIM}/Users/00919288221112222`,
      expect: { status: 404, body: { status: '404' } },
    },
  ],
  { headers: OKTA_HEADERS, vars: specVars },
);

/** §4.2 create body: `password`, readOnly `groups`, string-array `roles`, `locale`. */
const adaCreate = {
  schemas: [USER_SCHEMA],
  userName: 'Ada.Lovelace@example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ primary: true, value: 'Ada.Lovelace@example.com', type: 'work' }],
  displayName: 'Ada Lovelace',
  locale: 'en-US',
  externalId: '00u9zt1abcDEF',
  groups: [],
  password: 't7Qx2mZp',
  active: true,
  roles: ['Sales Rep'],
};

/** The last GET of the user, with changes, as Okta PUTs it back (id, meta, groups included). */
function putBack(changes: Record<string, unknown>, drop: readonly string[] = []) {
  return (vars: Vars) => {
    const current: Record<string, unknown> = { ...(vars.current as Record<string, unknown>) };
    for (const key of drop) delete current[key];
    return { ...current, groups: [], password: 't7Qx2mZp', ...changes };
  };
}

const findAda = `${SCIM}/Users?${encodedFilter('userName eq "Ada.Lovelace@example.com"')}&startIndex=1&count=100`;
const SEEDED = 120;

replay(
  'Okta CRUD cycle and import (idp-behaviour.md §4.2)',
  [
    {
      step: '"Test connector configuration": GET /Users?startIndex=1&count=2 (§4.1)',
      method: 'GET',
      path: `${SCIM}/Users?startIndex=1&count=2`,
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
    {
      step: 'assignment: existence check by userName answers 200 with no match',
      method: 'GET',
      path: findAda,
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
    {
      step: 'create with password, groups: [], roles: ["Sales Rep"] and locale → 201',
      method: 'POST',
      path: `${SCIM}/Users`,
      body: adaCreate,
      expect: {
        status: 201,
        body: {
          userName: 'Ada.Lovelace@example.com',
          externalId: '00u9zt1abcDEF',
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          emails: [{ primary: true, value: 'Ada.Lovelace@example.com', type: 'work' }],
          displayName: 'Ada Lovelace',
          locale: 'en-US',
          active: true,
        },
        absent: ['password'],
      },
      save: { id: (r) => r.body.id },
    },
    {
      step: 'update: GET /Users/{id} first',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 200, body: { id: '{{id}}', active: true, locale: 'en-US' } },
      save: { current: resourceOf },
    },
    {
      step: 'update: full PUT of the fetched object (id, meta, groups) with a new givenName',
      method: 'PUT',
      path: `${SCIM}/Users/{{id}}`,
      body: putBack({ name: { givenName: 'Augusta', familyName: 'Lovelace' } }),
      expect: {
        status: 200,
        body: {
          id: '{{id}}',
          userName: 'Ada.Lovelace@example.com',
          externalId: '00u9zt1abcDEF',
          name: { givenName: 'Augusta', familyName: 'Lovelace' },
          emails: [{ primary: true, value: 'Ada.Lovelace@example.com', type: 'work' }],
          locale: 'en-US',
          active: true,
        },
        absent: ['password'],
      },
    },
    {
      step: 'CRUD test: the change is on the server',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: {
        status: 200,
        body: { name: { givenName: 'Augusta', familyName: 'Lovelace' }, active: true },
      },
    },
    {
      step: 'a PUT whose body carries another id changes nothing about the id (readOnly)',
      method: 'PUT',
      path: `${SCIM}/Users/{{id}}`,
      body: putBack({
        id: '00000000-0000-4000-8000-000000000000',
        name: { givenName: 'Augusta', familyName: 'Lovelace' },
        title: 'Analyst',
      }),
      expect: { status: 200, body: { id: '{{id}}', title: 'Analyst', active: true } },
    },
    {
      step: 'GET by the original id still works; the body id was ignored',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 200, body: { id: '{{id}}', title: 'Analyst' } },
    },
    {
      step: 'deactivate: PATCH replace without path, value {"active": false}',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'replace', value: { active: false } }],
      },
      expect: {
        status: 200,
        body: { id: '{{id}}', active: false, name: { givenName: 'Augusta' } },
      },
    },
    {
      step: 'CRUD test: the user is inactive on the server (by id)',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 200, body: { id: '{{id}}', active: false } },
    },
    {
      step: 'reassignment: Okta re-finds the deactivated user by filter',
      method: 'GET',
      path: findAda,
      expect: {
        status: 200,
        list: { totalResults: 1, ids: ['{{id}}'] },
        body: { Resources: [{ active: false, userName: 'Ada.Lovelace@example.com' }] },
      },
    },
    {
      step: 'reactivate: PATCH replace without path, value {"active": true}',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'replace', value: { active: true } }],
      },
      expect: { status: 200, body: { id: '{{id}}', active: true } },
    },
    {
      step: 'GET before the next update',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 200, body: { active: true } },
      save: { current: resourceOf },
    },
    {
      step: 'a sync that PUTs the fetched object unchanged leaves meta.version and lastModified as they were',
      method: 'PUT',
      path: `${SCIM}/Users/{{id}}`,
      body: putBack({}),
      expect: {
        status: 200,
        body: { id: '{{id}}', active: true },
        check: ({ body }, vars) => {
          const before = (vars.current as { meta: { version: string; lastModified: string } }).meta;
          expect(body.meta.version).toBe(before.version);
          expect(body.meta.lastModified).toBe(before.lastModified);
        },
      },
    },
    {
      step: 'PUT that omits active leaves an active user active',
      method: 'PUT',
      path: `${SCIM}/Users/{{id}}`,
      body: putBack({ displayName: 'Augusta Ada King' }, ['active']),
      expect: { status: 200, body: { displayName: 'Augusta Ada King', active: true } },
    },
    {
      step: 'deactivate again (path-less PATCH)',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'replace', value: { active: false } }],
      },
      expect: { status: 200, body: { active: false } },
      save: { current: resourceOf },
    },
    {
      step: 'PUT that omits active leaves a deactivated user deactivated',
      method: 'PUT',
      path: `${SCIM}/Users/{{id}}`,
      body: putBack({ displayName: 'Ada King' }, ['active']),
      expect: { status: 200, body: { displayName: 'Ada King', active: false } },
    },
    {
      step: 'GET confirms active is still false',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 200, body: { displayName: 'Ada King', active: false } },
    },
    {
      step: `seed ${SEEDED} more provisioned users for the import`,
      run: async (app, vars) => {
        const ids: string[] = [vars.id as string];
        for (let i = 0; i < SEEDED; i++) {
          const local = `import.${String(i).padStart(3, '0')}`;
          const response = await app.request('POST', `${SCIM}/Users`, {
            headers: OKTA_HEADERS,
            body: {
              schemas: [USER_SCHEMA],
              userName: `${local}@example.com`,
              name: { givenName: 'Import', familyName: String(i) },
              emails: [{ primary: true, value: `${local}@example.com`, type: 'work' }],
              active: true,
            },
          });
          expect(response.status, response.text).toBe(201);
          ids.push(response.body.id);
        }
        vars.allIds = ids;
      },
    },
    {
      step: 'import: GET /Users?startIndex=1&count=100',
      method: 'GET',
      path: `${SCIM}/Users?startIndex=1&count=100`,
      expect: { status: 200, list: { totalResults: SEEDED + 1, startIndex: 1, itemsPerPage: 100 } },
      save: { page1: (r) => r.body.Resources.map((u: { id: string }) => u.id) },
    },
    {
      step: 'import: GET /Users?startIndex=101&count=100 returns the rest',
      method: 'GET',
      path: `${SCIM}/Users?startIndex=101&count=100`,
      expect: {
        status: 200,
        list: { totalResults: SEEDED + 1, startIndex: 101, itemsPerPage: SEEDED + 1 - 100 },
        check: ({ body }, vars) => {
          const page2 = body.Resources.map((u: { id: string }) => u.id);
          const seen = [...(vars.page1 as string[]), ...page2];
          expect(new Set(seen).size, 'no user on both pages').toBe(seen.length);
          expect([...seen].sort()).toEqual([...(vars.allIds as string[])].sort());
        },
      },
    },
    {
      step: 'import again: the first page has the same order (stable ordering)',
      method: 'GET',
      path: `${SCIM}/Users?startIndex=1&count=100`,
      expect: {
        status: 200,
        list: { totalResults: SEEDED + 1, startIndex: 1, itemsPerPage: 100 },
        check: ({ body }, vars) => {
          expect(body.Resources.map((u: { id: string }) => u.id)).toEqual(vars.page1);
        },
      },
    },
  ],
  { headers: OKTA_HEADERS },
);

/** A user the account created in the app itself, before SCIM was set up (PRODUCT.md item 7). */
async function appUser(app: TestApp, email: string, given: string, family: string) {
  const user = await insertAppUser(app, email, {
    displayName: `${given} ${family}`,
    givenName: given,
    familyName: family,
    profile: { name: { givenName: given, familyName: family }, displayName: `${given} ${family}` },
  });
  return user.id;
}

// §4.2 "A match links the user and Okta then pushes the app profile"; §1.2.5 and §1.2.6:
// existing app users are found by identity lookups (never by unfiltered imports) and adopted.
replay(
  'Okta assignment of users who already exist in the app (idp-behaviour.md §4.2, §1.2.5–6)',
  [
    {
      step: 'precondition: two users created in the app before SCIM was set up',
      run: async (app, vars) => {
        vars.graceId = await appUser(app, 'Grace.Existing@example.com', 'Grace', 'Hopper');
        vars.alanId = await appUser(app, 'Alan.Existing@example.com', 'Alan', 'Turing');
      },
    },
    {
      step: 'import: unfiltered GET /Users does not list users the IdP never provisioned',
      method: 'GET',
      path: `${SCIM}/Users?startIndex=1&count=100`,
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
    {
      step: 'assignment: the existence check (another case) finds the app user, so Okta links it',
      method: 'GET',
      path: `${SCIM}/Users?${encodedFilter('userName eq "grace.existing@example.com"')}&startIndex=1&count=100`,
      expect: {
        status: 200,
        list: { totalResults: 1, startIndex: 1, itemsPerPage: 1, ids: ['{{graceId}}'] },
        body: { Resources: [{ userName: 'Grace.Existing@example.com', active: true }] },
      },
    },
    {
      step: 'link: GET /Users/{id} of the app user',
      method: 'GET',
      path: `${SCIM}/Users/{{graceId}}`,
      expect: { status: 200, body: { id: '{{graceId}}', userName: 'Grace.Existing@example.com' } },
      save: { current: resourceOf },
    },
    {
      step: 'Okta pushes the app profile with a full PUT: 200, same id',
      method: 'PUT',
      path: `${SCIM}/Users/{{graceId}}`,
      body: putBack({ externalId: '00ugraceOKTA', title: 'Rear Admiral' }),
      expect: {
        status: 200,
        body: {
          id: '{{graceId}}',
          userName: 'Grace.Existing@example.com',
          externalId: '00ugraceOKTA',
          title: 'Rear Admiral',
          name: { givenName: 'Grace', familyName: 'Hopper' },
          active: true,
        },
      },
    },
    {
      step: 'the linked user is now provisioned: the import lists it',
      method: 'GET',
      path: `${SCIM}/Users?startIndex=1&count=100`,
      expect: { status: 200, list: { totalResults: 1, ids: ['{{graceId}}'] } },
    },
    {
      step: "a create for the other app user's email adopts it: 201 with its existing id",
      method: 'POST',
      path: `${SCIM}/Users`,
      headers: JSON_BODY,
      body: {
        schemas: [USER_SCHEMA],
        userName: 'Alan.Existing@example.com',
        name: { givenName: 'Alan', familyName: 'Turing' },
        emails: [{ primary: true, value: 'Alan.Existing@example.com', type: 'work' }],
        externalId: '00ualanOKTA',
        groups: [],
        password: 'x9Lm2qRt',
        active: true,
      },
      expect: {
        status: 201,
        body: {
          id: '{{alanId}}',
          userName: 'Alan.Existing@example.com',
          externalId: '00ualanOKTA',
        },
      },
    },
    {
      step: 'the adopted user is SCIM-managed now: a second create answers 409 uniqueness',
      method: 'POST',
      path: `${SCIM}/Users`,
      headers: JSON_BODY,
      body: {
        schemas: [USER_SCHEMA],
        userName: 'Alan.Existing@example.com',
        name: { givenName: 'Alan', familyName: 'Turing' },
        emails: [{ primary: true, value: 'Alan.Existing@example.com', type: 'work' }],
        active: true,
      },
      expect: { status: 409, scimType: 'uniqueness' },
    },
    {
      step: 'the import now lists both users',
      method: 'GET',
      path: `${SCIM}/Users?startIndex=1&count=100`,
      expect: {
        status: 200,
        list: { totalResults: 2, startIndex: 1, itemsPerPage: 2 },
        check: ({ body }, vars) =>
          expect(body.Resources.map((u: { id: string }) => u.id).sort()).toEqual(
            [vars.graceId, vars.alanId].sort(),
          ),
      },
    },
  ],
  { headers: OKTA_HEADERS },
);
