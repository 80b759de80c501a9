/**
 * Bulk requests (RFC 7644 §3.7): parsing, limits and `bulkId` references. Running the
 * operations is the HTTP layer's job (`http/scim/bulk.ts`); this module knows no HTTP.
 */
import { fail, invalidSyntax, invalidValue, ok, type Result, tooLarge } from './errors.ts';
import { isPlainObject } from './resources/deep-equal.ts';
import { lowerKeyMap } from './resources/normalize-value.ts';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface BulkOperation {
  /** Position in the request, 0-based. */
  readonly index: number;
  readonly method: BulkMethod;
  readonly bulkId: string | undefined;
  /** As sent: `/Users`, `/Groups/{id}`, `/Groups/bulkId:g1`. */
  readonly path: string;
  readonly data: unknown;
  /** RFC 7644 §3.7: `version` is the If-Match of this operation. */
  readonly version: string | undefined;
  /** Set when the operation itself is malformed: it fails alone with this error. */
  readonly invalid?: {
    readonly status: number;
    readonly scimType: string;
    readonly detail: string;
  };
}

export interface BulkRequest {
  /** Errors after which processing stops (RFC 7644 §3.7.3); undefined: never stop. */
  readonly failOnErrors: number | undefined;
  readonly operations: readonly BulkOperation[];
}

const METHODS = new Set<string>(['POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * An entity tag as an If-Match header can carry it (RFC 9110 §8.8.3: visible ASCII, optionally
 * weak and quoted). Anything else, a newline above all, cannot become a header.
 */
const ENTITY_TAG = /^(W\/)?"?[\x21\x23-\x7e]*"?$/;
const PATH = /^\/(Users|Groups)(\/[^/?#]+)?$/i;

function operation(raw: unknown, index: number): BulkOperation {
  const where = `Operations[${index}]`;
  const broken = (detail: string): BulkOperation => ({
    index,
    method: 'POST',
    bulkId: undefined,
    path: '',
    data: undefined,
    version: undefined,
    invalid: { status: 400, scimType: 'invalidSyntax', detail: `${where}: ${detail}` },
  });
  if (!isPlainObject(raw)) return broken('must be a JSON object');
  const keys = lowerKeyMap(raw);
  const method = keys.get('method');
  const path = keys.get('path');
  const bulkId = keys.get('bulkid');
  const version = keys.get('version');
  const data = keys.get('data');
  const methodName = typeof method === 'string' ? method.toUpperCase() : undefined;
  if (!methodName || !METHODS.has(methodName)) {
    return broken(`'method' must be POST, PUT, PATCH or DELETE, got ${JSON.stringify(method)}`);
  }
  if (bulkId !== undefined && (typeof bulkId !== 'string' || bulkId === '')) {
    return broken("'bulkId' must be a non-empty string");
  }
  if (version !== undefined && (typeof version !== 'string' || !ENTITY_TAG.test(version))) {
    return broken(`'version' must be an entity tag such as W/"3", got ${JSON.stringify(version)}`);
  }
  const base = {
    index,
    method: methodName as BulkMethod,
    bulkId: bulkId as string | undefined,
    path: typeof path === 'string' ? path : '',
    data,
    version: typeof version === 'string' ? version : undefined,
  };
  const invalid = (detail: string): BulkOperation => ({
    ...base,
    invalid: { status: 400, scimType: 'invalidSyntax', detail: `${where}: ${detail}` },
  });
  if (typeof path !== 'string' || !PATH.test(path)) {
    return invalid(
      `'path' must be /Users, /Groups or a resource under them, got ${JSON.stringify(path)}`,
    );
  }
  const hasId = path.split('/').length > 2;
  if (methodName === 'POST' && hasId)
    return invalid('POST takes a collection path: /Users or /Groups');
  if (methodName !== 'POST' && !hasId)
    return invalid(`${methodName} needs a resource path such as /Users/{id}`);
  // RFC 7644 §3.7: bulkId is REQUIRED for POST, so later operations can refer to the result.
  if (methodName === 'POST' && bulkId === undefined) return invalid("a POST needs a 'bulkId'");
  if (methodName !== 'DELETE' && !isPlainObject(data)) {
    return invalid(`${methodName} needs 'data', the resource or PatchOp as a JSON object`);
  }
  return base;
}

/** Parses a BulkRequest and enforces `maxOperations` (413 tooLarge past it, §3.7.4). */
export function parseBulkRequest(body: unknown, maxOperations: number): Result<BulkRequest> {
  if (!isPlainObject(body)) return fail(invalidSyntax('the Bulk body must be a JSON object'));
  const keys = lowerKeyMap(body);
  if (keys.has('schemas')) {
    const schemas = keys.get('schemas');
    const listed = Array.isArray(schemas) ? schemas : [schemas];
    if (
      !listed.some(
        (s) => typeof s === 'string' && s.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase(),
      )
    ) {
      return fail(invalidSyntax(`the Bulk body's 'schemas' must include '${BULK_REQUEST_SCHEMA}'`));
    }
  }
  const operations = keys.get('operations');
  if (!Array.isArray(operations)) {
    return fail(invalidSyntax("the Bulk body must have an 'Operations' array"));
  }
  if (operations.length > maxOperations) {
    return fail(
      tooLarge(
        `the Bulk request has ${operations.length} operations; at most ${maxOperations} are accepted (maxOperations in /ServiceProviderConfig)`,
      ),
    );
  }
  const failOnErrors = keys.get('failonerrors');
  if (
    failOnErrors !== undefined &&
    failOnErrors !== null &&
    !(Number.isInteger(failOnErrors) && (failOnErrors as number) >= 1)
  ) {
    return fail(invalidValue("'failOnErrors' must be an integer of at least 1"));
  }
  const parsed = operations.map(operation);
  const seen = new Set<string>();
  for (const op of parsed) {
    if (op.bulkId === undefined) continue;
    if (seen.has(op.bulkId)) {
      return fail(invalidValue(`bulkId '${op.bulkId}' is used by more than one operation`));
    }
    seen.add(op.bulkId);
  }
  return ok({
    failOnErrors: (failOnErrors as number | null | undefined) ?? undefined,
    operations: parsed,
  });
}

const REFERENCE = /^bulkId:(.+)$/;

/** The bulkIds an operation refers to, in its path and anywhere in its data (§3.7.2). */
export function referencesOf(op: BulkOperation): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') {
      const match = REFERENCE.exec(value);
      if (match) found.add(match[1] as string);
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v);
    } else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) visit(v);
    }
  };
  visit(op.data);
  for (const segment of op.path.split('/')) visit(segment);
  return found;
}

/** `value` with every `bulkId:x` string replaced by the id that operation `x` created. */
export function resolveReferences(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    const match = REFERENCE.exec(value);
    return match && ids.has(match[1] as string) ? ids.get(match[1] as string) : value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, ids));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveReferences(v, ids)]),
    );
  }
  return value;
}

/** A path with a `bulkId:x` resource segment resolved. */
export function resolvePath(path: string, ids: ReadonlyMap<string, string>): string {
  return path
    .split('/')
    .map((segment) => resolveReferences(segment, ids) as string)
    .join('/');
}
