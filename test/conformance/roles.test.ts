/**
 * Role mapping sequences (issue 4; idp-behaviour.md §3.4 for Entra, §4.2 for Okta) replayed with
 * role sync on: each IdP's own shapes assign the permission set named exactly by the role, and
 * reads show it back as the one primary role, so neither IdP sees a perpetual difference.
 */
import { PATCH_SCHEMA, SCIM, type TestApp, USER_SCHEMA } from '../helpers/create-test-app.ts';
import { setRoleSync } from '../scim-http/scim-test-kit.ts';
import { encodedFilter, replay, resourceOf, type SetupStep } from './replay.ts';

const role = (name: string) => [{ value: name, display: name, primary: true }];
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });
const embedded = (value: string, displayName: string) =>
  JSON.stringify({ id: '3f2b0a34-5c1d-4e8f-9a7b-1c2d3e4f5a6b', value, displayName });

const enableRoleSync: SetupStep = {
  step: 'the admin turns role sync on and creates the permission sets the IdP roles name',
  async run(app: TestApp) {
    const { store } = app.directory;
    for (const name of ['Sales Rep', 'Sales Manager']) {
      await store.permissionSets.insert({
        id: `ps-${name.replace(' ', '-')}-${app.accountId}`,
        accountId: app.accountId,
        name,
        isMinimal: false,
        permissions: [],
        createdAt: new Date().toISOString(),
      });
    }
    await setRoleSync(app, true);
  },
};

replay(
  'Entra ID app roles (idp-behaviour.md §3.4)',
  [
    enableRoleSync,
    {
      step: 'SingleAppRoleAssignment create: roles[primary eq "True"].value (no spaces allowed) and .display mapped',
      method: 'POST',
      path: `${SCIM}/Users`,
      body: {
        schemas: [USER_SCHEMA],
        userName: 'grace.entra@example.com',
        active: true,
        emails: [{ primary: true, type: 'work', value: 'grace.entra@example.com' }],
        roles: [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Sales Rep' }],
      },
      expect: { status: 201, body: { roles: role('Sales Rep') } },
      save: { id: (r) => r.body.id },
    },
    {
      step: 'role change: PATCH Add roles with the app role serialised inside value; the display name matches',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({
        op: 'Add',
        path: 'roles',
        value: [{ value: embedded('SalesManager', 'Sales Manager') }],
      }),
      expect: { status: 200, body: { roles: role('Sales Manager') } },
    },
    {
      step: 'the next cycle reads the user back and finds the role it sent',
      method: 'GET',
      path: `${SCIM}/Users?${encodedFilter('userName eq "grace.entra@example.com"')}`,
      expect: {
        status: 200,
        list: { totalResults: 1 },
        body: { Resources: [{ roles: role('Sales Manager') }] },
      },
    },
    {
      step: 'AssertiveAppRoleAssignmentsComplex: replace roles with the full list',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({
        op: 'Replace',
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
      expect: { status: 200, body: { roles: role('Sales Rep') } },
    },
    {
      step: 'a role with no permission set of that exact name: minimal set, request still succeeds',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({ op: 'Replace', path: 'roles[primary eq "True"].value', value: 'Auditor' }),
      expect: { status: 200, body: { roles: role('Minimal') } },
    },
    {
      step: 'AppRoleAssignmentsComplex: two roles, neither primary, cannot name one set',
      method: 'PATCH',
      path: `${SCIM}/Users/{{id}}`,
      body: patch({
        op: 'Add',
        path: 'roles',
        value: [
          { primary: false, value: 'SalesRep', displayName: 'Sales Rep' },
          { primary: false, value: 'SalesManager', displayName: 'Sales Manager' },
        ],
      }),
      expect: { status: 400, scimType: 'invalidValue', detailMentions: 'primary' },
    },
  ],
  { headers: { 'Content-Type': 'application/scim+json' } },
);

replay(
  'Okta role push as a string array (idp-behaviour.md §4.2)',
  [
    enableRoleSync,
    {
      step: 'create with roles: ["Sales Rep"]',
      method: 'POST',
      path: `${SCIM}/Users`,
      body: {
        schemas: [USER_SCHEMA],
        userName: 'ada.okta@example.com',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ primary: true, value: 'ada.okta@example.com', type: 'work' }],
        externalId: '00u9zt1abcDEF',
        groups: [],
        password: 't7Qx2mZp',
        active: true,
        roles: ['Sales Rep'],
      },
      expect: { status: 201, body: { roles: role('Sales Rep') } },
      save: { id: (r) => r.body.id, user: (r) => resourceOf(r) },
    },
    {
      step: 'profile push: GET then PUT the whole object with the new role',
      method: 'PUT',
      path: `${SCIM}/Users/{{id}}`,
      body: (vars: Record<string, unknown>) => ({
        ...(vars.user as Record<string, unknown>),
        roles: ['Sales Manager'],
      }),
      expect: { status: 200, body: { roles: role('Sales Manager') } },
    },
    {
      step: 'a PUT echoing what Roster returned changes nothing',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: { status: 200, body: { roles: role('Sales Manager'), meta: { version: 'W/"2"' } } },
      save: { current: (r) => resourceOf(r) },
    },
    {
      step: 'PUT the object as read back (roles as Roster shows them)',
      method: 'PUT',
      path: `${SCIM}/Users/{{id}}`,
      body: (vars: Record<string, unknown>) => vars.current,
      expect: { status: 200, body: { roles: role('Sales Manager'), meta: { version: 'W/"2"' } } },
    },
  ],
  { headers: { 'User-Agent': 'Okta SCIM Client 1.0.0' } },
);
