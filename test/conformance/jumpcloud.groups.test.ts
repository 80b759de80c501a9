/**
 * JumpCloud group management (idp-behaviour.md §7): groups are created with their members (never
 * empty), the same add is repeated, removal is `remove` on `members` with a value array (the
 * Entra-legacy shape, which must remove only those), renames, and deleting a managed group.
 */
import { PATCH_SCHEMA, SCIM } from '../helpers/create-test-app.ts';
import { GROUP_SCHEMA, hasMembers, provisionMembers } from './group-steps.ts';
import { encodedFilter, replay } from './replay.ts';

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });

replay(
  'JumpCloud groups (idp-behaviour.md §7)',
  [
    provisionMembers(3, 'jumpcloud'),
    {
      step: 'look for an existing group of the same name (JumpCloud takes those over)',
      method: 'GET',
      path: `${SCIM}/Groups?${encodedFilter('displayName eq "Engineering"')}`,
      expect: { status: 200, list: { totalResults: 0, ids: [] } },
    },
    {
      step: 'create the group with its first members → 201 with them',
      method: 'POST',
      path: `${SCIM}/Groups`,
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: 'Engineering',
        members: [{ value: '{{u1}}' }, { value: '{{u2}}' }],
      },
      expect: { status: 201, check: hasMembers('u1', 'u2') },
      save: { gid: (r) => r.body.id },
    },
    {
      step: 'add a member with the minimal {"value": id} → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch({ op: 'add', path: 'members', value: [{ value: '{{u3}}' }] }),
      expect: { status: 204 },
      save: { etag: (r) => r.headers.get('etag') },
    },
    {
      step: 'the same add repeated → 204, nothing changes (same version)',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch({ op: 'add', path: 'members', value: [{ value: '{{u3}}' }] }),
      expect: { status: 204, check: (r, vars) => expectSame(r.headers.get('etag'), vars.etag) },
    },
    {
      step: 'remove with path members and a value array → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch({ op: 'remove', path: 'members', value: [{ value: '{{u1}}' }] }),
      expect: { status: 204 },
    },
    {
      step: 'only that member left the group',
      method: 'GET',
      path: `${SCIM}/Groups/{{gid}}`,
      expect: { status: 200, check: hasMembers('u2', 'u3') },
    },
    {
      step: 'rename: one replace op with a path → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch({ op: 'replace', path: 'displayName', value: 'Platform Engineering' }),
      expect: { status: 204 },
    },
    {
      step: 'creating a group with the taken name → 409 uniqueness',
      method: 'POST',
      path: `${SCIM}/Groups`,
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: 'Platform Engineering',
        members: [{ value: '{{u1}}' }],
      },
      expect: { status: 409, scimType: 'uniqueness' },
    },
    {
      step: 'delete the managed group → 204, its members stay provisioned',
      method: 'DELETE',
      path: `${SCIM}/Groups/{{gid}}`,
      expect: { status: 204 },
    },
    {
      step: 'a former member is still active, in no group',
      method: 'GET',
      path: `${SCIM}/Users/{{u2}}`,
      expect: { status: 200, body: { active: true }, absent: ['groups'] },
    },
  ],
  { headers: { 'User-Agent': 'JumpCloud SCIM' } },
);

function expectSame(actual: unknown, expected: unknown): void {
  if (actual !== expected)
    throw new Error(`version moved: ${String(expected)} → ${String(actual)}`);
}
