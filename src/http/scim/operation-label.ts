/**
 * A SCIM request's operation as a metrics label: `users.create`, `groups.patch`, `bulk`... One
 * of a fixed set, read from the method and the shape of the path, never from ids or queries,
 * so any traffic makes at most `SCIM_OPERATIONS.length` label values.
 */
export const SCIM_OPERATIONS = [
  'users.list',
  'users.create',
  'users.search',
  'users.get',
  'users.replace',
  'users.patch',
  'users.delete',
  'groups.list',
  'groups.create',
  'groups.search',
  'groups.get',
  'groups.replace',
  'groups.patch',
  'groups.delete',
  'bulk',
  'search',
  'discovery',
  'unknown',
] as const;

export type ScimOperation = (typeof SCIM_OPERATIONS)[number];

const BY_METHOD_ON_ITEM: Readonly<Record<string, string>> = {
  GET: 'get',
  HEAD: 'get',
  PUT: 'replace',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** `path` as routed (normalised, app.ts), starting with `/scim/v2`. */
export function scimOperation(method: string, path: string): ScimOperation {
  // '/scim/v2/Users/abc' → ['Users', 'abc']
  const parts = path.slice('/scim/v2/'.length).split('/', 3);
  const [first = '', second, third] = parts;
  if (third !== undefined) return 'unknown';
  switch (first) {
    case 'Users':
    case 'Groups': {
      const noun = first === 'Users' ? 'users' : 'groups';
      if (second === undefined) {
        if (method === 'GET' || method === 'HEAD') return `${noun}.list`;
        return method === 'POST' ? `${noun}.create` : 'unknown';
      }
      if (second === '.search') return method === 'POST' ? `${noun}.search` : 'unknown';
      const verb = BY_METHOD_ON_ITEM[method];
      return verb === undefined ? 'unknown' : (`${noun}.${verb}` as ScimOperation);
    }
    case 'Bulk':
      return second === undefined && method === 'POST' ? 'bulk' : 'unknown';
    case '.search':
      return second === undefined && method === 'POST' ? 'search' : 'unknown';
    case 'ServiceProviderConfig':
    case 'ServiceProviderConfigs':
    case 'ResourceTypes':
    case 'Schemas':
      return method === 'GET' || method === 'HEAD' ? 'discovery' : 'unknown';
    default:
      return 'unknown';
  }
}
