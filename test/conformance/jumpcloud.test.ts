/**
 * JumpCloud custom SCIM integration replayed against the real app (idp-behaviour.md §7, §1.2.8,
 * §11 items 16, 70). Test Connection creates a test user (at the "Test User Email", which must be
 * in a verified domain) and a test group with the user in it, then deletes both. Updates
 * are one `replace` op per attribute, each with a path, `active` as a boolean.
 */
import { PATCH_SCHEMA, SCIM, USER_SCHEMA } from '../helpers/create-test-app.ts';
import { encodedFilter, replay } from './replay.ts';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

function jumpcloudUser(userName: string, givenName: string, familyName: string) {
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName, familyName },
    displayName: `${givenName} ${familyName}`,
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
  };
}

replay('JumpCloud Test Connection (idp-behaviour.md §7)', [
  {
    step: 'GET /Users answers 200 even with zero users',
    method: 'GET',
    path: `${SCIM}/Users`,
    expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
  },
  {
    step: 'a Test User Email at an unverified domain → 400 invalidValue naming the domain',
    method: 'POST',
    path: `${SCIM}/Users`,
    body: jumpcloudUser('jc.test.user@unverified-jumpcloud.example', 'JumpCloud', 'Test'),
    expect: {
      status: 400,
      scimType: 'invalidValue',
      detailMentions: 'unverified-jumpcloud.example',
    },
  },
  {
    step: 'the refused user was not created',
    method: 'GET',
    path: `${SCIM}/Users?${encodedFilter('userName eq "jc.test.user@unverified-jumpcloud.example"')}`,
    expect: { status: 200, list: { totalResults: 0, ids: [] } },
  },
  {
    step: 'create the test user at the verified domain → 201',
    method: 'POST',
    path: `${SCIM}/Users`,
    body: jumpcloudUser('JC.Test.User@example.com', 'JumpCloud', 'Test'),
    expect: {
      status: 201,
      body: {
        userName: 'JC.Test.User@example.com',
        name: { givenName: 'JumpCloud', familyName: 'Test' },
        emails: [{ value: 'JC.Test.User@example.com', type: 'work', primary: true }],
        active: true,
      },
    },
    save: { testUserId: (r) => r.body.id },
  },
  {
    step: 'create the test group with the test user in it → 201 with the member',
    method: 'POST',
    path: `${SCIM}/Groups`,
    body: {
      schemas: [GROUP_SCHEMA],
      displayName: 'JumpCloud Test Group',
      members: [{ value: '{{testUserId}}' }],
    },
    expect: {
      status: 201,
      body: {
        displayName: 'JumpCloud Test Group',
        members: [{ value: '{{testUserId}}', type: 'User' }],
      },
    },
    save: { testGroupId: (r) => r.body.id },
  },
  {
    step: 'delete the test group → 204',
    method: 'DELETE',
    path: `${SCIM}/Groups/{{testGroupId}}`,
    expect: { status: 204 },
  },
  {
    step: 'the test group is gone: GET → 404',
    method: 'GET',
    path: `${SCIM}/Groups/{{testGroupId}}`,
    expect: { status: 404 },
  },
  {
    step: 'delete the test user → 204',
    method: 'DELETE',
    path: `${SCIM}/Users/{{testUserId}}`,
    expect: { status: 204 },
  },
  {
    step: 'the test user is gone for SCIM: GET → 404',
    method: 'GET',
    path: `${SCIM}/Users/{{testUserId}}`,
    expect: { status: 404 },
  },
  {
    step: 'a second Test Connection re-creates the same test user → 201',
    method: 'POST',
    path: `${SCIM}/Users`,
    body: jumpcloudUser('JC.Test.User@example.com', 'JumpCloud', 'Test'),
    expect: {
      status: 201,
      body: { id: '{{testUserId}}', userName: 'JC.Test.User@example.com', active: true },
    },
  },
  {
    step: '…and deletes it again → 204',
    method: 'DELETE',
    path: `${SCIM}/Users/{{testUserId}}`,
    expect: { status: 204 },
  },
]);

replay('JumpCloud provisioning: one replace op per attribute (idp-behaviour.md §7)', [
  {
    step: 'lookup by filter finds nothing',
    method: 'GET',
    path: `${SCIM}/Users?${encodedFilter('userName eq "Mary.Jackson@example.com"')}`,
    expect: { status: 200, list: { totalResults: 0, ids: [] } },
  },
  {
    step: 'create → 201',
    method: 'POST',
    path: `${SCIM}/Users`,
    body: jumpcloudUser('Mary.Jackson@example.com', 'Mary', 'Jackson'),
    expect: { status: 201, body: { userName: 'Mary.Jackson@example.com', active: true } },
    save: { id: (r) => r.body.id },
  },
  {
    step: 'update: one replace op per attribute, each with a path, active as boolean false',
    method: 'PATCH',
    path: `${SCIM}/Users/{{id}}`,
    body: {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'replace', path: 'name.givenName', value: 'Mary Winston' },
        { op: 'replace', path: 'name.familyName', value: 'Jackson' },
        { op: 'replace', path: 'displayName', value: 'Mary W. Jackson' },
        { op: 'replace', path: 'title', value: 'Aerospace Engineer' },
        { op: 'replace', path: 'active', value: false },
      ],
    },
    expect: {
      status: 200,
      body: {
        id: '{{id}}',
        userName: 'Mary.Jackson@example.com',
        name: { givenName: 'Mary Winston', familyName: 'Jackson' },
        displayName: 'Mary W. Jackson',
        title: 'Aerospace Engineer',
        active: false,
      },
    },
  },
  {
    step: 'GET shows active: false and the earlier changes',
    method: 'GET',
    path: `${SCIM}/Users/{{id}}`,
    expect: {
      status: 200,
      body: {
        active: false,
        name: { givenName: 'Mary Winston', familyName: 'Jackson' },
        displayName: 'Mary W. Jackson',
      },
    },
  },
  {
    step: 'reactivate: replace ops per attribute, active as boolean true',
    method: 'PATCH',
    path: `${SCIM}/Users/{{id}}`,
    body: {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'replace', path: 'title', value: 'Engineer' },
        { op: 'replace', path: 'active', value: true },
      ],
    },
    expect: { status: 200, body: { title: 'Engineer', active: true } },
  },
  {
    step: 'the filter returns the reactivated user',
    method: 'GET',
    path: `${SCIM}/Users?${encodedFilter('userName eq "Mary.Jackson@example.com"')}`,
    expect: {
      status: 200,
      list: { totalResults: 1, ids: ['{{id}}'] },
      body: { Resources: [{ active: true, title: 'Engineer' }] },
    },
  },
]);
