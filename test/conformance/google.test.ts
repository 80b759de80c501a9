/**
 * Google Workspace auto-provisioning replayed against the real app (idp-behaviour.md §5, §2.1,
 * §2.5): `Content-Type: application/json`, `User-Agent: Google-Auto-Provisioning`, the legacy
 * `urn:scim:schemas:core:1.0` URN in `schemas`, lookups with `startIndex=1` and no `count`.
 */
import { expect } from 'vitest';
import { SCIM, USER_SCHEMA } from '../helpers/create-test-app.ts';
import { encodedFilter, replay } from './replay.ts';

const GOOGLE_HEADERS = {
  'User-Agent': 'Google-Auto-Provisioning',
  'Content-Type': 'application/json',
};
const LEGACY_SCHEMA = 'urn:scim:schemas:core:1.0';

/** §5 "Wire": the POST body shape Google's connector sends. */
function googleCreate(userName: string, given: string, family: string) {
  return {
    schemas: [LEGACY_SCHEMA, USER_SCHEMA],
    userName,
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `${given} ${family}`,
    name: { givenName: given, familyName: family },
    active: true,
  };
}

const lookup = (userName: string) =>
  `${SCIM}/Users?${encodedFilter(`userName eq "${userName}"`)}&startIndex=1`;

replay(
  'Google Workspace auto-provisioning (idp-behaviour.md §5)',
  [
    {
      step: 'plain GET /Users on an empty account → 200 empty ListResponse',
      method: 'GET',
      path: `${SCIM}/Users`,
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
    {
      step: 'lookup userName eq with startIndex=1 and no count → 200, nothing found',
      method: 'GET',
      path: lookup('Dorothy.Vaughan@example.com'),
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
    {
      step: 'POST (application/json) with the legacy core 1.0 URN in schemas → 201',
      method: 'POST',
      path: `${SCIM}/Users`,
      body: googleCreate('Dorothy.Vaughan@example.com', 'Dorothy', 'Vaughan'),
      expect: {
        status: 201,
        body: {
          userName: 'Dorothy.Vaughan@example.com',
          emails: [{ primary: true, value: 'Dorothy.Vaughan@example.com', type: 'work' }],
          displayName: 'Dorothy Vaughan',
          name: { givenName: 'Dorothy', familyName: 'Vaughan' },
          active: true,
        },
        check: ({ body }) => {
          expect(body.schemas).toContain(USER_SCHEMA);
          // Strict in what it emits: the legacy URN is accepted, not echoed (§11 item 14).
          expect(body.schemas).not.toContain(LEGACY_SCHEMA);
        },
      },
      save: { id: (r) => r.body.id },
    },
    {
      step: 'lookup with startIndex=1 and no count finds the user',
      method: 'GET',
      path: lookup('Dorothy.Vaughan@example.com'),
      expect: {
        status: 200,
        list: { totalResults: 1, startIndex: 1, itemsPerPage: 1, ids: ['{{id}}'] },
        body: { Resources: [{ userName: 'Dorothy.Vaughan@example.com', active: true }] },
      },
    },
    {
      step: 'GET /Users/{id}',
      method: 'GET',
      path: `${SCIM}/Users/{{id}}`,
      expect: {
        status: 200,
        body: { id: '{{id}}', userName: 'Dorothy.Vaughan@example.com', active: true },
        check: ({ body }) => expect(body.schemas).toEqual([USER_SCHEMA]),
      },
    },
    {
      step: 'POST with Content-Type: application/json; charset=utf-8 → 201',
      method: 'POST',
      path: `${SCIM}/Users`,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: googleCreate('Mary.Jackson@example.com', 'Mary', 'Jackson'),
      expect: { status: 201, body: { userName: 'Mary.Jackson@example.com', active: true } },
      save: { maryId: (r) => r.body.id },
    },
    {
      step: 'plain GET /Users lists both provisioned users',
      method: 'GET',
      path: `${SCIM}/Users`,
      expect: {
        status: 200,
        list: { totalResults: 2, startIndex: 1, itemsPerPage: 2 },
        check: ({ body }, vars) => {
          expect(body.Resources.map((u: { id: string }) => u.id).sort()).toEqual(
            [vars.id, vars.maryId].sort(),
          );
        },
      },
    },
    {
      step: 'a re-POST of an existing user (already provisioned) → 409 uniqueness',
      method: 'POST',
      path: `${SCIM}/Users`,
      body: googleCreate('Dorothy.Vaughan@example.com', 'Dorothy', 'Vaughan'),
      expect: { status: 409, scimType: 'uniqueness' },
    },
    {
      step: 'removal from the app (HubSpot KB wording: "eliminato") → DELETE 204',
      method: 'DELETE',
      path: `${SCIM}/Users/{{maryId}}`,
      expect: { status: 204 },
    },
    {
      step: 'the removed user is no longer found by the lookup',
      method: 'GET',
      path: lookup('Mary.Jackson@example.com'),
      expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
    },
  ],
  { headers: GOOGLE_HEADERS },
);
