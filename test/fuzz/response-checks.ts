/**
 * Cheap sanity checks on answers, beyond "below 500": a ListResponse that is one, no resource
 * of the other tenant in any SCIM answer, excluded attributes absent, page sizes respected,
 * exact lookups finding exactly their user. Each returns what is wrong, or nothing.
 */
import type { ListRequest } from './filter-grammar.ts';
import type { FuzzResponse } from './fuzz-client.ts';
import type { FuzzWorld, Tenant } from './fuzz-world.ts';

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export function parseJson(response: FuzzResponse): unknown {
  const type = String(response.headers['content-type'] ?? '');
  if (!/json/i.test(type) || response.body.length === 0) return undefined;
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;

/** Ids and domains of the other tenant, to recognise them in an answer to `tenant`. */
export interface ForeignSet {
  readonly ids: ReadonlySet<string>;
  readonly userIds: ReadonlySet<string>;
  readonly groupIds: ReadonlySet<string>;
  readonly domain: string;
}

const foreignCache = new WeakMap<Tenant, ForeignSet>();

export function foreignTo(world: FuzzWorld, tenant: number): ForeignSet {
  const other = world.tenants[1 - tenant] as Tenant;
  let set = foreignCache.get(other);
  if (!set) {
    set = {
      ids: new Set([...other.userIds, ...other.groupIds]),
      userIds: new Set(other.userIds),
      groupIds: new Set(other.groupIds),
      domain: `@${other.domain}`.toLowerCase(),
    };
    foreignCache.set(other, set);
  }
  return set;
}

/** Resources an answer carries: a ListResponse's, a single resource, or Bulk locations. */
function resourcesOf(body: Json): Json[] {
  if (Array.isArray(body.Resources)) return body.Resources as Json[];
  if (typeof body.id === 'string') return [body];
  return [];
}

/** Whether an answer to one tenant shows anything of the other. */
export function leakIn(body: unknown, foreign: ForeignSet): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const answer = body as Json;
  for (const resource of resourcesOf(answer)) {
    if (typeof resource.id === 'string' && foreign.ids.has(resource.id)) {
      return `resource ${resource.id} of the other tenant`;
    }
    for (const member of (Array.isArray(resource.members) ? resource.members : []) as Json[]) {
      if (foreign.userIds.has(String(member?.value)))
        return `member ${member.value} of the other tenant`;
    }
    for (const group of (Array.isArray(resource.groups) ? resource.groups : []) as Json[]) {
      if (foreign.groupIds.has(String(group?.value)))
        return `group ${group.value} of the other tenant`;
    }
    if (
      typeof resource.userName === 'string' &&
      resource.userName.toLowerCase().endsWith(foreign.domain)
    ) {
      return `userName ${resource.userName} in the other tenant's domain`;
    }
  }
  for (const operation of (Array.isArray(answer.Operations) ? answer.Operations : []) as Json[]) {
    const location = typeof operation?.location === 'string' ? operation.location : '';
    const id = location.split('/').pop() ?? '';
    if (foreign.ids.has(id) && Number(operation.status) < 400)
      return `Bulk location ${location} of the other tenant`;
  }
  return undefined;
}

/** 5xx statuses inside a Bulk answer (each operation's own). */
export function bulkFailures(body: unknown): { index: number; status: number; detail: string }[] {
  if (!body || typeof body !== 'object') return [];
  const operations = (body as Json).Operations;
  if (!Array.isArray(operations)) return [];
  return (operations as Json[]).flatMap((operation, index) => {
    const status = Number(operation?.status);
    if (!(status >= 500)) return [];
    const response = operation.response as Json | undefined;
    return [
      {
        index,
        status,
        detail: `${operation.method} ${operation.location ?? ''}: ${String(response?.detail ?? '')}`,
      },
    ];
  });
}

/** What is wrong with a 200 answer to a valid list/search request, if anything. */
export function checkListResponse(request: ListRequest, body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return 'not a JSON object';
  const answer = body as Json;
  if (!Array.isArray(answer.schemas) || !answer.schemas.includes(LIST_SCHEMA))
    return 'schemas lacks the ListResponse URN';
  if (!Number.isInteger(answer.totalResults) || (answer.totalResults as number) < 0)
    return `totalResults ${answer.totalResults}`;
  const resources = (answer.Resources ?? []) as Json[];
  if (!Array.isArray(resources)) return 'Resources is not an array';
  if (answer.itemsPerPage !== undefined && answer.itemsPerPage !== resources.length) {
    return `itemsPerPage ${answer.itemsPerPage} but ${resources.length} Resources`;
  }
  if (resources.length > request.maxItems)
    return `${resources.length} Resources for a page of ${request.maxItems}`;
  if (resources.length > (answer.totalResults as number))
    return `${resources.length} Resources but totalResults ${answer.totalResults}`;
  for (const resource of resources) {
    if (typeof resource?.id !== 'string') return 'a resource without id';
    const keys = new Set(Object.keys(resource).map((k) => k.toLowerCase()));
    for (const name of request.excluded) {
      if (keys.has(name.toLowerCase())) return `'${name}' is returned although excluded`;
    }
  }
  return undefined;
}
