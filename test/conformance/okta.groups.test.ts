/**
 * Okta Group Push (idp-behaviour.md §4.3; checklist 61–64) replayed against the real app:
 * import by listing, push (create with no members), the path-less rename whose value echoes
 * the group's own id (re-sent with every membership update), membership by filter removal and
 * value+display adds, the full push with `replace members`, and unlink with delete.
 */
import { PATCH_SCHEMA, SCIM } from '../helpers/create-test-app.ts';
import { GROUP_SCHEMA, hasMembers, provisionMembers } from './group-steps.ts';
import { encodedFilter, replay } from './replay.ts';

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });
const rename = (name: string) => ({
  op: 'replace',
  value: { id: '{{gid}}', displayName: name },
});

replay(
  'Okta Group Push (idp-behaviour.md §4.3)',
  [
    provisionMembers(3, 'okta'),
    {
      // Okta gives this probe 600 ms; speed is measured in bench/, never asserted in tests.
      step: 'import: GET /Groups?startIndex=1&count=100 → 200 ListResponse',
      method: 'GET',
      path: `${SCIM}/Groups?startIndex=1&count=100`,
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, ids: [] } },
    },
    {
      step: 'push: POST the group with members: [] → 201',
      method: 'POST',
      path: `${SCIM}/Groups`,
      body: { schemas: [GROUP_SCHEMA], displayName: 'Sales EMEA', members: [] },
      expect: { status: 201, body: { displayName: 'Sales EMEA' } },
      save: { gid: (r) => r.body.id },
    },
    {
      step: 'rename with no path, the value echoing the group id → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch(rename('Sales EMEA')),
      expect: { status: 204 },
    },
    {
      step: 'membership: remove by filter (absent member) and add value+display, no type → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch(
        { op: 'remove', path: 'members[value eq "{{u3}}"]' },
        {
          op: 'add',
          path: 'members',
          value: [
            { value: '{{u1}}', display: 'okta member 1' },
            { value: '{{u2}}', display: 'okta member 2' },
          ],
        },
      ),
      expect: { status: 204 },
    },
    {
      step: 'the rename is re-sent with the next membership update → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch(
        rename('Sales EMEA'),
        {
          op: 'remove',
          path: 'members[value eq "{{u1}}"]',
        },
        {
          op: 'add',
          path: 'members',
          value: [{ value: '{{u3}}', display: 'okta member 3' }],
        },
      ),
      expect: { status: 204 },
    },
    {
      step: 'GET shows exactly the pushed membership',
      method: 'GET',
      path: `${SCIM}/Groups/{{gid}}`,
      expect: { status: 200, body: { displayName: 'Sales EMEA' }, check: hasMembers('u2', 'u3') },
    },
    {
      step: 'full push: replace members with the complete list → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch({
        op: 'replace',
        path: 'members',
        value: [{ value: '{{u1}}', display: 'okta member 1' }, { value: '{{u3}}' }],
      }),
      expect: { status: 204 },
    },
    {
      step: 'GET shows exactly the full push',
      method: 'GET',
      path: `${SCIM}/Groups/{{gid}}`,
      expect: { status: 200, check: hasMembers('u1', 'u3') },
    },
    {
      step: 'a real rename (same id, new name) → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch(rename('Sales Europe')),
      expect: { status: 204 },
    },
    {
      step: 'import again: the group is listed with its new name and members',
      method: 'GET',
      path: `${SCIM}/Groups?startIndex=1&count=100`,
      expect: {
        status: 200,
        list: { totalResults: 1, ids: ['{{gid}}'] },
        body: { Resources: [{ displayName: 'Sales Europe' }] },
        check: (r, vars) => hasMembers('u1', 'u3')({ ...r, body: r.body.Resources[0] }, vars),
      },
    },
    {
      step: 'lookup by displayName filter',
      method: 'GET',
      path: `${SCIM}/Groups?${encodedFilter('displayName eq "Sales Europe"')}`,
      expect: { status: 200, list: { totalResults: 1, ids: ['{{gid}}'] } },
    },
    {
      step: 'memberships never touched the users: their representation is unchanged but for groups',
      method: 'GET',
      path: `${SCIM}/Users/{{u1}}`,
      expect: {
        status: 200,
        body: { active: true, groups: [{ value: '{{gid}}', display: 'Sales Europe' }] },
      },
    },
    {
      step: 'unlink with "delete in target": DELETE → 204',
      method: 'DELETE',
      path: `${SCIM}/Groups/{{gid}}`,
      expect: { status: 204 },
    },
    {
      step: 'GET → 404',
      method: 'GET',
      path: `${SCIM}/Groups/{{gid}}`,
      expect: { status: 404 },
    },
  ],
  { headers: { 'User-Agent': 'Okta SCIM Client 1.0.0', 'Content-Type': 'application/json' } },
);
