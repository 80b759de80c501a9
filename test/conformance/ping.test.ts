import { SCIM, USER_SCHEMA } from '../helpers/create-test-app.ts';
import { encodedFilter, randomGuid, replay } from './replay.ts';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface PingUser {
  readonly userName: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly active: boolean;
  readonly title?: string;
}

/** The full user Ping sends on POST and on every PUT. */
function pingUser({ userName, givenName, familyName, active, title }: PingUser) {
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName, familyName },
    displayName: `${givenName} ${familyName}`,
    emails: [{ value: userName, type: 'work', primary: true }],
    ...(title !== undefined ? { title } : {}),
    active,
  };
}

const dorothy = {
  userName: 'Dorothy.Vaughan@example.com',
  givenName: 'Dorothy',
  familyName: 'Vaughan',
};

/** The overridden filter expression `username Eq "%s"` (lower-case attribute, `Eq`). */
const byUsername = (value: string) => `${SCIM}/Users?${encodedFilter(`username Eq "${value}"`)}`;

replay('PingFederate users: PUT-only updates, overridden filters (idp-behaviour.md §8)', [
  {
    step: 'lookup with username Eq "%s" finds nothing',
    method: 'GET',
    path: byUsername('Dorothy.Vaughan@example.com'),
    expect: { status: 200, list: { totalResults: 0, ids: [] } },
  },
  {
    step: 'create → 201',
    method: 'POST',
    path: `${SCIM}/Users`,
    body: pingUser({ ...dorothy, active: true }),
    expect: {
      status: 201,
      body: {
        userName: 'Dorothy.Vaughan@example.com',
        name: { givenName: 'Dorothy', familyName: 'Vaughan' },
        active: true,
      },
    },
    save: { id: (r) => r.body.id },
  },
  {
    step: 'lookup with username Eq "%s" finds the user',
    method: 'GET',
    path: byUsername('Dorothy.Vaughan@example.com'),
    expect: {
      status: 200,
      list: { totalResults: 1, ids: ['{{id}}'] },
      body: { Resources: [{ userName: 'Dorothy.Vaughan@example.com' }] },
    },
  },
  {
    step: 'lookup with username Eq in another case finds the user (userName is caseExact false)',
    method: 'GET',
    path: byUsername('dorothy.vaughan@EXAMPLE.COM'),
    expect: { status: 200, list: { totalResults: 1, ids: ['{{id}}'] } },
  },
  {
    step: 'lookup with the email Co "%s" style: emails co "…" finds the user',
    method: 'GET',
    path: `${SCIM}/Users?${encodedFilter('emails co "Dorothy.Vaughan@"')}`,
    expect: { status: 200, list: { totalResults: 1, ids: ['{{id}}'] } },
  },
  {
    step: 'emails Co with a capitalised operator and another case also finds the user',
    method: 'GET',
    path: `${SCIM}/Users?${encodedFilter('emails Co "dorothy.vaughan@"')}`,
    expect: { status: 200, list: { totalResults: 1, ids: ['{{id}}'] } },
  },
  {
    step: 'emails co with a value no email contains finds nothing',
    method: 'GET',
    path: `${SCIM}/Users?${encodedFilter('emails co "katherine"')}`,
    expect: { status: 200, list: { totalResults: 0, ids: [] } },
  },
  {
    step: 'update: PUT of the full user with a new familyName and title',
    method: 'PUT',
    path: `${SCIM}/Users/{{id}}`,
    body: pingUser({ ...dorothy, familyName: 'Johnson', title: 'Supervisor', active: true }),
    expect: {
      status: 200,
      body: {
        id: '{{id}}',
        userName: 'Dorothy.Vaughan@example.com',
        name: { givenName: 'Dorothy', familyName: 'Johnson' },
        displayName: 'Dorothy Johnson',
        title: 'Supervisor',
        active: true,
      },
    },
  },
  {
    step: 'update: PUT without title removes it (PUT replaces)',
    method: 'PUT',
    path: `${SCIM}/Users/{{id}}`,
    body: pingUser({ ...dorothy, active: true }),
    expect: {
      status: 200,
      body: { name: { givenName: 'Dorothy', familyName: 'Vaughan' }, active: true },
      absent: ['title'],
    },
  },
  {
    step: 'Remove User Action "disable": PUT with active false',
    method: 'PUT',
    path: `${SCIM}/Users/{{id}}`,
    body: pingUser({ ...dorothy, active: false }),
    expect: { status: 200, body: { id: '{{id}}', active: false } },
  },
  {
    step: 'GET shows active: false',
    method: 'GET',
    path: `${SCIM}/Users/{{id}}`,
    expect: { status: 200, body: { id: '{{id}}', active: false } },
  },
  {
    step: 'the username Eq lookup still returns the disabled user',
    method: 'GET',
    path: byUsername('Dorothy.Vaughan@example.com'),
    expect: {
      status: 200,
      list: { totalResults: 1, ids: ['{{id}}'] },
      body: { Resources: [{ active: false }] },
    },
  },
  {
    step: 're-enable: PUT with active true',
    method: 'PUT',
    path: `${SCIM}/Users/{{id}}`,
    body: pingUser({ ...dorothy, active: true }),
    expect: { status: 200, body: { id: '{{id}}', active: true } },
  },
  {
    step: 'Provision Disabled Users: POST with active false → 201, created deactivated',
    method: 'POST',
    path: `${SCIM}/Users`,
    body: pingUser({
      userName: 'Christine.Darden@example.com',
      givenName: 'Christine',
      familyName: 'Darden',
      active: false,
    }),
    expect: {
      status: 201,
      body: { userName: 'Christine.Darden@example.com', active: false },
    },
    save: { disabledId: (r) => r.body.id },
  },
  {
    step: 'the user provisioned disabled reads back active: false',
    method: 'GET',
    path: `${SCIM}/Users/{{disabledId}}`,
    expect: { status: 200, body: { id: '{{disabledId}}', active: false } },
  },
  {
    step: 'the user provisioned disabled is found by username Eq with active: false',
    method: 'GET',
    path: byUsername('Christine.Darden@example.com'),
    expect: {
      status: 200,
      list: { totalResults: 1, ids: ['{{disabledId}}'] },
      body: { Resources: [{ active: false }] },
    },
  },
  {
    step: 'enable it later with a PUT',
    method: 'PUT',
    path: `${SCIM}/Users/{{disabledId}}`,
    body: pingUser({
      userName: 'Christine.Darden@example.com',
      givenName: 'Christine',
      familyName: 'Darden',
      active: true,
    }),
    expect: { status: 200, body: { id: '{{disabledId}}', active: true } },
  },
  {
    step: 'Remove User Action "delete": DELETE → 204, then GET → 404',
    method: 'DELETE',
    path: `${SCIM}/Users/{{disabledId}}`,
    expect: { status: 204 },
  },
  {
    step: 'after DELETE, GET → 404',
    method: 'GET',
    path: `${SCIM}/Users/{{disabledId}}`,
    expect: { status: 404 },
  },
]);

replay(
  'PingFederate groups: found by listing all groups (idp-behaviour.md §8)',
  [
    {
      step: 'list all groups, first page: startIndex=1&count=100 → 200 empty ListResponse',
      method: 'GET',
      path: `${SCIM}/Groups?startIndex=1&count=100`,
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
    {
      step: 'list all groups without paging parameters → 200 empty ListResponse',
      method: 'GET',
      path: `${SCIM}/Groups`,
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
    {
      step: 'GET /Groups/{id} of an unknown group → 404',
      method: 'GET',
      path: `${SCIM}/Groups/{{guid}}`,
      expect: { status: 404, body: { status: '404' } },
    },
    {
      step: 'no match found, so Ping creates the group → 201',
      method: 'POST',
      path: `${SCIM}/Groups`,
      body: { schemas: [GROUP_SCHEMA], displayName: 'Computing Section', members: [] },
      expect: { status: 201, body: { displayName: 'Computing Section' } },
    },
  ],
  { vars: { guid: randomGuid() } },
);
