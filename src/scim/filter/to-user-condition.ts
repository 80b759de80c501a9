/**
 * A parsed SCIM filter (RFC 7644 §3.4.2.2) as a directory user condition. Attribute names are
 * resolved against the User schema case-insensitively, string comparisons follow each
 * attribute's caseExact, and values are checked against the attribute's type so the store never
 * sees a comparison it cannot run.
 */
import type {
  Comparison,
  ElementField,
  Operand,
  UserColumn,
  UserCondition,
  UserField,
} from '../../directory/user-query.ts';
import { fail, invalidFilter, ok, type Result, type ScimError } from '../errors.ts';
import { type AttributeDefinition, findAttribute } from '../schemas/attribute.ts';
import {
  type AttributeReference,
  type ResolvedAttribute,
  resolveAttribute,
} from '../schemas/resolve-attribute.ts';
import { userResourceType } from '../schemas/resource-types.ts';
import type { CompareOperator, Filter, FilterValue } from './ast.ts';

/** Core attributes with an indexed column of their own. */
const COLUMNS: Readonly<Record<string, UserColumn>> = {
  id: 'id',
  externalId: 'externalId',
  userName: 'userName',
  displayName: 'displayName',
  'name.givenName': 'givenName',
  'name.familyName': 'familyName',
  active: 'active',
  'meta.created': 'createdAt',
  'meta.lastModified': 'updatedAt',
};

/** Multi-valued attributes that exist on the resource but are not stored as elements yet. */
const NEVER_STORED = new Set(['groups', 'roles']);

type Target = { field: UserField | ElementField; definition: AttributeDefinition };

function written(path: AttributeReference): string {
  const base = path.uri ? `${path.uri}:${path.name}` : path.name;
  return path.subAttribute ? `${base}.${path.subAttribute}` : base;
}

function checkValue(
  definition: AttributeDefinition,
  op: CompareOperator,
  value: FilterValue,
  label: string,
): Result<Operand> {
  if (value === null) return ok(null);
  const ordering = op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';
  const substring = op === 'co' || op === 'sw' || op === 'ew';
  switch (definition.type) {
    case 'boolean': {
      // Entra compares `primary eq "True"`: string booleans are accepted as booleans.
      const bool =
        typeof value === 'boolean'
          ? value
          : typeof value === 'string' && /^(true|false)$/i.test(value)
            ? value.toLowerCase() === 'true'
            : undefined;
      if (bool === undefined)
        return fail(invalidFilter(`'${label}' is a boolean; compare it with true or false`));
      if (ordering || substring) {
        return fail(invalidFilter(`operator '${op}' cannot be used with boolean '${label}'`));
      }
      return ok(bool);
    }
    case 'dateTime': {
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
        return fail(
          invalidFilter(
            `'${label}' is a dateTime; compare it with an ISO 8601 string such as "2026-01-01T00:00:00Z"`,
          ),
        );
      }
      // Stored timestamps are ISO 8601 with milliseconds; normalise so they compare lexically.
      return ok(substring ? value : new Date(value).toISOString());
    }
    case 'integer':
    case 'decimal':
      if (typeof value !== 'number')
        return fail(invalidFilter(`'${label}' is a number; compare it with a number`));
      return ok(value);
    case 'complex':
      return fail(
        invalidFilter(
          `'${label}' is complex; compare one of its sub-attributes, e.g. '${label}.value'`,
        ),
      );
    default:
      if (typeof value === 'boolean')
        return fail(invalidFilter(`'${label}' is a string; compare it with a quoted string`));
      return ok(typeof value === 'number' ? String(value) : value);
  }
}

function compareOrPresent(
  target: Target,
  filter: Extract<Filter, { kind: 'compare' | 'present' }>,
): Result<UserCondition> {
  if (filter.kind === 'present') return ok({ kind: 'present', field: target.field });
  const value = checkValue(target.definition, filter.op, filter.value, written(filter.path));
  if (!value.ok) return value;
  // RFC 7644 §3.4.2.2: `eq null` matches an unassigned attribute, `ne null` an assigned one.
  if (value.value === null) {
    if (filter.op !== 'eq' && filter.op !== 'ne') {
      return fail(invalidFilter(`operator '${filter.op}' cannot compare with null`));
    }
    const present: UserCondition = { kind: 'present', field: target.field };
    return ok(filter.op === 'eq' ? { kind: 'not', condition: present } : present);
  }
  return ok({
    kind: 'compare',
    field: target.field,
    op: filter.op as Comparison,
    value: value.value,
    caseExact: target.definition.caseExact,
  });
}

function element(attribute: AttributeDefinition, name: string): Result<Target> {
  const definition = findAttribute(attribute.subAttributes, name);
  if (!definition) {
    return fail(invalidFilter(`'${attribute.name}' has no sub-attribute '${name}'`));
  }
  return ok({ field: { kind: 'element', path: [definition.name] }, definition });
}

function resolve(path: AttributeReference): Result<ResolvedAttribute> {
  const resolved = resolveAttribute(userResourceType, path);
  if (!resolved.ok) return fail(invalidFilter(`${resolved.error} in filter`));
  const { attribute } = resolved.value;
  if (attribute.returned === 'never') {
    return fail(invalidFilter(`'${attribute.name}' is write-only and cannot be filtered`));
  }
  return ok(resolved.value);
}

/** A filter on one element of a multi-valued attribute (inside `attr[...]`). */
function elementCondition(filter: Filter, attribute: AttributeDefinition): Result<UserCondition> {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const left = elementCondition(filter.left, attribute);
      if (!left.ok) return left;
      const right = elementCondition(filter.right, attribute);
      if (!right.ok) return right;
      return ok({ kind: filter.kind, conditions: [left.value, right.value] });
    }
    case 'not': {
      const inner = elementCondition(filter.filter, attribute);
      return inner.ok ? ok({ kind: 'not', condition: inner.value }) : inner;
    }
    case 'valuePath':
      return fail(invalidFilter(`value paths cannot be nested inside '${attribute.name}[...]'`));
    default: {
      if (filter.path.uri || filter.path.subAttribute) {
        return fail(
          invalidFilter(
            `inside '${attribute.name}[...]' name a sub-attribute of '${attribute.name}', not '${written(filter.path)}'`,
          ),
        );
      }
      const target = element(attribute, filter.path.name);
      return target.ok ? compareOrPresent(target.value, filter) : target;
    }
  }
}

function some(attribute: AttributeDefinition, condition: UserCondition): UserCondition {
  if (NEVER_STORED.has(attribute.name)) return { kind: 'none' };
  return { kind: 'some', attribute: attribute.name, condition };
}

export function toUserCondition(filter: Filter): Result<UserCondition, ScimError> {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const left = toUserCondition(filter.left);
      if (!left.ok) return left;
      const right = toUserCondition(filter.right);
      if (!right.ok) return right;
      return ok({ kind: filter.kind, conditions: [left.value, right.value] });
    }
    case 'not': {
      const inner = toUserCondition(filter.filter);
      return inner.ok ? ok({ kind: 'not', condition: inner.value }) : inner;
    }
    case 'valuePath': {
      const resolved = resolve(filter.path);
      if (!resolved.ok) return resolved;
      const { attribute } = resolved.value;
      if (!attribute.multiValued || attribute.type !== 'complex') {
        return fail(
          invalidFilter(`'${attribute.name}[...]' needs a multi-valued complex attribute`),
        );
      }
      const inner = elementCondition(filter.filter, attribute);
      return inner.ok ? ok(some(attribute, inner.value)) : inner;
    }
    default:
      return attributeCondition(filter);
  }
}

function attributeCondition(
  filter: Extract<Filter, { kind: 'compare' | 'present' }>,
): Result<UserCondition> {
  const resolved = resolve(filter.path);
  if (!resolved.ok) return resolved;
  const { schema, isExtension, attribute, subAttribute } = resolved.value;

  if (attribute.multiValued) {
    // RFC 7644 §3.4.2.2: a multi-valued attribute without a sub-attribute compares its `value`.
    if (filter.kind === 'present' && !subAttribute) return ok(some(attribute, { kind: 'all' }));
    const target = element(attribute, subAttribute?.name ?? 'value');
    if (!target.ok) return target;
    const inner = compareOrPresent(target.value, filter);
    return inner.ok ? ok(some(attribute, inner.value)) : inner;
  }

  if (attribute.name === 'meta' && subAttribute?.name === 'resourceType') {
    const matches =
      filter.kind === 'present' ||
      (filter.op === 'eq' && String(filter.value).toLowerCase() === 'user');
    return ok({ kind: matches ? 'all' : 'none' });
  }
  const key = subAttribute ? `${attribute.name}.${subAttribute.name}` : attribute.name;
  const column = isExtension ? undefined : COLUMNS[key];
  const definition = subAttribute ?? attribute;
  if (column) return compareOrPresent({ field: { kind: 'column', column }, definition }, filter);
  if (attribute.name === 'meta') {
    return fail(invalidFilter(`filtering on '${written(filter.path)}' is not supported`));
  }
  const path = [
    ...(isExtension && schema ? [schema.id] : []),
    attribute.name,
    ...(subAttribute ? [subAttribute.name] : []),
  ];
  return compareOrPresent({ field: { kind: 'profile', path }, definition }, filter);
}
