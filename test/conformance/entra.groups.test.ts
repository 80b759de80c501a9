/**
 * Microsoft Entra ID group provisioning (idp-behaviour.md §3.3; checklist 58–65) replayed
 * against the real app: the probe with excludedAttributes=members, create with empty members
 * and the extra ADSCIM URN, membership through PATCH, rename, delete. Once in the default style
 * (`Remove` with a value array, which must remove only those members) and once with
 * `?aadOptscim062020` (`remove` with a `members[value eq]` filter).
 */
import { PATCH_SCHEMA, SCIM } from '../helpers/create-test-app.ts';
import { ENTRA_GROUP_URN, GROUP_SCHEMA, hasMembers, provisionMembers } from './group-steps.ts';
import { replay, type Step } from './replay.ts';

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });
const HEADERS = { 'User-Agent': 'Azure AD SCIM Provisioning' };

function entraGroupCycle(flag: boolean): Step[] {
  const q = flag ? '&aadOptscim062020' : '';
  const op = (name: string) => (flag ? name.toLowerCase() : name);
  return [
    provisionMembers(3, flag ? 'entraflag' : 'entra'),
    {
      step: 'probe: GET /Groups?excludedAttributes=members&filter=displayName eq → empty',
      method: 'GET',
      path: `${SCIM}/Groups?excludedAttributes=members&filter=displayName+eq+"Sales%20EMEA"${q}`,
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
    {
      step: 'create with members: [], externalId and the ADSCIM URN → 201',
      method: 'POST',
      path: `${SCIM}/Groups`,
      body: {
        schemas: [GROUP_SCHEMA, ENTRA_GROUP_URN],
        externalId: '8aa1a0c0-c4c3-4bc0-a4a5-2b7b2c4e9b1f',
        displayName: 'Sales EMEA',
        members: [],
      },
      expect: {
        status: 201,
        body: { displayName: 'Sales EMEA', externalId: '8aa1a0c0-c4c3-4bc0-a4a5-2b7b2c4e9b1f' },
        absent: ['members'],
      },
      save: { gid: (r) => r.body.id },
    },
    {
      step: 'duplicate displayName → 409 uniqueness',
      method: 'POST',
      path: `${SCIM}/Groups`,
      body: { schemas: [GROUP_SCHEMA, ENTRA_GROUP_URN], displayName: 'sales emea', members: [] },
      expect: { status: 409, scimType: 'uniqueness' },
    },
    {
      step: 'read back: GET /Groups/{id}?excludedAttributes=members',
      method: 'GET',
      path: `${SCIM}/Groups/{{gid}}?excludedAttributes=members`,
      expect: {
        status: 200,
        body: { id: '{{gid}}', displayName: 'Sales EMEA' },
        absent: ['members'],
      },
    },
    {
      step: 'Add one member ($ref null) → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch({ op: op('Add'), path: 'members', value: [{ $ref: null, value: '{{u1}}' }] }),
      expect: { status: 204 },
    },
    {
      step: 'several membership changes in one PATCH (gallery checklist) → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch(
        { op: op('Add'), path: 'members', value: [{ $ref: null, value: '{{u2}}' }] },
        { op: op('Add'), path: 'members', value: [{ $ref: null, value: '{{u3}}' }] },
      ),
      expect: { status: 204 },
    },
    {
      step: 'GET /Groups/{id} lists the three members',
      method: 'GET',
      path: `${SCIM}/Groups/{{gid}}`,
      expect: { status: 200, check: hasMembers('u1', 'u2', 'u3') },
    },
    flag
      ? {
          step: 'remove one member with a members[value eq] filter → 204',
          method: 'PATCH',
          path: `${SCIM}/Groups/{{gid}}`,
          body: patch({ op: 'remove', path: 'members[value eq "{{u2}}"]' }),
          expect: { status: 204 },
        }
      : {
          step: 'Remove with a value array (no filter) → 204, removing only that member',
          method: 'PATCH',
          path: `${SCIM}/Groups/{{gid}}`,
          body: patch({ op: 'Remove', path: 'members', value: [{ value: '{{u2}}' }] }),
          expect: { status: 204 },
        },
    {
      step: 'the other members remain: the group was not emptied',
      method: 'GET',
      path: `${SCIM}/Groups/{{gid}}`,
      expect: { status: 200, check: hasMembers('u1', 'u3') },
    },
    {
      step: 'the member’s User resource lists the group in read-only groups',
      method: 'GET',
      path: `${SCIM}/Users/{{u1}}`,
      expect: {
        status: 200,
        body: { groups: [{ value: '{{gid}}', display: 'Sales EMEA', type: 'direct' }] },
      },
    },
    {
      step: 'rename: Replace displayName → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch({ op: op('Replace'), path: 'displayName', value: 'Sales Europe' }),
      expect: { status: 204 },
    },
    {
      step: 'the renamed group is found by its new name, members excluded',
      method: 'GET',
      path: `${SCIM}/Groups?excludedAttributes=members&filter=displayName+eq+"Sales%20Europe"${q}`,
      expect: {
        status: 200,
        list: { totalResults: 1, ids: ['{{gid}}'] },
        check: (r) => {
          if ('members' in r.body.Resources[0]) throw new Error('members were not excluded');
        },
      },
    },
    {
      step: 'delete the group → 204',
      method: 'DELETE',
      path: `${SCIM}/Groups/{{gid}}`,
      expect: { status: 204 },
    },
    {
      step: 'the deleted group is gone → 404',
      method: 'GET',
      path: `${SCIM}/Groups/{{gid}}?excludedAttributes=members`,
      expect: { status: 404 },
    },
    {
      step: 'its former member no longer lists it',
      method: 'GET',
      path: `${SCIM}/Users/{{u1}}`,
      expect: { status: 200, absent: ['groups'] },
    },
  ];
}

replay('Entra ID groups, default style (idp-behaviour.md §3.3)', entraGroupCycle(false), {
  headers: HEADERS,
});
replay(
  'Entra ID groups with ?aadOptscim062020 (idp-behaviour.md §3.3, §3.6)',
  entraGroupCycle(true),
  {
    headers: HEADERS,
  },
);
