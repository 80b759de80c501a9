/**
 * PingFederate groups (idp-behaviour.md §8; checklist 71): Ping finds a group by retrieving
 * all groups page by page and matching the name itself, creates it when absent, and manages
 * membership with PATCH (Groups: PATCH yes), while user updates stay PUT-only.
 */
import { expect } from 'vitest';
import { newUser, PATCH_SCHEMA, SCIM } from '../helpers/create-test-app.ts';
import { GROUP_SCHEMA, hasMembers, provisionMembers } from './group-steps.ts';
import { replay } from './replay.ts';

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });

replay(
  'PingFederate groups: list all pages, match, create, PATCH members (idp-behaviour.md §8)',
  [
    provisionMembers(2, 'ping'),
    {
      step: 'other groups already exist (pushed earlier)',
      async run(app, vars) {
        for (let i = 1; i <= 5; i++) {
          const response = await app.request('POST', `${SCIM}/Groups`, {
            body: { schemas: [GROUP_SCHEMA], displayName: `Existing ${i}` },
          });
          expect(response.status, response.text).toBe(201);
          vars[`g${i}`] = response.body.id;
        }
      },
    },
    {
      step: 'list all groups, page 1 (count=2)',
      method: 'GET',
      path: `${SCIM}/Groups?startIndex=1&count=2`,
      expect: {
        status: 200,
        list: { totalResults: 5, startIndex: 1, itemsPerPage: 2, ids: ['{{g1}}', '{{g2}}'] },
      },
    },
    {
      step: 'page 2',
      method: 'GET',
      path: `${SCIM}/Groups?startIndex=3&count=2`,
      expect: {
        status: 200,
        list: { totalResults: 5, startIndex: 3, itemsPerPage: 2, ids: ['{{g3}}', '{{g4}}'] },
      },
    },
    {
      step: 'page 3, the last',
      method: 'GET',
      path: `${SCIM}/Groups?startIndex=5&count=2`,
      expect: {
        status: 200,
        list: { totalResults: 5, startIndex: 5, itemsPerPage: 1, ids: ['{{g5}}'] },
      },
    },
    {
      step: 'no match found, so Ping creates the group → 201',
      method: 'POST',
      path: `${SCIM}/Groups`,
      body: { schemas: [GROUP_SCHEMA], displayName: 'Computing Section', members: [] },
      expect: { status: 201, body: { displayName: 'Computing Section' } },
      save: { gid: (r) => r.body.id },
    },
    {
      step: 'membership with PATCH add → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch({
        op: 'add',
        path: 'members',
        value: [{ value: '{{u1}}' }, { value: '{{u2}}' }],
      }),
      expect: { status: 204 },
    },
    {
      step: 'a PUT-only user update carrying groups: [] → 200, memberships unchanged',
      method: 'PUT',
      path: `${SCIM}/Users/{{u1}}`,
      body: (vars: Record<string, unknown>) => ({
        ...newUser(String(vars.u1Local), { displayName: 'Ping Renamed' }),
        id: vars.u1,
        groups: [],
      }),
      expect: {
        status: 200,
        body: { displayName: 'Ping Renamed', groups: [{ value: '{{gid}}' }] },
      },
    },
    {
      step: 'the next full listing shows the new group with both members',
      method: 'GET',
      path: `${SCIM}/Groups?startIndex=1&count=100`,
      expect: {
        status: 200,
        list: { totalResults: 6 },
        check: (r, vars) => {
          const group = r.body.Resources.find((g: { id: string }) => g.id === vars.gid);
          hasMembers('u1', 'u2')({ ...r, body: group }, vars);
        },
      },
    },
    {
      step: 'membership with PATCH remove by filter → 204',
      method: 'PATCH',
      path: `${SCIM}/Groups/{{gid}}`,
      body: patch({ op: 'remove', path: 'members[value eq "{{u2}}"]' }),
      expect: { status: 204 },
    },
    {
      step: 'GET /Groups/{id} shows the remaining member',
      method: 'GET',
      path: `${SCIM}/Groups/{{gid}}`,
      expect: { status: 200, check: hasMembers('u1') },
    },
  ],
  { headers: { 'User-Agent': 'PingFederate/12.0' } },
);
