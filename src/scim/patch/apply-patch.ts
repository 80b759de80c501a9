/**
 * Roster's PATCH engine (RFC 7644 §3.5.2), schema-driven, for one resource in memory. It accepts
 * what the RFC specifies plus what identity providers really send (see
 * `/work/shared/research/idp-behaviour.md` §3.5, §3.6, §4.2, §7), and is atomic: operations are
 * applied in order to a copy, and the first failure discards the copy.
 */
import {
  fail,
  invalidPath,
  invalidValue,
  mutability,
  noTarget,
  ok,
  type Result,
} from '../errors.ts';
import { deepEqual, isPlainObject } from '../resources/deep-equal.ts';
import {
  checkRequired,
  normalizeResource,
  type Resource,
} from '../resources/normalize-resource.ts';
import type { ResourceTypeDefinition } from '../schemas/resource-types.ts';
import { applyToAttribute } from './apply-operation.ts';
import { type Draft, isExplicitNull, type TargetedOperation } from './patch-draft.ts';
import { type PatchOperation, parsePatchBody } from './patch-operation.ts';
import { type PatchTarget, resolveTarget } from './patch-target.ts';

export interface PatchOutcome {
  /** The patched resource, canonical (normalised; readOnly attributes of the input kept). */
  readonly resource: Resource;
  /** False when the result deep-equals the (normalised) input: nothing to store. */
  readonly changed: boolean;
}

/**
 * Applies a PATCH request body to `resource` (canonical, as `normalizeResource` produces; never
 * mutated). The result is normalised and checked for required attributes.
 */
export function applyPatch(
  resourceType: ResourceTypeDefinition,
  resource: Resource,
  body: unknown,
): Result<PatchOutcome> {
  const operations = parsePatchBody(body);
  if (!operations.ok) return operations;

  const draft = structuredClone(resource) as Draft;
  for (const operation of operations.value) {
    const applied = applyOperation(resourceType, draft, operation);
    if (!applied.ok) return applied;
  }

  // Coerces what the operations wrote as a whole (duplicates, several primaries) and keeps what
  // PATCH cannot touch (id, meta, groups).
  const patched = normalizeResource(resourceType, draft, { keepReadOnly: true });
  if (!patched.ok) return patched;
  // RFC 7644 §3.5.2.2: a required attribute that a PATCH removes or leaves unassigned is a
  // `mutability` error. Checked on the result, so a remove followed by an add is fine.
  const required = checkRequired(resourceType, patched.value, (label, definition) =>
    mutability(
      `attribute '${label}' is required, so a PATCH cannot remove it or set it to null or ""` +
        (definition.type === 'boolean' ? '; replace it with true or false instead' : ''),
    ),
  );
  if (!required.ok) return required;

  const result = patched.value;
  return ok({
    resource: result,
    // Asked for by few callers (the store compares what it writes anyway): computed on demand.
    get changed() {
      const before = normalizeResource(resourceType, resource, { keepReadOnly: true });
      return !deepEqual(before.ok ? before.value : resource, result);
    },
  });
}

function applyOperation(
  resourceType: ResourceTypeDefinition,
  draft: Draft,
  operation: PatchOperation,
): Result<void> {
  const { op, path, value, hasValue } = operation;
  if (op !== 'remove' && !hasValue) {
    // RFC 7644 §3.5.2.1, §3.5.2.3: add and replace carry a "value".
    return fail(invalidValue(`operation '${op}'${path ? ` on '${path}'` : ''} needs a 'value'`));
  }
  if (path === undefined) {
    // RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with ... "noTarget"".
    if (op === 'remove') return fail(noTarget("a 'remove' operation needs a 'path'"));
    // RFC 7644 §3.5.2.1/§3.5.2.3: without a path the value is a set of attributes to apply to
    // the resource itself (Okta `{"active": false}`, Entra's dotted and URN keys).
    if (!isPlainObject(value)) {
      return fail(
        invalidValue(
          `operation '${op}' without a 'path' needs an object of attributes as 'value', got ${JSON.stringify(value)}`,
        ),
      );
    }
    return applyValueObject(resourceType, draft, op, value, undefined);
  }
  const target = resolveTarget(resourceType, path);
  if (!target.ok) return target;
  return applyToTarget(resourceType, draft, target.value, { op, value, hasValue, label: path });
}

function applyToTarget(
  resourceType: ResourceTypeDefinition,
  draft: Draft,
  target: PatchTarget,
  operation: TargetedOperation,
): Result<void> {
  switch (target.kind) {
    case 'ignore':
      // The path names an attribute (or schema URN) we do not have: a no-op, as unknown
      // attributes in a POST/PUT body are dropped. See `resolveTarget`.
      return ok(undefined);
    case 'attribute':
      return applyToAttribute(draft, target, operation);
    case 'schema': {
      const { schema, isExtension } = target;
      if (operation.op === 'remove' || isExplicitNull(operation.value)) {
        // The whole extension can be unassigned; the core schema cannot.
        if (!isExtension) {
          return fail(invalidPath(`'${operation.label}' is the core schema and cannot be removed`));
        }
        delete draft[schema.id];
        return ok(undefined);
      }
      if (!isPlainObject(operation.value)) {
        return fail(
          invalidValue(`the value for '${operation.label}' must be an object of attributes`),
        );
      }
      return applyValueObject(resourceType, draft, operation.op, operation.value, schema.id);
    }
  }
}

/**
 * Applies each key of a path-less value (or of a value addressed to a schema URN) as if it were
 * an operation with that path: `displayName`, `name.givenName`,
 * `urn:…:enterprise:2.0:User:employeeNumber`, or an extension URN with an object value.
 */
function applyValueObject(
  resourceType: ResourceTypeDefinition,
  draft: Draft,
  op: TargetedOperation['op'],
  value: Record<string, unknown>,
  schemaId: string | undefined,
): Result<void> {
  const atTop = schemaId === undefined || schemaId === resourceType.schema.id;
  for (const [key, inner] of Object.entries(value)) {
    const lower = key.toLowerCase();
    if (atTop) {
      // Okta sends the whole resource back (`{"id": …, "displayName": …}`); `schemas` and `meta`
      // are the server's, and an unchanged `id` is harmless.
      if (lower === 'schemas' || lower === 'meta') continue;
      if (lower === 'id') {
        // Compared as text only when it is text (or a number): String() of a JSON object calls
        // the object's own toString, which the body may have set to a non-function.
        const echoed =
          (typeof inner === 'string' || typeof inner === 'number') &&
          String(inner) === String(draft.id);
        if (inner === undefined || inner === null || echoed) continue;
        return fail(mutability("attribute 'id' is readOnly and cannot be modified"));
      }
    }
    const path = schemaId === undefined ? key : `${schemaId}:${key}`;
    // Keys that are not even valid paths are unknown attributes here: ignored (lenient).
    const target = resolveTarget(resourceType, path, true);
    if (!target.ok) return target;
    // A schema URN nested under another schema URN means nothing.
    if (target.value.kind === 'schema' && schemaId !== undefined) continue;
    const applied = applyToTarget(resourceType, draft, target.value, {
      op,
      value: inner,
      hasValue: true,
      label: path,
    });
    if (!applied.ok) return applied;
  }
  return ok(undefined);
}
