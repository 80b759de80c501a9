/**
 * A generator of malformed requests across every SCIM endpoint and method: bodies broken at the
 * value and byte level, every attribute given every wrong type, PATCH operations and paths
 * (the §3.5.2 path grammar, then damaged), Bulk bodies (bulkId cycles, bad methods, bad paths),
 * headers (Content-Type, If-Match/If-None-Match, Authorization), query parameters (startIndex,
 * count, cursor, filters past every limit or damaged), odd paths and methods. The admin API part
 * lives in admin-requests.ts. The server must answer every one of them below 500.
 */
import type { AttributeDefinition } from '../../src/scim/schemas/attribute.ts';
import {
  commonAttributes,
  groupResourceType,
  type ResourceTypeDefinition,
  userResourceType,
} from '../../src/scim/schemas/resource-types.ts';
import { adminRequest } from './admin-requests.ts';
import { badFilter, mutateText, ODD_PATHS } from './broken-filters.ts';
import { type FuzzResource, generateListRequest, generatePatchPath } from './filter-grammar.ts';
import { API, type FuzzRequest, type FuzzWorld, SCIM, type Tenant } from './fuzz-world.ts';
import {
  corruptBytes,
  mutateJson,
  oddKey,
  RawJson,
  setOwn,
  toJsonText,
  wrongValue,
} from './json-mutations.ts';
import {
  CONTENT_TYPES,
  CURSOR_GARBAGE,
  ENTITY_TAGS,
  GARBAGE_SEGMENTS,
  METHODS,
  NUMBER_GARBAGE,
  percentEncode,
  queryValue,
  randomUuid,
  sendablePath,
  USER_AGENTS,
} from './odd-inputs.ts';
import type { Random } from './random.ts';
import {
  BULK_SCHEMA,
  groupBody,
  type Json,
  PATCH_SCHEMA,
  patchBody,
  SEARCH_SCHEMA,
  userBody,
} from './scim-bodies.ts';

type Headers = Record<string, string | string[]>;

function scimHeaders(r: Random, tenant: Tenant | undefined, withBody: boolean): Headers {
  const headers: Headers = {};
  if (tenant) headers.Authorization = `Bearer ${tenant.token}`;
  if (withBody) {
    headers['Content-Type'] = r.weighted([
      [6, 'application/scim+json'],
      [3, 'application/json'],
      [1, 'application/scim+json; charset=utf-8'],
    ]);
  }
  if (r.chance(0.3)) headers['User-Agent'] = r.pick(USER_AGENTS);
  return headers;
}

/** Serialised body: usually well-formed JSON text of `value`, sometimes damaged bytes. */
function encode(r: Random, value: unknown, corrupt = 0.15): Buffer {
  const text = toJsonText(value);
  return r.chance(corrupt) ? corruptBytes(r, text) : Buffer.from(text, 'utf8');
}

function tenantOf(r: Random): number {
  return r.chance(0.65) ? 0 : 1;
}

interface IdChoice {
  readonly segment: string;
  /** Set when the id belongs to the other tenant: any 2xx is a cross-tenant leak. */
  readonly mustFail?: string;
}

/** An id for /Users/{id} or /Groups/{id}: own, the other tenant's, unknown or garbage. */
function targetId(r: Random, world: FuzzWorld, tenant: number, resource: FuzzResource): IdChoice {
  const own = world.tenants[tenant] as Tenant;
  const other = world.tenants[1 - tenant] as Tenant;
  const ids = (t: Tenant) => (resource === 'User' ? t.userIds : t.groupIds);
  return r.weighted<() => IdChoice>([
    [60, () => ({ segment: r.pick(ids(own)) })],
    [
      14,
      () => ({
        segment: r.pick(ids(other)),
        mustFail: `tenant ${own.label}'s token on tenant ${other.label}'s ${resource.toLowerCase()}`,
      }),
    ],
    [4, () => ({ segment: r.pick(resource === 'User' ? own.groupIds : own.userIds) })],
    [7, () => ({ segment: randomUuid(r) })],
    [15, () => ({ segment: r.pick(GARBAGE_SEGMENTS) })],
  ])();
}

// ---------------------------------------------------------------------------------------------
// Bodies: every attribute given every wrong type.

/** Where an attribute sits in a resource body: ['name', 'givenName'], ['emails', 0, 'type']. */
function attributeSlots(resourceType: ResourceTypeDefinition): (string | number)[][] {
  const slots: (string | number)[][] = [['schemas'], ['schemas', 0]];
  const walk = (attributes: readonly AttributeDefinition[], prefix: (string | number)[]) => {
    for (const a of attributes) {
      slots.push([...prefix, a.name]);
      if (a.multiValued) slots.push([...prefix, a.name, 0]);
      for (const s of a.subAttributes ?? []) {
        slots.push(a.multiValued ? [...prefix, a.name, 0, s.name] : [...prefix, a.name, s.name]);
      }
    }
  };
  walk(commonAttributes, []);
  walk(resourceType.schema.attributes, []);
  for (const { schema } of resourceType.extensions) {
    slots.push([schema.id]);
    walk(schema.attributes, [schema.id]);
  }
  return slots;
}

const SLOTS: Readonly<Record<FuzzResource, (string | number)[][]>> = {
  User: attributeSlots(userResourceType),
  Group: attributeSlots(groupResourceType),
};

/** `body` with the value at `slot` set to `value`, creating the containers on the way. */
function setAt(body: Json, slot: readonly (string | number)[], value: unknown): Json {
  let node: Record<string | number, unknown> = body;
  for (let i = 0; i < slot.length - 1; i++) {
    const key = slot[i] as string | number;
    const nextIsIndex = typeof slot[i + 1] === 'number';
    const existing = node[key];
    if (existing === null || typeof existing !== 'object') {
      node[key] = nextIsIndex ? [] : {};
    } else if (nextIsIndex !== Array.isArray(existing)) {
      node[key] = nextIsIndex ? [existing] : {};
    }
    node = node[key] as Record<string | number, unknown>;
  }
  const last = slot[slot.length - 1] as string | number;
  if (typeof last === 'string') setOwn(node as Record<string, unknown>, last, value);
  else node[last] = value;
  return body;
}

function newUserName(r: Random, tenant: Tenant, index: number): string {
  const domain = r.chance(0.9)
    ? tenant.domain
    : r.pick(['unverified.test', 'example.org', 'xn--bcher-kva.example', 'EXAMPLE.COM']);
  return `fz${index}-${r.int(0, 1e9)}@${domain}`;
}

function resourceBody(
  r: Random,
  world: FuzzWorld,
  t: number,
  resource: FuzzResource,
  index: number,
): Json {
  const tenant = world.tenants[t] as Tenant;
  const other = world.tenants[1 - t] as Tenant;
  if (resource === 'User') {
    const manager = r.chance(0.2)
      ? r.pick(r.chance(0.8) ? tenant.userIds : other.userIds)
      : undefined;
    return userBody(r, newUserName(r, tenant, index), tenant.domain, {
      manager,
      active: r.chance(0.85),
    });
  }
  const candidates = r.chance(0.8) ? tenant.userIds : [...tenant.userIds, ...other.userIds];
  return groupBody(`fz group ${index} ${r.int(0, 1e9)}`, r.sample(candidates, r.geometric(3, 50)));
}

/** A valid resource with its attributes, or some of them, given wrong values. */
function brokenResource(
  r: Random,
  world: FuzzWorld,
  t: number,
  resource: FuzzResource,
  index: number,
): unknown {
  const body = resourceBody(r, world, t, resource, index);
  return r.weighted<() => unknown>([
    [5, () => setAt(body, r.pick(SLOTS[resource]), wrongValue(r))],
    [
      2,
      () => {
        for (let i = 0; i < r.int(2, 6); i++) setAt(body, r.pick(SLOTS[resource]), wrongValue(r));
        return body;
      },
    ],
    [4, () => mutateJson(r, body, r.geometric(1.5, 6, 1))],
    [1, () => body],
    [1, () => wrongValue(r)],
  ])();
}

function scimWrite(r: Random, world: FuzzWorld, index: number): FuzzRequest {
  const t = tenantOf(r);
  const tenant = world.tenants[t] as Tenant;
  const resource: FuzzResource = r.chance(0.65) ? 'User' : 'Group';
  const collection = `${SCIM}/${resource}s`;
  const put = r.chance(0.4);
  const target = put ? targetId(r, world, t, resource) : undefined;
  const query = r.chance(0.1)
    ? `?attributes=${percentEncode(r.pick(['userName', 'members', 'displayName,emails', '', 'x'.repeat(500)]))}`
    : '';
  const headers = scimHeaders(r, tenant, true);
  if (put && r.chance(0.2)) headers['If-Match'] = r.pick(ENTITY_TAGS);
  return {
    method: put ? 'PUT' : 'POST',
    path: `${collection}${target ? `/${target.segment}` : ''}${query}`,
    headers,
    body: encode(r, brokenResource(r, world, t, resource, index)),
    kind: `scim.${put ? 'put' : 'post'}.${resource.toLowerCase()}`,
    tenant: t,
    mustFail: target?.mustFail,
  };
}

// ---------------------------------------------------------------------------------------------
// PATCH: operations and the path grammar.

function patchPathText(r: Random, resource: FuzzResource, tenant: Tenant): string {
  return r.weighted<() => string>([
    [4, () => generatePatchPath(r, resource, tenant.values)],
    [4, () => mutateText(r, generatePatchPath(r, resource, tenant.values))],
    [3, () => r.pick(ODD_PATHS)],
  ])();
}

function scimPatch(r: Random, world: FuzzWorld, index: number): FuzzRequest {
  const t = tenantOf(r);
  const tenant = world.tenants[t] as Tenant;
  const resource: FuzzResource = r.chance(0.65) ? 'User' : 'Group';
  const target = targetId(r, world, t, resource);
  const memberIds = r.chance(0.8) ? tenant.userIds : (world.tenants[1 - t] as Tenant).userIds;
  const base = patchBody(r, resource, tenant.values, tenant.domain, r.sample(memberIds, 5));
  const operations = base.Operations as Json[];
  const body = r.weighted<() => unknown>([
    [
      6,
      () => {
        // Path grammar: every operation gets a fuzzed path.
        for (const op of operations) op.path = patchPathText(r, resource, tenant);
        return base;
      },
    ],
    [
      3,
      () => {
        const op = r.pick(operations);
        op[r.pick(['op', 'path', 'value'])] = wrongValue(r);
        return base;
      },
    ],
    [
      2,
      () => {
        const op = r.pick(operations);
        op.op = r.pick([
          'ADD',
          'Remove',
          'delete',
          'move',
          'copy',
          'test',
          '',
          ' add',
          'replace ',
          'add\u0000',
          'Ädd',
          1,
          null,
          ['add'],
        ]);
        return base;
      },
    ],
    [2, () => ({ ...base, Operations: wrongValue(r) })],
    [
      1,
      () => ({
        schemas: r.pick([
          [],
          ['urn:bad'],
          'urn:ietf:params:scim:api:messages:2.0:PatchOp',
          null,
          [PATCH_SCHEMA, 1],
        ]),
        Operations: operations,
      }),
    ],
    [1, () => ({ schemas: [PATCH_SCHEMA], Operations: [] })],
    [
      1,
      () => ({
        schemas: [PATCH_SCHEMA],
        Operations: Array.from({ length: r.int(200, 2000) }, () => r.pick(operations)),
      }),
    ],
    [
      1,
      () => ({
        schemas: [PATCH_SCHEMA],
        operations: operations.map((o) => ({ OP: o.op, PATH: o.path, VALUE: o.value })),
      }),
    ],
    [3, () => mutateJson(r, base, r.geometric(1.5, 5, 1))],
    [
      1,
      () => ({
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'add', value: brokenResource(r, world, t, resource, index) }],
      }),
    ],
  ])();
  const headers = scimHeaders(r, tenant, true);
  if (r.chance(0.25)) headers['If-Match'] = r.pick(ENTITY_TAGS);
  const query = r.chance(0.15)
    ? `?${r.pick(['attributes', 'excludedAttributes'])}=${percentEncode(r.pick(['members', 'userName,emails', 'groups', 'meta', '']))}`
    : '';
  return {
    method: 'PATCH',
    path: `${SCIM}/${resource}s/${target.segment}${query}`,
    headers,
    body: encode(r, body),
    kind: `scim.patch.${resource.toLowerCase()}`,
    tenant: t,
    mustFail: target.mustFail,
  };
}

// ---------------------------------------------------------------------------------------------
// Filters and list parameters.

/** A cursor the server issued, damaged or carried to another tenant. */
function cursorValue(r: Random, world: FuzzWorld, tenant: number): string {
  const issued = world.cursors.filter((c) => r.chance(0.5) || c.tenant !== tenant);
  if (issued.length === 0 || r.chance(0.35)) return r.pick(CURSOR_GARBAGE);
  const cursor = r.pick(issued).cursor;
  return r.weighted<() => string>([
    [3, () => cursor],
    [2, () => cursor.slice(0, r.int(0, cursor.length - 1))],
    [
      2,
      () => {
        const at = r.int(0, cursor.length - 1);
        const ch = cursor[at] === 'A' ? 'B' : 'A';
        return cursor.slice(0, at) + ch + cursor.slice(at + 1);
      },
    ],
    [1, () => `${cursor}${cursor}`],
    [1, () => cursor.split('.').reverse().join('.')],
  ])();
}

function scimQuery(r: Random, world: FuzzWorld): FuzzRequest {
  const t = tenantOf(r);
  const tenant = world.tenants[t] as Tenant;
  const resource: FuzzResource = r.chance(0.65) ? 'User' : 'Group';
  const list = generateListRequest(r, resource, tenant.values);
  const params: [string, string][] = Object.entries(list.parameters).map(([k, v]) => [
    k,
    typeof v === 'string' ? v : JSON.stringify(v),
  ]);
  const set = (name: string, value: string) => {
    const at = params.findIndex(([k]) => k === name);
    if (at >= 0) params[at] = [name, value];
    else params.push([name, value]);
  };
  for (let n = r.int(1, 3); n > 0; n--) {
    r.weighted<() => void>([
      [8, () => set('filter', badFilter(r, resource, tenant))],
      [3, () => set('startIndex', r.pick(NUMBER_GARBAGE))],
      [3, () => set('count', r.pick(NUMBER_GARBAGE))],
      [3, () => set('cursor', cursorValue(r, world, t))],
      [
        2,
        () =>
          set(
            'sortBy',
            r.pick([
              '',
              'urn:x:',
              'name.',
              '.',
              'emails.type',
              'manager.value',
              'groups',
              'meta',
              'meta.version',
              'meta.location',
              'x509Certificates.value',
              '$ref',
              'a.b.c',
              'password',
              'members',
              'members.value',
              'name',
              'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
              'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
              'roles',
              'x'.repeat(3000),
              '\u0000',
            ]),
          ),
      ],
      [
        2,
        () =>
          set(
            'sortOrder',
            r.pick(['', 'up', 'ASC', 'desc', 'ascending ', 'x'.repeat(500), '\u0000']),
          ),
      ],
      [
        2,
        () =>
          set(
            r.pick(['attributes', 'excludedAttributes']),
            r.pick([
              '',
              ',',
              ',,,',
              'urn:',
              'name..givenName',
              'emails[type eq "work"]',
              'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:',
              Array.from({ length: 3000 }, (_, i) => `a${i}`).join(','),
              '\u0000',
              '\ud800',
              'meta.',
              '.',
            ]),
          ),
      ],
      [
        1,
        () =>
          params.push([
            r.pick(['filter', 'count', 'startIndex', 'cursor', 'sortBy']),
            r.pick(['userName pr', '5', '', 'x']),
          ]),
      ],
      [
        1,
        () =>
          params.push([
            r.pick([
              '',
              '%00',
              'filter[]',
              'Filter',
              'FILTER',
              'aadOptscim062020',
              'x'.repeat(100),
            ]),
            r.pick(['', 'userName pr', '1']),
          ]),
      ],
    ])();
  }
  let query = params.map(([k, v]) => `${queryValue(r, k)}=${queryValue(r, v)}`).join('&');
  if (r.chance(0.05))
    query = r.pick([
      'filter',
      '=',
      '&&&',
      'filter=&filter=',
      '%',
      '?',
      'filter=userName%20eq%20%22x%22%',
      ';filter=x',
    ]);
  const via = r.chance(0.8) ? 'get' : 'search';
  if (via === 'search') {
    // The same broken parameters in a SearchRequest body, with JSON types sometimes wrong.
    const body: Json = { schemas: [SEARCH_SCHEMA] };
    for (const [k, v] of params) setOwn(body, k, r.chance(0.8) ? v : wrongValue(r));
    return {
      method: 'POST',
      path: `${SCIM}/${resource}s/.search`,
      headers: scimHeaders(r, tenant, true),
      body: encode(r, r.chance(0.8) ? body : mutateJson(r, body, 2), 0.05),
      kind: `scim.search.${resource.toLowerCase()}`,
      tenant: t,
    };
  }
  return {
    method: 'GET',
    path: `${SCIM}/${resource}s?${query}`,
    headers: scimHeaders(r, tenant, false),
    kind: `scim.query.${resource.toLowerCase()}`,
    tenant: t,
  };
}

function scimSearchBody(r: Random, world: FuzzWorld): FuzzRequest {
  const t = tenantOf(r);
  const tenant = world.tenants[t] as Tenant;
  const resource: FuzzResource = r.chance(0.65) ? 'User' : 'Group';
  const list = generateListRequest(r, resource, tenant.values);
  const body = { schemas: [SEARCH_SCHEMA], ...list.parameters };
  return {
    method: 'POST',
    path: `${SCIM}/${r.chance(0.9) ? `${resource}s/` : ''}.search`,
    headers: scimHeaders(r, tenant, true),
    body: encode(
      r,
      r.chance(0.15) ? wrongValue(r) : mutateJson(r, body, r.geometric(1.5, 4, 1)),
      0.2,
    ),
    kind: `scim.search-body.${resource.toLowerCase()}`,
    tenant: t,
  };
}

// ---------------------------------------------------------------------------------------------
// Bulk.

const BULK_PATHS = [
  '/Users/',
  '/users',
  'Users',
  '/Users/a/b',
  '/Users?x=1',
  '/Users#x',
  '/Groups/bulkId:',
  '/Groups/bulkId:%00',
  '/Groups/bulkId:nowhere',
  '/Foo',
  '',
  '/',
  '/Users/..',
  '/Users/.',
  '/Users/%',
  '/Users/%zz',
  '/Users/%00',
  '/Users/bulkId:x/y',
  '/Bulk',
  '/Users/.search',
  '/ServiceProviderConfig',
  '//Users',
  '/Users/\u0000',
  '/Users/\ud800',
  '/Users/ x',
  '/Users/x y',
  'http://evil.test/Users',
  `/Users/${'x'.repeat(5000)}`,
];

function bulkOperations(r: Random, world: FuzzWorld, t: number, index: number): Json[] {
  const tenant = world.tenants[t] as Tenant;
  const count = r.chance(0.03) ? r.int(1001, 1200) : r.geometric(4, 40, 1);
  const ops: Json[] = [];
  for (let i = 0; i < count; i++) {
    const bulkId = `b${i}`;
    const earlier = i > 0 && r.chance(0.5) ? `bulkId:b${r.int(0, i - 1)}` : undefined;
    const later = r.chance(0.1) ? `bulkId:b${r.int(i, count + 2)}` : undefined;
    const ref = later ?? earlier;
    const kind = r.weighted<string>([
      [5, 'post-user'],
      [2, 'post-group'],
      [2, 'patch'],
      [1, 'put'],
      [1, 'delete'],
    ]);
    if (kind === 'post-user') {
      ops.push({
        method: 'POST',
        path: '/Users',
        bulkId,
        data: userBody(r, newUserName(r, tenant, index * 10_000 + i), tenant.domain, {
          manager: ref,
        }),
      });
    } else if (kind === 'post-group') {
      const members = [...r.sample(tenant.userIds, 3), ...(ref ? [ref] : [])];
      ops.push({
        method: 'POST',
        path: '/Groups',
        bulkId,
        data: groupBody(`fz bulk ${index}-${i}-${r.int(0, 1e9)}`, members),
      });
    } else {
      const resource: FuzzResource = r.chance(0.6) ? 'User' : 'Group';
      // Deleting seeded resources would empty the tenants: deletes mostly name unknown ids.
      const id =
        ref && r.chance(0.5)
          ? ref
          : kind === 'delete' && r.chance(0.7)
            ? randomUuid(r)
            : targetId(r, world, t, resource).segment;
      const path = `/${resource}s/${id}`;
      if (kind === 'delete')
        ops.push({ method: 'DELETE', path, ...(r.chance(0.3) ? { bulkId } : {}) });
      else if (kind === 'patch')
        ops.push({
          method: 'PATCH',
          path,
          data: patchBody(
            r,
            resource,
            tenant.values,
            tenant.domain,
            ref ? [ref] : r.sample(tenant.userIds, 2),
          ),
        });
      else
        ops.push({
          method: 'PUT',
          path,
          version: r.chance(0.3) ? r.pick(ENTITY_TAGS) : undefined,
          data:
            resource === 'User'
              ? userBody(r, newUserName(r, tenant, index), tenant.domain)
              : groupBody(`fz put ${index}`, []),
        });
    }
  }
  return ops;
}

function scimBulk(r: Random, world: FuzzWorld, index: number): FuzzRequest {
  const t = tenantOf(r);
  const tenant = world.tenants[t] as Tenant;
  const ops = bulkOperations(r, world, t, index);
  for (let n = r.geometric(1, 5); n > 0 && ops.length > 0; n--) {
    const op = r.pick(ops);
    r.weighted<() => void>([
      [
        3,
        () =>
          (op.method = r.pick([
            'GET',
            'get',
            'post ',
            'PATCH\u0000',
            'OPTIONS',
            'HEAD',
            '',
            1,
            null,
            ['POST'],
          ])),
      ],
      [
        4,
        () =>
          (op.path = r.pick([
            ...BULK_PATHS,
            `/Users/bulkId:b${r.int(0, ops.length)}`,
            `/Groups/bulkId:b${r.int(0, ops.length)}`,
          ])),
      ],
      [
        2,
        () =>
          (op.bulkId = r.pick([
            '',
            'b0',
            'bulkId:b0',
            '\u0000',
            '\ud800',
            1,
            null,
            'x'.repeat(5000),
            'b1',
          ])),
      ],
      [
        2,
        () => (op.version = r.pick([...ENTITY_TAGS, 'W/"1"\n', 'W/"1"\r\nX-Injected: 1', 5, null])),
      ],
      [
        2,
        () => {
          // A cycle: two creates each naming the other as a member or manager.
          const a = `c${r.int(0, 1e6)}`;
          const b = `c${r.int(0, 1e6)}`;
          ops.push(
            {
              method: 'POST',
              path: '/Groups',
              bulkId: a,
              data: groupBody(`cycle ${a}`, [`bulkId:${b}`]),
            },
            {
              method: 'POST',
              path: '/Groups',
              bulkId: b,
              data: groupBody(`cycle ${b}`, [`bulkId:${a}`]),
            },
          );
        },
      ],
      [
        1,
        () => {
          const id = `self${r.int(0, 1e6)}`;
          ops.push({
            method: 'POST',
            path: '/Users',
            bulkId: id,
            data: userBody(r, newUserName(r, tenant, index), tenant.domain, {
              manager: `bulkId:${id}`,
            }),
          });
        },
      ],
      [
        1,
        () => {
          ops.push({
            method: 'PATCH',
            path: '/Users/bulkId:p1',
            bulkId: 'p2',
            data: patchBody(r, 'User', tenant.values, tenant.domain, ['bulkId:p2']),
          });
          ops.push({
            method: 'POST',
            path: '/Users',
            bulkId: 'p1',
            data: userBody(r, newUserName(r, tenant, index), tenant.domain, {
              manager: 'bulkId:p2',
            }),
          });
        },
      ],
      [3, () => (op.data = mutateJson(r, op.data ?? {}, r.geometric(1, 4, 1)))],
      [1, () => delete op.data],
      [1, () => setOwn(op, r.recase(r.pick(['method', 'path', 'data', 'bulkId'])), wrongValue(r))],
    ])();
  }
  const failOnErrors = r.chance(0.3)
    ? r.pick<unknown>([0, 1, 2, -1, 1.5, '1', null, true, 2 ** 53, new RawJson('1e309')])
    : undefined;
  const body = r.weighted<() => unknown>([
    [
      10,
      () => ({
        schemas: [BULK_SCHEMA],
        ...(failOnErrors !== undefined ? { failOnErrors } : {}),
        Operations: ops,
      }),
    ],
    [1, () => ({ schemas: ['urn:bad'], Operations: ops })],
    [1, () => ({ Operations: wrongValue(r) })],
    [1, () => ({ schemas: [BULK_SCHEMA], operations: ops })],
    [1, () => ({ schemas: [BULK_SCHEMA] })],
    [2, () => mutateJson(r, { schemas: [BULK_SCHEMA], Operations: ops }, r.geometric(1.5, 4, 1))],
    [1, () => wrongValue(r)],
  ])();
  return {
    method: 'POST',
    path: `${SCIM}/Bulk`,
    headers: scimHeaders(r, tenant, true),
    body: encode(r, body, 0.1),
    kind: 'scim.bulk',
    tenant: t,
  };
}

// ---------------------------------------------------------------------------------------------
// Headers.

function authorizationVariant(
  r: Random,
  world: FuzzWorld,
  token: string,
): string | string[] | undefined {
  return r.pick<string | string[] | undefined>([
    undefined,
    '',
    'Bearer',
    'Bearer ',
    `bearer ${token}`,
    `BEARER ${token}`,
    `Bearer  ${token}`,
    `Bearer ${token} extra`,
    `Bearer ${token}\t`,
    `Bearer ${token.slice(0, -1)}`,
    `Bearer ${token}x`,
    `Bearer ${token.toUpperCase()}`,
    'Basic dXNlcjpwYXNz',
    `Basic ${Buffer.from(`x:${token}`).toString('base64')}`,
    `Bearer ${'x'.repeat(10_000)}`,
    `Bearer ${world.operatorKey}`,
    `Bearer ${world.playground.adminKey}`,
    `Bearer \u00e9\u00ff`,
    'Token abc',
    [`Bearer ${token}`, `Bearer ${token}`],
    [`Bearer ${token}`, 'Bearer nope'],
    `Bearer roster_${'A'.repeat(43)}`,
  ]);
}

function scimHeaderFuzz(r: Random, world: FuzzWorld, index: number): FuzzRequest {
  const base = r.weighted<() => FuzzRequest>([
    [3, () => scimWrite(r, world, index)],
    [3, () => scimPatch(r, world, index)],
    [3, () => scimGetOne(r, world)],
    [2, () => scimDelete(r, world)],
    [2, () => scimValidList(r, world)],
  ])();
  const headers: Headers = { ...(base.headers as Headers) };
  const token = (world.tenants[base.tenant ?? 0] as Tenant).token;
  let chunked = false;
  for (let n = r.int(1, 3); n > 0; n--) {
    r.weighted<() => void>([
      [
        4,
        () => {
          const value = authorizationVariant(r, world, token);
          if (value === undefined) delete headers.Authorization;
          else headers.Authorization = value;
        },
      ],
      [3, () => (headers['Content-Type'] = r.pick(CONTENT_TYPES))],
      [1, () => delete headers['Content-Type']],
      [3, () => (headers[r.pick(['If-Match', 'If-None-Match', 'if-match'])] = r.pick(ENTITY_TAGS))],
      [
        1,
        () =>
          (headers.Accept = r.pick([
            'application/xml',
            'text/html',
            '*/*',
            '',
            'application/scim+json;q=0',
            'x'.repeat(2000),
          ])),
      ],
      [1, () => (headers['X-HTTP-Method-Override'] = r.pick(['DELETE', 'PUT', 'GET', 'x']))],
      [1, () => (headers['Content-Encoding'] = r.pick(['gzip', 'br', 'identity', 'x']))],
      [1, () => (headers['User-Agent'] = r.pick(USER_AGENTS))],
      [
        1,
        () =>
          (headers.Host = r.pick([
            '',
            'a b',
            '[::1',
            'evil.test',
            'x'.repeat(300),
            '%00',
            '\u00e9.test',
            'localhost:99999',
            ':80',
            '[::1]:8080',
            'a@b',
          ])),
      ],
      [1, () => (headers['X-Forwarded-Proto'] = r.pick(['https', 'javascript', '']))],
      [1, () => (chunked = true)],
    ])();
  }
  return { ...base, headers, chunked, kind: `${base.kind}+headers` };
}

function scimGetOne(r: Random, world: FuzzWorld): FuzzRequest {
  const t = tenantOf(r);
  const resource: FuzzResource = r.chance(0.65) ? 'User' : 'Group';
  const target = targetId(r, world, t, resource);
  const headers = scimHeaders(r, world.tenants[t], false);
  if (r.chance(0.3)) headers['If-None-Match'] = r.pick(ENTITY_TAGS);
  const query = r.chance(0.3)
    ? `?${r.pick(['attributes', 'excludedAttributes'])}=${queryValue(r, r.pick(['members', 'userName', 'groups', 'meta', 'emails.value', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', '', ',', 'x'.repeat(2000), '\u0000']))}`
    : '';
  return {
    method: 'GET',
    path: `${SCIM}/${resource}s/${target.segment}${query}`,
    headers,
    kind: `scim.get.${resource.toLowerCase()}`,
    tenant: t,
    mustFail: target.mustFail,
  };
}

function scimDelete(r: Random, world: FuzzWorld): FuzzRequest {
  const t = tenantOf(r);
  const resource: FuzzResource = r.chance(0.5) ? 'User' : 'Group';
  const target = targetId(r, world, t, resource);
  // Deleting seeded resources would empty the tenants: mostly unknown ids and other tenants'.
  const segment =
    r.chance(0.7) && !target.mustFail
      ? r.pick([randomUuid(r), ...GARBAGE_SEGMENTS])
      : target.segment;
  const headers = scimHeaders(r, world.tenants[t], false);
  if (r.chance(0.3)) headers['If-Match'] = r.pick(ENTITY_TAGS);
  return {
    method: 'DELETE',
    path: `${SCIM}/${resource}s/${segment}`,
    headers,
    kind: `scim.delete.${resource.toLowerCase()}`,
    tenant: t,
    mustFail: segment === target.segment ? target.mustFail : undefined,
  };
}

function scimValidList(r: Random, world: FuzzWorld): FuzzRequest {
  const t = tenantOf(r);
  const list = generateListRequest(
    r,
    r.chance(0.65) ? 'User' : 'Group',
    (world.tenants[t] as Tenant).values,
  );
  const query = Object.entries(list.parameters)
    .map(([k, v]) => `${k}=${percentEncode(String(v))}`)
    .join('&');
  return {
    method: 'GET',
    path: `${SCIM}/${list.resource}s?${query}`,
    headers: scimHeaders(r, world.tenants[t], false),
    kind: `scim.list.${list.resource.toLowerCase()}`,
    tenant: t,
  };
}

// ---------------------------------------------------------------------------------------------
// Odd paths and methods.

function oddScimPath(r: Random, world: FuzzWorld, t: number): string {
  const tenant = world.tenants[t] as Tenant;
  const userId = r.pick(tenant.userIds);
  const groupId = r.pick(tenant.groupIds);
  return r.pick([
    `${SCIM}/Users/%00`,
    `${SCIM}//Users`,
    `${SCIM}///Users///`,
    `/scim//v2//Users//`,
    `${SCIM}/Users/..%2f`,
    `${SCIM}/Users/..%2f..%2f..%2fapi%2fv1%2faccounts`,
    `${SCIM}/Users/%2e%2e/Groups`,
    `${SCIM}/Users/../Groups`,
    `${SCIM}/Users/./${userId}`,
    `/./scim/v2/Users`,
    `${SCIM}/Users/${userId}/../${groupId}`,
    `${SCIM}/Users/%ff%fe`,
    `${SCIM}/Users/%zz`,
    `${SCIM}/Users/%`,
    `${SCIM}/Users/%c0%af`,
    `${SCIM}/Users/%ed%a0%80`,
    `${SCIM}/Users/%F0%9F%98%80`,
    `${SCIM}/Users/${userId}%00`,
    `${SCIM}/Users/${userId}/`,
    `${SCIM}/Users/${userId}/x`,
    `${SCIM}/Users/${userId}/groups`,
    `${SCIM}/Users/${userId};a=b`,
    `${SCIM}/Users/${userId.toUpperCase()}`,
    `${SCIM}/Users/%20${userId}`,
    `${SCIM}/Users/${'x'.repeat(5000)}`,
    `${SCIM}/users/${userId}`,
    `/SCIM/V2/Users`,
    `${SCIM}/USERS`,
    `${SCIM}/Users/.search/x`,
    `${SCIM}/Users/.SEARCH`,
    `${SCIM}/.search`,
    `${SCIM}/Bulk/x`,
    `${SCIM}/Bulk/`,
    `${SCIM}/Groups/${userId}`,
    `${SCIM}/Users/${groupId}`,
    `${SCIM}/Groups/${groupId}/members`,
    `${SCIM}/Me`,
    `${SCIM}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User`,
    `${SCIM}/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`,
    `${SCIM}/Schemas/%00`,
    `${SCIM}/Schemas/${'u'.repeat(3000)}`,
    `${SCIM}/Schemas/`,
    `${SCIM}/ResourceTypes/User`,
    `${SCIM}/ResourceTypes/User/x`,
    `${SCIM}/ResourceTypes/%ff`,
    `${SCIM}/ServiceProviderConfig/x`,
    `${SCIM}/ServiceProviderConfigs`,
    `${SCIM}/ServiceProviderConfig?filter=x`,
    `${SCIM}/Users/bulkId:x`,
    `${SCIM}/Users#frag`,
    `${SCIM}/Users/\u00e9`,
    `${SCIM}/Users/\u00ff`,
    `${SCIM}/Users?%00=1`,
    `${SCIM}/Users?filter`,
    `${SCIM}/Users?=x`,
    `${SCIM}/Users?&&&`,
    `${SCIM}/Users?filter=%`,
    `${SCIM}/Users?aadOptscim062020`,
    `${SCIM}?x=1`,
    `${SCIM}`,
    `/scim`,
    `/scim/v1/Users`,
    `/scim/v2.0/Users`,
    `*`,
    `http://evil.test${SCIM}/Users`,
    `${SCIM}/Users/${userId}?attributes=${percentEncode('a'.repeat(9000))}`,
  ]);
}

function scimOddPath(r: Random, world: FuzzWorld, index: number): FuzzRequest {
  const t = tenantOf(r);
  const method = r.chance(0.6)
    ? r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
    : r.pick(METHODS);
  const path = oddScimPath(r, world, t);
  // Raw bytes above 0x7f in the request line are refused by Node's own HTTP parser, which then
  // closes the connection: a body still being sent would meet a reset instead of that 400.
  const rawBytes = /[\u0080-\u00ff]/.test(path);
  const withBody = !rawBytes && ['POST', 'PUT', 'PATCH'].includes(method) && r.chance(0.8);
  const tenant = world.tenants[t] as Tenant;
  const body = withBody
    ? encode(
        r,
        r.pick<() => unknown>([
          () => userBody(r, newUserName(r, tenant, index), tenant.domain),
          () => patchBody(r, 'User', tenant.values, tenant.domain, []),
          () => ({ schemas: [BULK_SCHEMA], Operations: [] }),
          () => ({ schemas: [SEARCH_SCHEMA], filter: 'userName pr' }),
        ])(),
      )
    : undefined;
  return {
    method,
    path: sendablePath(path),
    headers: scimHeaders(r, r.chance(0.9) ? tenant : undefined, withBody),
    body,
    kind: 'scim.odd-path',
    tenant: t,
  };
}

/** Wrong methods on the real endpoints. */
function scimWrongMethod(r: Random, world: FuzzWorld): FuzzRequest {
  const t = tenantOf(r);
  const tenant = world.tenants[t] as Tenant;
  const path = r.pick([
    `${SCIM}/Users`,
    `${SCIM}/Groups`,
    `${SCIM}/Bulk`,
    `${SCIM}/Users/.search`,
    `${SCIM}/Groups/.search`,
    `${SCIM}/Users/${r.pick(tenant.userIds)}`,
    `${SCIM}/Groups/${r.pick(tenant.groupIds)}`,
    `${SCIM}/ServiceProviderConfig`,
    `${SCIM}/Schemas`,
    `${SCIM}/ResourceTypes`,
  ]);
  const method = r.pick(METHODS);
  const withBody = r.chance(0.5);
  return {
    method,
    path,
    headers: scimHeaders(r, tenant, withBody),
    body: withBody
      ? encode(r, {
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'replace', value: { active: true } }],
        })
      : undefined,
    kind: 'scim.wrong-method',
    tenant: t,
  };
}

function discovery(r: Random, world: FuzzWorld): FuzzRequest {
  const path = r.pick([
    '/ServiceProviderConfig',
    '/Schemas',
    '/ResourceTypes',
    '/ResourceTypes/User',
    '/ResourceTypes/Group',
    '/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group',
    `/Schemas/${percentEncode(oddKey(r))}`,
  ]);
  const query = r.chance(0.5)
    ? `?${r.pick(['filter', 'attributes', 'count', 'startIndex', 'excludedAttributes'])}=${queryValue(r, r.pick(['x', 'id pr', '-1', '', '\u0000', 'meta']))}`
    : '';
  const t = tenantOf(r);
  return {
    method: r.chance(0.8) ? 'GET' : r.pick(METHODS),
    path: `${SCIM}${path}${query}`,
    headers: r.chance(0.5)
      ? scimHeaders(r, world.tenants[t], false)
      : { Authorization: r.pick(['Bearer nope', '']) },
    kind: 'scim.discovery',
  };
}

function misc(r: Random, world: FuzzWorld): FuzzRequest {
  const path = r.pick([
    '/healthz',
    '/healthz?x=%00',
    '/readyz',
    '/readyz/',
    '//healthz',
    '/',
    '/api',
    API,
    `${API}/`,
    '/api/v2/accounts',
    `${API}/openapi.json?x=1`,
    `${API}/openapi.json/`,
    `${API}/accounts/../accounts`,
    `${API}/accounts/%2e%2e/accounts`,
    `${API}//accounts`,
    `${API}/me`,
    `${API}/me?x=1`,
    '/favicon.ico',
    '/%00',
    '/%ff',
    '/\u00e9',
    `/${'x'.repeat(8000)}`,
  ]);
  const key = r.pick([
    world.operatorKey,
    world.playground.adminKey,
    world.tenants[0].token,
    'nope',
    '',
  ]);
  return {
    method: r.chance(0.8) ? 'GET' : r.pick(METHODS),
    path: sendablePath(path),
    headers: key ? { Authorization: `Bearer ${key}` } : {},
    kind: 'misc',
  };
}

/**
 * The `index`-th malformed request of a run. Writes mostly name fresh or unknown resources, so
 * the seeded data stays largely in place; DELETEs of seeded resources are rare.
 */
export function malformedRequest(r: Random, world: FuzzWorld, index: number): FuzzRequest {
  return r.weighted<() => FuzzRequest>([
    [16, () => scimWrite(r, world, index)],
    [15, () => scimPatch(r, world, index)],
    [12, () => scimQuery(r, world)],
    [4, () => scimSearchBody(r, world)],
    [9, () => scimBulk(r, world, index)],
    [8, () => scimHeaderFuzz(r, world, index)],
    [5, () => scimOddPath(r, world, index)],
    [2, () => scimWrongMethod(r, world)],
    [2, () => scimGetOne(r, world)],
    [1, () => scimDelete(r, world)],
    [2, () => discovery(r, world)],
    [18, () => adminRequest(r, world)],
    [2, () => misc(r, world)],
  ])();
}
