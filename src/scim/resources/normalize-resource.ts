/**
 * Turns a client's resource body (POST, PUT, or the result of a PATCH) into canonical SCIM JSON:
 * canonical attribute spelling, declared types, no unassigned values, no unknown or readOnly
 * attributes, `schemas` computed from what is present. Everything downstream (store, PATCH,
 * responses) can then rely on one shape.
 */
import { fail, invalidSyntax, invalidValue, ok, type Result, type ScimError } from '../errors.ts';
import type { AttributeDefinition } from '../schemas/attribute.ts';
import { commonAttributes, type ResourceTypeDefinition } from '../schemas/resource-types.ts';
import { isPlainObject } from './deep-equal.ts';
import {
  isDropped,
  isUnassigned,
  lowerKeyMap,
  type NormalizeOptions,
  normalizeAttributeValue,
} from './normalize-value.ts';

/** A SCIM resource in canonical JSON form. */
export type Resource = Record<string, unknown>;

export type { NormalizeOptions };

/**
 * Normalises `input` against `resourceType`. Does not check `required` (see `checkRequired`):
 * a PATCH's intermediate states and partial bodies are legitimately incomplete.
 *
 * Output key order is: `schemas`, common attributes, core attributes, extensions, each in
 * schema order, so equal resources serialise identically.
 */
export function normalizeResource(
  resourceType: ResourceTypeDefinition,
  input: unknown,
  options: NormalizeOptions = {},
): Result<Resource> {
  if (!isPlainObject(input)) {
    return fail(invalidSyntax(`the ${resourceType.name} resource must be a JSON object`));
  }
  // RFC 7643 §2.1: attribute names and schema URNs are case-insensitive. Unknown keys (legacy
  // `urn:scim:schemas:core:1.0` data, Entra's `http://schemas.microsoft.com/...` keys, typos)
  // are dropped silently: rejecting them would break provisioning for no benefit.
  const keys = lowerKeyMap(input);
  const body: Resource = {};
  const schemas = [resourceType.schema.id];

  const core = normalizeAttributes(
    [...commonAttributes, ...resourceType.schema.attributes],
    keys,
    '',
    options,
  );
  if (!core.ok) return core;
  Object.assign(body, core.value);

  for (const { schema } of resourceType.extensions) {
    const raw = keys.get(schema.id.toLowerCase());
    if (isUnassigned(raw)) continue;
    if (!isPlainObject(raw)) {
      return fail(invalidValue(`extension '${schema.id}' must be a JSON object`));
    }
    const extension = normalizeAttributes(
      schema.attributes,
      lowerKeyMap(raw),
      `${schema.id}:`,
      options,
    );
    if (!extension.ok) return extension;
    // RFC 7643 §3: an extension's URN is listed in `schemas` exactly when it carries values.
    if (Object.keys(extension.value).length === 0) continue;
    body[schema.id] = extension.value;
    schemas.push(schema.id);
  }
  return ok({ schemas, ...body });
}

function normalizeAttributes(
  definitions: readonly AttributeDefinition[],
  keys: Map<string, unknown>,
  labelPrefix: string,
  options: NormalizeOptions,
): Result<Resource> {
  const out: Resource = {};
  for (const definition of definitions) {
    // RFC 7644 §3.5.1: readOnly values in a body are ignored; writeOnly `password` is discarded.
    if (isDropped(definition, options)) continue;
    const value = normalizeAttributeValue(
      definition,
      keys.get(definition.name.toLowerCase()),
      `${labelPrefix}${definition.name}`,
      options,
    );
    if (!value.ok) return value;
    if (value.value !== undefined) out[definition.name] = value.value;
  }
  return ok(out);
}

/**
 * Checks the `required` attributes (RFC 7643 §2.2) of a normalised resource: `userName` and
 * `active` for users. Run on POST/PUT bodies and PATCH results, not on partial inputs. `refuse`
 * words the error: a missing value in a body is `invalidValue`, a PATCH that removes one is
 * `mutability` (RFC 7644 §3.5.2.2).
 */
export function checkRequired(
  resourceType: ResourceTypeDefinition,
  resource: Resource,
  refuse: (label: string, definition: AttributeDefinition) => ScimError = (label) =>
    invalidValue(`attribute '${label}' is required`),
): Result<void> {
  const missing = (definition: AttributeDefinition, value: unknown) =>
    definition.required && definition.mutability !== 'readOnly' && isUnassigned(value);
  for (const definition of resourceType.schema.attributes) {
    if (missing(definition, resource[definition.name])) {
      return fail(refuse(definition.name, definition));
    }
  }
  for (const { schema, required } of resourceType.extensions) {
    const extension = resource[schema.id];
    if (!isPlainObject(extension)) {
      if (required) return fail(invalidValue(`extension '${schema.id}' is required`));
      continue;
    }
    for (const definition of schema.attributes) {
      if (missing(definition, extension[definition.name])) {
        return fail(refuse(`${schema.id}:${definition.name}`, definition));
      }
    }
  }
  return ok(undefined);
}
