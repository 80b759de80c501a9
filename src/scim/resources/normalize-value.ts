/**
 * Schema-driven normalisation of one attribute value: coercion to the declared type, the
 * "unassigned" forms of RFC 7643 §2.5, and the wrappings identity providers actually send.
 * Shared by `normalize-resource.ts` (whole bodies) and the PATCH engine (single op values).
 */
import { fail, invalidValue, ok, type Result } from '../errors.ts';
import { type AttributeDefinition, findAttribute } from '../schemas/attribute.ts';
import { deepEqual, isPlainObject } from './deep-equal.ts';

export interface NormalizeOptions {
  /**
   * Keep readOnly (sub-)attributes instead of dropping them. Client input never sets them
   * (RFC 7644 §3.5.1: readOnly values in a body are ignored), but re-normalising a stored
   * resource (after PATCH) must not lose `id`, `meta` or `groups`.
   */
  readonly keepReadOnly?: boolean;
}

/** RFC 7643 §2.5: null, absent, "" and [] all mean "unassigned". Whitespace-only counts too. */
export function isUnassigned(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** writeOnly values (password) are never kept: Roster users sign in with SSO. */
export function isDropped(definition: AttributeDefinition, options: NormalizeOptions): boolean {
  return (
    definition.mutability === 'writeOnly' ||
    (definition.mutability === 'readOnly' && !options.keepReadOnly)
  );
}

/** Keys of a JSON object by lower-cased name (RFC 7643 §2.1); a later spelling wins. */
export function lowerKeyMap(object: Record<string, unknown>): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const [key, value] of Object.entries(object)) map.set(key.toLowerCase(), value);
  return map;
}

/**
 * Normalises the value of one attribute. `ok(undefined)` means "unassigned": the caller omits
 * the attribute. `label` names the attribute in error details (`name.givenName`).
 */
export function normalizeAttributeValue(
  definition: AttributeDefinition,
  raw: unknown,
  label: string,
  options: NormalizeOptions = {},
): Result<unknown> {
  if (isUnassigned(raw)) return ok(undefined);
  return definition.multiValued
    ? normalizeMultiValued(definition, raw, label, options)
    : normalizeSingleValued(definition, raw, label, options);
}

/** One element of a multi-valued attribute, e.g. a value appended by PATCH. */
export function normalizeElement(
  definition: AttributeDefinition,
  raw: unknown,
  label: string,
  options: NormalizeOptions = {},
): Result<unknown> {
  if (isUnassigned(raw)) return ok(undefined);
  return definition.type === 'complex'
    ? normalizeComplex(definition, raw, label, options)
    : coerceSimple(definition, raw, label);
}

function normalizeSingleValued(
  definition: AttributeDefinition,
  raw: unknown,
  label: string,
  options: NormalizeOptions,
): Result<unknown> {
  let value = raw;
  if (Array.isArray(value)) {
    // Legacy wrapping: Entra's old SDK sent `displayName: [{"$ref": null, "value": "Ada"}]` and
    // older docs send manager as `[{"$ref": …, "value": …}]`. One element is unambiguous.
    if (value.length !== 1) {
      return fail(
        invalidValue(
          `attribute '${label}' is single-valued, got an array of ${value.length} values`,
        ),
      );
    }
    value = value[0];
    if (definition.type !== 'complex' && isPlainObject(value)) {
      const map = lowerKeyMap(value);
      if (!map.has('value')) {
        return fail(
          invalidValue(
            `attribute '${label}' must be ${expected(definition)}, got ${describe(raw, definition)}`,
          ),
        );
      }
      value = map.get('value');
    }
  }
  return normalizeElement(definition, value, label, options);
}

function normalizeMultiValued(
  definition: AttributeDefinition,
  raw: unknown,
  label: string,
  options: NormalizeOptions,
): Result<unknown> {
  // A lone value where an array belongs is what the client meant as a one-element array.
  const items = Array.isArray(raw) ? raw : [raw];
  const valueDefinition =
    definition.type === 'complex' ? findAttribute(definition.subAttributes, 'value') : undefined;
  const elements: unknown[] = [];
  for (const item of items) {
    const element = normalizeElement(definition, item, label, options);
    if (!element.ok) return element;
    if (element.value === undefined) continue;
    // An element of an attribute that has a `value` (an e-mail, a role) but without one means
    // nothing; it arises from Entra patching `emails[type eq "home"].primary` alone.
    if (valueDefinition && isPlainObject(element.value) && element.value.value === undefined) {
      continue;
    }
    const index = elements.findIndex((e) => sameElement(definition, e, element.value));
    if (index < 0) {
      elements.push(element.value);
    } else if (isPlainObject(elements[index]) && isPlainObject(element.value)) {
      // A duplicate may still carry sub-attributes the first one lacks; the first one wins.
      elements[index] = { ...element.value, ...elements[index] };
    }
  }
  // RFC 7643 §2.4: at most one element is primary. The first one keeps the flag.
  let seenPrimary = false;
  for (const element of elements) {
    if (!isPlainObject(element) || element.primary !== true) continue;
    if (seenPrimary) delete element.primary;
    seenPrimary = true;
  }
  return ok(elements.length === 0 ? undefined : elements);
}

function normalizeComplex(
  definition: AttributeDefinition,
  raw: unknown,
  label: string,
  options: NormalizeOptions,
): Result<unknown> {
  let value = raw;
  const valueDefinition = findAttribute(definition.subAttributes, 'value');
  // Entra sends manager as a bare id; Okta sends roles as ["Sales Rep"].
  if ((typeof value === 'string' || typeof value === 'number') && valueDefinition) {
    value = { value };
  }
  if (!isPlainObject(value)) {
    return fail(
      invalidValue(
        `attribute '${label}' must be a complex object, got ${describe(raw, definition)}`,
      ),
    );
  }
  const map = lowerKeyMap(value);
  const out: Record<string, unknown> = {};
  for (const sub of definition.subAttributes ?? []) {
    if (isDropped(sub, options)) continue;
    // Entra's AppRoleAssignmentsComplex mapping says `displayName` where RFC 7643 says `display`.
    const given =
      map.get(sub.name.toLowerCase()) ??
      (sub.name === 'display' ? map.get('displayname') : undefined);
    const normalized = normalizeAttributeValue(sub, given, `${label}.${sub.name}`, options);
    if (!normalized.ok) return normalized;
    if (normalized.value !== undefined) out[sub.name] = normalized.value;
  }
  return ok(Object.keys(out).length === 0 ? undefined : out);
}

/** Be liberal in what we accept (Entra sends "True"/"False"); strict about what is nonsense. */
export function coerceSimple(
  definition: AttributeDefinition,
  value: unknown,
  label: string,
): Result<unknown> {
  const wrong = () =>
    fail(
      invalidValue(
        `attribute '${label}' must be ${expected(definition)}, got ${describe(value, definition)}`,
      ),
    );
  switch (definition.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value === 'string') return ok(value);
      if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
      return wrong();
    case 'boolean': {
      if (typeof value === 'boolean') return ok(value);
      const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
      if (text === 'true') return ok(true);
      if (text === 'false') return ok(false);
      return wrong();
    }
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return ok(value);
      if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return ok(Number(value));
      return wrong();
    case 'decimal': {
      if (typeof value === 'number' && Number.isFinite(value)) return ok(value);
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      return Number.isFinite(number) ? ok(number) : wrong();
    }
    case 'dateTime': {
      const iso = typeof value === 'string' ? parseDateTime(value) : undefined;
      return iso === undefined ? wrong() : ok(iso);
    }
    case 'complex':
      return wrong();
  }
}

// RFC 7643 §2.3.5: xsd:dateTime. `Date.parse` alone accepts too much ("1" is the year 2001).
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?<zone>[Zz]|[+-]\d{2}:?\d{2})?)?$/;

function parseDateTime(text: string): string | undefined {
  const trimmed = text.trim();
  const match = DATE_TIME.exec(trimmed);
  if (!match) return undefined;
  // A date-time without an offset is read as UTC, not as the server's local time.
  const withZone = trimmed.length > 10 && !match.groups?.zone ? `${trimmed}Z` : trimmed;
  const time = Date.parse(withZone);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * Two elements of a multi-valued attribute are the same when `value` (compared as its
 * caseExact says) and `type` (canonical values, case-insensitive) agree; elements without a
 * `value` (addresses) must be identical.
 */
export function sameElement(definition: AttributeDefinition, a: unknown, b: unknown): boolean {
  const valueDefinition = findAttribute(definition.subAttributes, 'value');
  if (!isPlainObject(a) || !isPlainObject(b)) {
    return valuesEqual(definition, a, b);
  }
  if (!valueDefinition || a.value === undefined || b.value === undefined) return deepEqual(a, b);
  const typeA = typeof a.type === 'string' ? a.type.toLowerCase() : a.type;
  const typeB = typeof b.type === 'string' ? b.type.toLowerCase() : b.type;
  return valuesEqual(valueDefinition, a.value, b.value) && typeA === typeB;
}

/** Equality of two simple values under the attribute's caseExact (RFC 7643 §2.2). */
export function valuesEqual(definition: AttributeDefinition, a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && !definition.caseExact) {
    return a.toLowerCase() === b.toLowerCase();
  }
  return deepEqual(a, b);
}

function expected(definition: AttributeDefinition): string {
  switch (definition.type) {
    case 'string':
      return 'a string';
    case 'reference':
      return 'a string (URI reference)';
    case 'binary':
      return 'a string (base64)';
    case 'boolean':
      return 'a boolean';
    case 'integer':
      return 'an integer';
    case 'decimal':
      return 'a number';
    case 'dateTime':
      return 'a dateTime (ISO 8601, e.g. "2026-11-02T10:15:00Z")';
    case 'complex':
      return 'a complex object';
  }
}

/**
 * A value quoted back in an error detail. Never a write-only secret's (`password`, returned
 * "never", RFC 7643 §7): details reach IdP logs and the provisioning log.
 */
function describe(value: unknown, definition: AttributeDefinition): string {
  if (definition.returned === 'never') {
    return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
