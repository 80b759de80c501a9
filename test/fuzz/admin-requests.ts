/**
 * Malformed admin API requests, driven by the served OpenAPI document: for each declared
 * operation, path parameters (real ids, other accounts' ids, garbage), query parameters (from
 * their schemas, then broken), and a body built from the request schema and then mutated, sent
 * with the operator key, an account admin key, another account's key, or no valid key.
 *
 * Changes go to the playground account only: the operator key never writes to the two SCIM
 * tenants, so the SCIM part of the fuzz keeps its tokens, users and groups.
 */
import { scimAppProjectTemplate } from '../../src/directory/scim-app-project/project-template.ts';
import { mutateText } from './broken-filters.ts';
import { API, type FuzzRequest, type FuzzWorld } from './fuzz-world.ts';
import { corruptBytes, mutateJson, toJsonText, wrongValue } from './json-mutations.ts';
import { GARBAGE_SEGMENTS, percentEncode, randomUuid, sendablePath } from './odd-inputs.ts';
import type { Random } from './random.ts';
import { userBody } from './scim-bodies.ts';

type Schema = Record<string, unknown>;

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly schema: Schema;
}

export interface AdminOperation {
  readonly method: string;
  readonly template: string;
  readonly parameters: readonly Parameter[];
  readonly body: Schema | undefined;
}

const operationsCache = new WeakMap<object, AdminOperation[]>();

/** Every operation the document declares. */
export function adminOperations(document: Record<string, unknown>): AdminOperation[] {
  const cached = operationsCache.get(document);
  if (cached) return cached;
  const operations: AdminOperation[] = [];
  for (const [template, methods] of Object.entries(document.paths as Record<string, Schema>)) {
    for (const [method, operation] of Object.entries(methods as Record<string, Schema>)) {
      const requestBody = operation.requestBody as Schema | undefined;
      const content = requestBody?.content as Record<string, { schema: Schema }> | undefined;
      operations.push({
        method: method.toUpperCase(),
        template,
        parameters: (operation.parameters as Parameter[] | undefined) ?? [],
        body: content?.['application/json']?.schema,
      });
    }
  }
  operationsCache.set(document, operations);
  return operations;
}

function resolve(document: Record<string, unknown>, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.split('/').pop() as string;
  const components = (document.components as Record<string, Record<string, Schema>>).schemas;
  return (components?.[name] as Schema) ?? {};
}

/** A value the schema accepts, with a few names given realistic content. */
function instanceOf(r: Random, world: FuzzWorld, schema: Schema, name = '', depth = 0): unknown {
  const s = resolve(world.openapi, schema);
  if (Array.isArray(s.anyOf)) return instanceOf(r, world, r.pick(s.anyOf as Schema[]), name, depth);
  if (Array.isArray(s.enum)) return r.pick(s.enum as unknown[]);
  const domain = world.playground.domain;
  switch (s.type) {
    case 'null':
      return null;
    case 'boolean':
      return r.chance(0.5);
    case 'integer': {
      const min = typeof s.minimum === 'number' ? s.minimum : 0;
      const max = typeof s.maximum === 'number' ? s.maximum : 1000;
      return r.chance(0.7) ? r.int(min, Math.min(max, min + 100)) : r.pick([min, max]);
    }
    case 'array': {
      if (name === 'users') {
        return Array.from({ length: r.geometric(2, 20) }, (_, i) =>
          userBody(
            r,
            `pv${i}-${r.int(0, 1e9)}@${r.chance(0.8) ? domain : 'elsewhere.test'}`,
            domain,
          ),
        );
      }
      return Array.from({ length: r.geometric(1.5, 10) }, () =>
        instanceOf(r, world, (s.items as Schema) ?? {}, name, depth + 1),
      );
    }
    case 'object': {
      if (name === 'files' && r.chance(0.6)) {
        const files = scimAppProjectTemplate({ name: 'fuzz-app' });
        if (files.ok) {
          return {
            'app-hsmeta.json': files.value[0]?.contents ?? '',
            'scim/scim-hsmeta.json': (files.value[1]?.contents ?? '').replace(
              'false',
              String(r.chance(0.5)),
            ),
          };
        }
      }
      const properties = (s.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((s.required as string[] | undefined) ?? []);
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(properties)) {
        if (required.has(key) || r.chance(0.5))
          out[key] = instanceOf(r, world, property, key, depth + 1);
      }
      return out;
    }
    default: {
      if (name === 'email')
        return `adm${r.int(0, 1e9)}@${r.chance(0.8) ? domain : 'elsewhere.test'}`;
      if (name === 'domain')
        return r.pick([
          `d${r.int(0, 1e6)}.test`,
          domain,
          'localhost',
          'xn--bcher-kva.test',
          'Bücher.test',
        ]);
      if (name === 'permissionSetId')
        return r.pick([...world.playground.permissionSetIds, randomUuid(r)]);
      if (name === 'primaryTeamId' || name === 'teamId')
        return r.pick([...world.playground.teamIds, randomUuid(r)]);
      if (name === 'tokenId') return r.pick([...world.playground.tokenIds, randomUuid(r)]);
      if (s.format === 'date-time')
        return new Date(Date.UTC(2025, r.int(0, 11), r.int(1, 28))).toISOString();
      // Random, not counted: a request depends on its seed and index only, not on the order
      // the workers generated requests in.
      return `${name || 'text'} ${r.int(0, 1e9)}`;
    }
  }
}

/** Values for path parameters, by name: the playground's real ids, or odd ones. */
function pathValue(r: Random, world: FuzzWorld, name: string, mutating: boolean): string {
  const p = world.playground;
  const known: Readonly<Record<string, readonly string[]>> = {
    keyId: p.keyIds.filter((id) => id !== p.adminKeyId),
    userId: p.userIds,
    permissionSetId: p.permissionSetIds,
    teamId: p.teamIds,
    tokenId: p.tokenIds,
    groupId: p.groupIds,
    domain: [p.domain, p.domain.toUpperCase(), `${p.domain}.`],
    seatType: ['core', 'sales', 'service', 'view-only'],
    eventId: [],
  };
  const own = known[name] ?? [];
  const foreign =
    name === 'userId'
      ? world.tenants[0].userIds
      : name === 'groupId'
        ? world.tenants[1].groupIds
        : [];
  return r.weighted<() => string>([
    [own.length > 0 ? 10 : 0, () => percentEncode(r.pick(own))],
    [foreign.length > 0 && !mutating ? 2 : 0, () => r.pick(foreign)],
    [3, () => randomUuid(r)],
    [4, () => r.pick(GARBAGE_SEGMENTS)],
    [
      1,
      () =>
        percentEncode(
          r.pick([
            '',
            ' ',
            'xn--',
            '-a-.test',
            'a'.repeat(300),
            '☃.com',
            '127.0.0.1',
            'UPPER.TEST',
          ]),
        ),
    ],
  ])();
}

interface Caller {
  readonly authorization: string | undefined;
  /** The key may act on the account in the path: the operator, or that account's own key. */
  readonly owns: (accountId: string) => boolean;
  readonly label: string;
}

function caller(r: Random, world: FuzzWorld): Caller {
  const p = world.playground;
  const [a, b] = world.tenants;
  return r.weighted<() => Caller>([
    [
      45,
      () => ({ authorization: `Bearer ${world.operatorKey}`, owns: () => true, label: 'operator' }),
    ],
    [
      35,
      () => ({
        authorization: `Bearer ${p.adminKey}`,
        owns: (id) => id === p.accountId,
        label: 'playground key',
      }),
    ],
    [
      4,
      () => ({
        authorization: `Bearer ${a.adminKey}`,
        owns: (id) => id === a.accountId,
        label: `tenant ${a.label}'s key`,
      }),
    ],
    [
      2,
      () => ({
        authorization: `Bearer ${b.adminKey}`,
        owns: (id) => id === b.accountId,
        label: `tenant ${b.label}'s key`,
      }),
    ],
    [4, () => ({ authorization: undefined, owns: () => false, label: 'no key' })],
    [
      5,
      () => ({
        authorization: r.pick([
          'Bearer roster_admin_nope',
          `Bearer roster_operator_${'x'.repeat(40)}`,
          'Bearer',
          `Basic ${Buffer.from('a:b').toString('base64')}`,
          `Bearer ${world.operatorKey.slice(0, -2)}`,
          `bearer ${p.adminKey} trailing`,
          `Bearer ${'k'.repeat(9000)}`,
        ]),
        owns: () => false,
        label: 'bad key',
      }),
    ],
    [5, () => ({ authorization: `Bearer ${a.token}`, owns: () => false, label: 'a SCIM token' })],
  ])();
}

/** The account a request names: the playground, a SCIM tenant (reads only), or garbage. */
function accountIdFor(r: Random, world: FuzzWorld, mutating: boolean, who: Caller): string {
  const p = world.playground;
  const [a, b] = world.tenants;
  return r.weighted<() => string>([
    [12, () => p.accountId],
    // A key that may write to a SCIM tenant only reads it (uninstalling its app would end the
    // SCIM part of the fuzz); other keys naming it must be refused.
    [mutating && who.owns(a.accountId) ? 0 : 3, () => a.accountId],
    [mutating && who.owns(b.accountId) ? 0 : 2, () => b.accountId],
    [2, () => randomUuid(r)],
    [2, () => r.pick(GARBAGE_SEGMENTS)],
  ])();
}

const ADMIN_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/json; charset=utf-16',
  'application/problem+json',
  'application/vnd.api+json',
  'application/jsonx',
  '',
  'application/json;',
  'multipart/form-data',
];

function queryString(r: Random, world: FuzzWorld, parameters: readonly Parameter[]): string {
  const pairs: [string, string][] = [];
  for (const parameter of parameters) {
    if (parameter.in !== 'query' || !r.chance(0.45)) continue;
    const valid = instanceOf(r, world, parameter.schema, parameter.name);
    const value = r.weighted<() => string>([
      [5, () => String(valid)],
      [
        3,
        () =>
          r.pick([
            '',
            '-1',
            '0',
            '1e309',
            '201',
            'abc',
            'true',
            'TRUE',
            '\u0000',
            '\ud800',
            'x'.repeat(3000),
            '2025-13-45T00:00:00Z',
            '2025-01-01',
            'null',
          ]),
      ],
      [1, () => mutateText(r, String(valid))],
    ])();
    pairs.push([parameter.name, value]);
  }
  if (r.chance(0.08))
    pairs.push([r.pick(['unknown', 'limit', 'cursor', '', '%00']), r.pick(['1', 'x', ''])]);
  if (r.chance(0.05) && pairs.length > 0) pairs.push(r.pick(pairs));
  if (pairs.length === 0) return '';
  return `?${pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}`;
}

/** One malformed admin API request. */
export function adminRequest(r: Random, world: FuzzWorld): FuzzRequest {
  const operation = r.pick(adminOperations(world.openapi));
  const method = r.chance(0.04)
    ? r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])
    : operation.method;
  // Decided on the method sent: a GET route's path with DELETE may reach a DELETE route.
  const mutating = method !== 'GET' && method !== 'HEAD';
  const who = caller(r, world);
  let accountId: string | undefined;
  const path = operation.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === 'accountId') {
      accountId = accountIdFor(r, world, mutating, who);
      return accountId;
    }
    return pathValue(r, world, name, mutating);
  });
  const headers: Record<string, string> = {};
  if (who.authorization !== undefined) headers.Authorization = who.authorization;
  let body: Buffer | undefined;
  if (operation.body || r.chance(0.05)) {
    const valid = operation.body ? instanceOf(r, world, operation.body) : {};
    body = r.weighted<() => Buffer>([
      [3, () => Buffer.from(toJsonText(valid))],
      [10, () => Buffer.from(toJsonText(mutateJson(r, valid, r.geometric(1.5, 5, 1))))],
      [2, () => Buffer.from(toJsonText(wrongValue(r)))],
      [2, () => corruptBytes(r, toJsonText(valid))],
      [1, () => Buffer.alloc(0)],
    ])();
    headers['Content-Type'] = r.chance(0.9) ? 'application/json' : r.pick(ADMIN_CONTENT_TYPES);
    if (headers['Content-Type'] === '' && r.chance(0.5)) delete headers['Content-Type'];
  }
  // An account key naming an account it does not own must never succeed.
  const mustFail =
    accountId !== undefined && who.label !== 'operator' && !who.owns(accountId)
      ? `${who.label} on account ${accountId}`
      : who.authorization === undefined || who.label === 'bad key' || who.label === 'a SCIM token'
        ? `${who.label} on ${operation.template}`
        : undefined;
  const isPublic = operation.template === '/openapi.json';
  return {
    method,
    path: sendablePath(`${API}${path}${queryString(r, world, operation.parameters)}`),
    headers,
    body,
    kind: `admin.${operation.method.toLowerCase()} ${operation.template}`,
    mustFail: isPublic ? undefined : mustFail,
  };
}
