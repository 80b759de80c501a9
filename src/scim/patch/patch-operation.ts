/**
 * Parses a PATCH request body (RFC 7644 §3.5.2) into operations. Structural keys and `op`
 * values match case-insensitively: Entra sends `Add`/`Replace`/`Remove` and Microsoft's own
 * guidance is "don't require a case-sensitive match on structural elements".
 */
import { fail, invalidSyntax, invalidValue, ok, type Result } from '../errors.ts';
import { isPlainObject } from '../resources/deep-equal.ts';
import { lowerKeyMap } from '../resources/normalize-value.ts';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * Operations one PATCH may carry. IdPs send a handful (Entra batches member changes as values
 * of one operation); thousands in one request would hold the resource's lock for seconds.
 */
export const MAX_OPERATIONS = 1000;

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  readonly op: PatchOpName;
  /** Absent when the operation has no path (the target is the resource itself). */
  readonly path?: string | undefined;
  /** Whether the body had a `value` member at all (remove with a value differs from without). */
  readonly hasValue: boolean;
  readonly value?: unknown;
}

export function parsePatchBody(body: unknown): Result<readonly PatchOperation[]> {
  if (!isPlainObject(body)) return fail(invalidSyntax('the PATCH body must be a JSON object'));
  const keys = lowerKeyMap(body);

  // `schemas` is optional for us (several clients omit it), but if sent it must be a PatchOp.
  if (keys.has('schemas')) {
    const schemas = keys.get('schemas');
    const listed = Array.isArray(schemas) ? schemas : [schemas];
    const isPatchOp = listed.some(
      (s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase(),
    );
    if (!isPatchOp) {
      return fail(invalidSyntax(`the PATCH body's 'schemas' must include '${PATCH_OP_SCHEMA}'`));
    }
  }

  if (!keys.has('operations')) {
    return fail(invalidSyntax("the PATCH body must have an 'Operations' array"));
  }
  const operations = keys.get('operations');
  if (!Array.isArray(operations)) {
    return fail(invalidSyntax("the PATCH body's 'Operations' must be an array"));
  }

  if (operations.length > MAX_OPERATIONS) {
    return fail(
      invalidValue(
        `a PATCH may carry at most ${MAX_OPERATIONS} operations, got ${operations.length}; send several PATCH requests`,
      ),
    );
  }
  const parsed: PatchOperation[] = [];
  for (const [index, raw] of operations.entries()) {
    const operation = parseOperation(raw, index);
    if (!operation.ok) return operation;
    parsed.push(operation.value);
  }
  return ok(parsed);
}

function parseOperation(raw: unknown, index: number): Result<PatchOperation> {
  const where = `Operations[${index}]`;
  if (!isPlainObject(raw)) return fail(invalidSyntax(`${where} must be a JSON object`));
  const keys = lowerKeyMap(raw);

  const op = keys.get('op');
  const name = typeof op === 'string' ? op.trim().toLowerCase() : undefined;
  if (name !== 'add' && name !== 'replace' && name !== 'remove') {
    return fail(
      invalidSyntax(
        `${where}.op must be 'add', 'replace' or 'remove', got ${JSON.stringify(op) ?? 'nothing'}`,
      ),
    );
  }

  const path = keys.get('path');
  if (path !== undefined && path !== null && typeof path !== 'string') {
    return fail(invalidSyntax(`${where}.path must be a string`));
  }
  // An empty path is the same as no path (the resource itself).
  const trimmed = typeof path === 'string' && path.trim() !== '' ? path.trim() : undefined;

  return ok({
    op: name,
    path: trimmed,
    hasValue: keys.has('value') && keys.get('value') !== undefined,
    value: keys.get('value'),
  });
}
