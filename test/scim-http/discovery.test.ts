/**
 * Checklist §11 items 9–10 (idp-behaviour.md §2.8, §2.9): the discovery documents, and that what
 * they advertise is what the server does.
 */
import { describe, expect, it } from 'vitest';
import { ENTERPRISE_SCHEMA, STORE_KINDS, USER_SCHEMA } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectListResponse,
  expectScimError,
  nullPaths,
  SCIM,
  SCIM_CONTENT_TYPE,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface AttributeDoc {
  name: string;
  type: string;
  multiValued: boolean;
  required: boolean;
  caseExact?: boolean;
  mutability: string;
  returned: string;
  uniqueness: string;
  subAttributes?: AttributeDoc[];
}

function flatten(attributes: AttributeDoc[], prefix = ''): [string, AttributeDoc][] {
  return attributes.flatMap((a) => [
    [`${prefix}${a.name}`, a] as [string, AttributeDoc],
    ...flatten(a.subAttributes ?? [], `${prefix}${a.name}.`),
  ]);
}

describe.each(STORE_KINDS)('discovery (%s)', (kind) => {
  const getApp = useTestApp(kind, { env: { ROSTER_CURSOR_TIMEOUT_SECONDS: '321' } });

  it('#9 ServiceProviderConfig advertises patch, filter, etag, sort, bulk, auth and pagination', async () => {
    const response = await getApp().request('GET', `${SCIM}/ServiceProviderConfig`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(SCIM_CONTENT_TYPE);
    const spc = response.body;
    expect(spc.schemas).toEqual([SPC_SCHEMA]);
    expect(spc.patch).toEqual({ supported: true });
    expect(spc.filter.supported).toBe(true);
    expect(Number.isInteger(spc.filter.maxResults)).toBe(true);
    expect(spc.filter.maxResults).toBeGreaterThan(0);
    expect(spc.etag).toEqual({ supported: true });
    expect(spc.sort).toEqual({ supported: true });
    expect(spc.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 4_194_304 });
    expect(spc.changePassword.supported).toBe(false);
    expect(spc.authenticationSchemes).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'oauthbearertoken' })]),
    );
    for (const scheme of spc.authenticationSchemes) {
      expect(typeof scheme.name).toBe('string');
      expect(typeof scheme.description).toBe('string');
    }
    expect(spc.pagination).toMatchObject({
      index: true,
      cursor: true,
      defaultPaginationMethod: 'index',
      cursorTimeout: 321,
    });
    expect(Number.isInteger(spc.pagination.defaultPageSize)).toBe(true);
    expect(Number.isInteger(spc.pagination.maxPageSize)).toBe(true);
    expect(spc.pagination.defaultPageSize).toBeLessThanOrEqual(spc.pagination.maxPageSize);
    expect(spc.meta.resourceType).toBe('ServiceProviderConfig');
    expect(nullPaths(spc)).toEqual([]);
  });

  it('#9 what ServiceProviderConfig advertises is true (etag, sort, page sizes, bulk)', async () => {
    const app = getApp();
    const { body: spc } = await app.request('GET', `${SCIM}/ServiceProviderConfig`);
    const a = await createUser(app, `aaa-${unique('spc')}`);
    const z = await createUser(app, `zzz-${unique('spc')}`);

    // etag.supported: GET carries an ETag equal to meta.version.
    const got = await app.request('GET', `${SCIM}/Users/${a.id}`);
    expect(got.headers.get('etag')).toBe(got.body.meta.version);

    // sort.supported: sortBy/sortOrder change the order.
    const names = async (order: string) => {
      const r = await app.request(
        'GET',
        `${SCIM}/Users?sortBy=userName&sortOrder=${order}&count=200`,
      );
      expectListResponse(r);
      return (r.body.Resources as { userName: string }[]).map((u) => u.userName.toLowerCase());
    };
    const ascending = await names('ascending');
    expect(ascending).toEqual([...ascending].sort());
    const descending = await names('descending');
    expect(descending).toEqual([...ascending].reverse());
    expect(ascending.indexOf(a.userName)).toBeLessThan(ascending.indexOf(z.userName));

    // defaultPageSize and maxPageSize/maxResults bound index pages.
    const defaulted = await app.request('GET', `${SCIM}/Users`);
    expect(defaulted.body.itemsPerPage).toBeLessThanOrEqual(spc.pagination.defaultPageSize);
    const capped = await app.request(
      'GET',
      `${SCIM}/Users?count=${spc.pagination.maxPageSize + 50}`,
    );
    expect(capped.body.itemsPerPage).toBeLessThanOrEqual(spc.filter.maxResults);
    // maxPageSize is the cursor-mode bound (RFC 9865 invalidCount above it).
    const over = await app.request(
      'GET',
      `${SCIM}/Users?cursor&count=${spc.pagination.maxPageSize + 1}`,
    );
    expectScimError(over, 400, 'invalidCount');
    const atMax = await app.request(
      'GET',
      `${SCIM}/Users?cursor&count=${spc.pagination.maxPageSize}`,
    );
    expect(atMax.status).toBe(200);

    // bulk.supported: /Bulk answers; its limits are tested in bulk.test.ts.
    const bulk = await app.request('POST', `${SCIM}/Bulk`, {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] },
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.Operations).toEqual([]);
  });

  it('#9 ServiceProviderConfig with a filter is 403 (RFC 7644 §4)', async () => {
    expectScimError(
      await getApp().request(
        'GET',
        `${SCIM}/ServiceProviderConfig?filter=${encodeURIComponent('patch.supported eq true')}`,
      ),
      403,
    );
  });

  it('#10 ResourceTypes is a ListResponse with the User type and its extension', async () => {
    const response = await getApp().request('GET', `${SCIM}/ResourceTypes`);
    expectListResponse(response);
    const list = response.body;
    expect(list.totalResults).toBe(list.Resources.length);
    expect(list.startIndex).toBe(1);
    const user = list.Resources.find((r: { id: string }) => r.id === 'User');
    expect(user).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      name: 'User',
      endpoint: '/Users',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
    });
    const group = list.Resources.find((r: { id: string }) => r.id === 'Group');
    expect(group).toMatchObject({ name: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA });
    expect(group.schemaExtensions).toEqual([]);
    expect(nullPaths(list)).toEqual([]);
    const single = await getApp().request('GET', `${SCIM}/ResourceTypes/User`);
    expect(single.status).toBe(200);
    expect(single.body.id).toBe('User');
  });

  it('#10 Schemas is a ListResponse with User, EnterpriseUser and Group, camelCase, no nulls', async () => {
    const response = await getApp().request('GET', `${SCIM}/Schemas`);
    expectListResponse(response);
    const list = response.body;
    expect(list.totalResults).toBe(list.Resources.length);
    expect(list.itemsPerPage).toBe(list.Resources.length);
    const ids = list.Resources.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([USER_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA]));
    expect(nullPaths(list)).toEqual([]);

    for (const schema of list.Resources) {
      expect(schema.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
      expect(typeof schema.name).toBe('string');
      for (const [path, attribute] of flatten(schema.attributes)) {
        const where = `${schema.id}:${path}`;
        expect(typeof attribute.type, where).toBe('string');
        expect([
          'string',
          'boolean',
          'decimal',
          'integer',
          'dateTime',
          'reference',
          'binary',
          'complex',
        ]).toContain(attribute.type);
        expect(typeof attribute.multiValued, where).toBe('boolean');
        expect(typeof attribute.required, where).toBe('boolean');
        expect(['readOnly', 'readWrite', 'immutable', 'writeOnly'], where).toContain(
          attribute.mutability,
        );
        expect(['always', 'never', 'default', 'request'], where).toContain(attribute.returned);
        expect(['none', 'server', 'global'], where).toContain(attribute.uniqueness);
        if (attribute.type === 'string') expect(typeof attribute.caseExact, where).toBe('boolean');
      }
    }
    const user = list.Resources.find((s: { id: string }) => s.id === USER_SCHEMA);
    const attributes = new Map(flatten(user.attributes));
    expect(attributes.get('userName')).toMatchObject({
      required: true,
      caseExact: false,
      uniqueness: 'server',
      mutability: 'readWrite',
    });
    expect(attributes.get('password')).toMatchObject({
      mutability: 'writeOnly',
      returned: 'never',
    });
    expect(attributes.get('groups')?.mutability).toBe('readOnly');
    expect(attributes.get('emails')?.multiValued).toBe(true);
    expect(attributes.get('active')?.type).toBe('boolean');
    const enterprise = list.Resources.find((s: { id: string }) => s.id === ENTERPRISE_SCHEMA);
    const manager = new Map(flatten(enterprise.attributes)).get('manager');
    expect(manager?.type).toBe('complex');
    const group = new Map(
      flatten(list.Resources.find((s: { id: string }) => s.id === GROUP_SCHEMA).attributes),
    );
    expect(group.get('displayName')).toMatchObject({ required: true, uniqueness: 'server' });
    expect(group.get('members')).toMatchObject({ multiValued: true, mutability: 'readWrite' });
  });

  it('#10 each schema can be read by its URN', async () => {
    const app = getApp();
    for (const id of [USER_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA]) {
      const response = await app.request('GET', `${SCIM}/Schemas/${id}`);
      expect(response.status, id).toBe(200);
      expect(response.body.id).toBe(id);
    }
    expectScimError(await app.request('GET', `${SCIM}/Schemas/urn:example:NoSuchSchema`), 404);
  });
});

/**
 * Issue 13: clients that refuse attributes RFC 7643 §5 does not define in the config (python's
 * scim2-models, and scim2-tester on it) cannot start on RFC 9865's `pagination`; the operator
 * can leave it out (docs/idp-compatibility.md). Cursor paging still works, unadvertised.
 */
describe('ServiceProviderConfig without RFC 9865 pagination (ROSTER_SCIM_SPC_PAGINATION=off)', () => {
  const getApp = useTestApp('sqlite', { env: { ROSTER_SCIM_SPC_PAGINATION: 'off' } });
  const RFC_7643_ATTRIBUTES = [
    'schemas',
    'documentationUri',
    'patch',
    'bulk',
    'filter',
    'changePassword',
    'sort',
    'etag',
    'authenticationSchemes',
    'meta',
  ];

  it('holds only the attributes RFC 7643 §5 defines, and cursors still page', async () => {
    const spc = (await getApp().request('GET', `${SCIM}/ServiceProviderConfig`)).body;
    expect(Object.keys(spc).sort()).toEqual([...RFC_7643_ATTRIBUTES].sort());
    await createUser(getApp(), unique('paged'));
    const page = await getApp().request('GET', `${SCIM}/Users?cursor&count=1`);
    expect(page.status).toBe(200);
    expect(page.body.Resources).toHaveLength(1);
  });
});
