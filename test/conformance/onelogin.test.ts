/**
 * OneLogin's "SCIM Provisioner with SAML (SCIM v2 Enterprise)" replayed against the real app
 * (idp-behaviour.md §6, §10, §11 item 14). Bodies come from an admin-written JSON template, so
 * unset placeholders arrive as empty strings, the manager as `{"value": "", "displayName": " "}`,
 * addresses without `type`, and the legacy core 1.0 URN in `schemas`. The update method is not
 * documented, so both PUT and PATCH are replayed; Suspend becomes `active=false`.
 */
import { expect } from 'vitest';
import {
  ENTERPRISE_SCHEMA,
  PATCH_SCHEMA,
  SCIM,
  type TestResponse,
  USER_SCHEMA,
} from '../helpers/create-test-app.ts';
import { encodedFilter, replay } from './replay.ts';

const LEGACY_SCHEMA = 'urn:scim:schemas:core:1.0';

interface TemplateValues {
  readonly active?: boolean;
  readonly title?: string;
  readonly familyName?: string;
  readonly department?: string;
}

/**
 * The SCIM JSON Template with `{$parameters.scimusername}`, `{$user.firstname}`... filled in;
 * placeholders without a value in OneLogin come out as "" (and " " for a joined display name).
 */
function template({
  active = true,
  title = '',
  familyName = 'Johnson',
  department = '',
}: TemplateValues = {}) {
  return {
    schemas: [LEGACY_SCHEMA, USER_SCHEMA, ENTERPRISE_SCHEMA],
    userName: 'Katherine.Johnson@example.com',
    name: { givenName: 'Katherine', familyName },
    emails: [{ value: 'Katherine.Johnson@example.com', type: 'work', primary: true }],
    title,
    active,
    phoneNumbers: [{ value: '', type: 'work' }],
    addresses: [
      {
        streetAddress: '1 NASA Drive',
        locality: 'Hampton',
        region: 'VA',
        postalCode: '23666',
        country: 'US',
      },
    ],
    [ENTERPRISE_SCHEMA]: {
      department,
      manager: { value: '', displayName: ' ' },
    },
  };
}

const ADDRESS = {
  streetAddress: '1 NASA Drive',
  locality: 'Hampton',
  region: 'VA',
  postalCode: '23666',
  country: 'US',
};

/** Empty placeholders are unassigned values: no manager, no phone number with an empty value. */
const noManager = (r: TestResponse) => {
  expect(r.body?.[ENTERPRISE_SCHEMA]?.manager, 'empty manager placeholder').toBeUndefined();
  expect(r.body?.phoneNumbers, 'empty phone number placeholder').toBeUndefined();
};

replay('OneLogin SCIM JSON template (idp-behaviour.md §6)', [
  {
    step: 'API connection enabled: initial GET /Users → 200',
    method: 'GET',
    path: `${SCIM}/Users`,
    expect: { status: 200, list: { totalResults: 0, startIndex: 1, itemsPerPage: 0, ids: [] } },
  },
  {
    step: 'lookup on userName (the scimusername parameter) finds nothing',
    method: 'GET',
    path: `${SCIM}/Users?${encodedFilter('userName eq "Katherine.Johnson@example.com"')}`,
    expect: { status: 200, list: { totalResults: 0, ids: [] } },
  },
  {
    step: 'create from the template: empty strings, empty manager, untyped address → 201',
    method: 'POST',
    path: `${SCIM}/Users`,
    body: template(),
    expect: {
      status: 201,
      body: {
        userName: 'Katherine.Johnson@example.com',
        name: { givenName: 'Katherine', familyName: 'Johnson' },
        emails: [{ value: 'Katherine.Johnson@example.com', type: 'work', primary: true }],
        addresses: [ADDRESS],
        active: true,
      },
      absent: ['title'],
      check: (r) => {
        noManager(r);
        expect(r.body.schemas).not.toContain(LEGACY_SCHEMA);
        expect(r.body[ENTERPRISE_SCHEMA]?.department).toBeUndefined();
      },
    },
    save: { id: (r) => r.body.id },
  },
  {
    step: 'lookup finds the user',
    method: 'GET',
    path: `${SCIM}/Users?${encodedFilter('userName eq "Katherine.Johnson@example.com"')}`,
    expect: { status: 200, list: { totalResults: 1, ids: ['{{id}}'] } },
  },
  {
    step: 'update by PUT of the template with a title, department and a new familyName',
    method: 'PUT',
    path: `${SCIM}/Users/{{id}}`,
    body: template({ title: 'Mathematician', familyName: 'Goble', department: 'Flight' }),
    expect: {
      status: 200,
      body: {
        id: '{{id}}',
        userName: 'Katherine.Johnson@example.com',
        name: { givenName: 'Katherine', familyName: 'Goble' },
        title: 'Mathematician',
        addresses: [ADDRESS],
        [ENTERPRISE_SCHEMA]: { department: 'Flight' },
        active: true,
      },
      check: noManager,
    },
  },
  {
    step: 'update by PATCH replace of name.familyName',
    method: 'PATCH',
    path: `${SCIM}/Users/{{id}}`,
    body: {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'name.familyName', value: 'Johnson' }],
    },
    expect: {
      status: 200,
      body: {
        id: '{{id}}',
        name: { givenName: 'Katherine', familyName: 'Johnson' },
        title: 'Mathematician',
        active: true,
      },
    },
  },
  {
    step: 'PUT of the template with the title placeholder empty again unassigns title',
    method: 'PUT',
    path: `${SCIM}/Users/{{id}}`,
    body: template({ department: 'Flight' }),
    expect: {
      status: 200,
      body: { id: '{{id}}', active: true, [ENTERPRISE_SCHEMA]: { department: 'Flight' } },
      absent: ['title'],
      check: noManager,
    },
    save: { version: (r) => r.body.meta.version },
  },
  {
    step: 'the next sync PUTs the same template again: nothing changes, meta.version included',
    method: 'PUT',
    path: `${SCIM}/Users/{{id}}`,
    body: template({ department: 'Flight' }),
    expect: {
      status: 200,
      body: { id: '{{id}}', active: true, meta: { version: '{{version}}' } },
    },
  },
  {
    step: 'Suspend (PATCH) → active=false',
    method: 'PATCH',
    path: `${SCIM}/Users/{{id}}`,
    body: {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    },
    expect: { status: 200, body: { id: '{{id}}', active: false } },
  },
  {
    step: 'GET shows the suspended user with active: false',
    method: 'GET',
    path: `${SCIM}/Users/{{id}}`,
    expect: { status: 200, body: { id: '{{id}}', active: false } },
  },
  {
    step: 'unsuspend by PUT of the template with active true',
    method: 'PUT',
    path: `${SCIM}/Users/{{id}}`,
    body: template({ active: true }),
    expect: { status: 200, body: { id: '{{id}}', active: true } },
  },
  {
    step: 'Suspend (PUT) of the template with active false → active=false',
    method: 'PUT',
    path: `${SCIM}/Users/{{id}}`,
    body: template({ active: false }),
    expect: { status: 200, body: { id: '{{id}}', active: false } },
  },
  {
    step: 'the filter still returns the suspended user, active: false',
    method: 'GET',
    path: `${SCIM}/Users?${encodedFilter('userName eq "Katherine.Johnson@example.com"')}`,
    expect: {
      status: 200,
      list: { totalResults: 1, ids: ['{{id}}'] },
      body: { Resources: [{ active: false }] },
    },
  },
  {
    step: 'provisioning option "Delete": DELETE → 204',
    method: 'DELETE',
    path: `${SCIM}/Users/{{id}}`,
    expect: { status: 204 },
  },
  {
    step: 'after DELETE, GET → 404',
    method: 'GET',
    path: `${SCIM}/Users/{{id}}`,
    expect: { status: 404 },
  },
]);
