/**
 * A parsed SCIM filter (RFC 7644 §3.4.2.2) as a directory condition (`directory/query.ts`), for
 * any resource type a `ConditionSpec` describes (users, groups). Attribute names are
 * resolved against the resource's schemas case-insensitively, string comparisons follow each
 * attribute's caseExact, and values are checked against the attribute's type so the store never
 * sees a comparison it cannot run.
 */
import type { Comparison, Condition, ElementField, Field, Operand } from '../../directory/query.ts';
import { fail, invalidFilter, ok, type Result, type ScimError } from '../errors.ts';
import { type AttributeDefinition, findAttribute } from '../schemas/attribute.ts';
import {
  type AttributeReference,
  type ResolvedAttribute,
  resolveAttribute,
} from '../schemas/resolve-attribute.ts';
import type { ResourceTypeDefinition } from '../schemas/resource-types.ts';
import type { CompareOperator, Filter, FilterValue } from './ast.ts';

/** What the translation needs to know of one resource type. */
export interface ConditionSpec<Column extends string> {
  readonly resourceType: ResourceTypeDefinition;
  /** Core attributes (`name.givenName`, `meta.created`) with an indexed column of their own. */
  readonly columns: Readonly<Record<string, Column>>;
  /** Multi-valued attributes that exist on the resource but are not stored as elements. */
  readonly neverStored: ReadonlySet<string>;
}

type AnyCondition = Condition<string>;
type Target = { field: Field<string> | ElementField; definition: AttributeDefinition };

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
): Result<AnyCondition> {
  if (filter.kind === 'present') return ok({ kind: 'present', field: target.field });
  const value = checkValue(target.definition, filter.op, filter.value, written(filter.path));
  if (!value.ok) return value;
  // RFC 7644 §3.4.2.2: `eq null` matches an unassigned attribute, `ne null` an assigned one.
  if (value.value === null) {
    if (filter.op !== 'eq' && filter.op !== 'ne') {
      return fail(invalidFilter(`operator '${filter.op}' cannot compare with null`));
    }
    const present: AnyCondition = { kind: 'present', field: target.field };
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

function resolve(spec: ConditionSpec<string>, path: AttributeReference): Result<ResolvedAttribute> {
  const resolved = resolveAttribute(spec.resourceType, path);
  if (!resolved.ok) return fail(invalidFilter(`${resolved.error} in filter`));
  const { attribute } = resolved.value;
  if (attribute.returned === 'never') {
    return fail(invalidFilter(`'${attribute.name}' is write-only and cannot be filtered`));
  }
  return ok(resolved.value);
}

/** A filter on one element of a multi-valued attribute (inside `attr[...]`). */
function elementCondition(filter: Filter, attribute: AttributeDefinition): Result<AnyCondition> {
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

function some(
  spec: ConditionSpec<string>,
  attribute: AttributeDefinition,
  condition: AnyCondition,
): AnyCondition {
  if (spec.neverStored.has(attribute.name)) return { kind: 'none' };
  return { kind: 'some', attribute: attribute.name, condition };
}

/**
 * Most multi-valued matches (`emails[...]`, `emails.value eq`) one filter may hold. Each becomes
 * a subquery, and the database's planning time grows steeply with their number (400 of them
 * held a PostgreSQL connection for minutes); IdPs send one or two.
 */
const maxValuePaths = 10;
/** Most comparisons one filter may hold (an `or` of ids, for example). */
const maxComparisons = 100;

/** Refuses a filter whose SQL would cost far more than any IdP's filter does. */
function checkCost(condition: AnyCondition): Result<AnyCondition, ScimError> {
  let valuePaths = 0;
  let comparisons = 0;
  const stack: AnyCondition[] = [condition];
  while (stack.length > 0) {
    const node = stack.pop() as AnyCondition;
    switch (node.kind) {
      case 'and':
      case 'or':
        stack.push(...node.conditions);
        break;
      case 'not':
        stack.push(node.condition);
        break;
      case 'some':
        valuePaths++;
        stack.push(node.condition);
        break;
      case 'compare':
      case 'present':
        comparisons++;
        break;
    }
  }
  if (valuePaths > maxValuePaths) {
    return fail(
      invalidFilter(
        `the filter matches multi-valued attributes ${valuePaths} times ('emails[...]', 'emails.value ...'); at most ${maxValuePaths} are allowed`,
      ),
    );
  }
  if (comparisons > maxComparisons) {
    return fail(
      invalidFilter(
        `the filter has ${comparisons} comparisons; at most ${maxComparisons} are allowed`,
      ),
    );
  }
  return ok(condition);
}

export function toCondition<Column extends string>(
  filter: Filter,
  spec: ConditionSpec<Column>,
): Result<Condition<Column>, ScimError> {
  const translated = translate(filter, spec);
  // The translation only ever names columns from `spec.columns`.
  return (translated.ok ? checkCost(translated.value) : translated) as Result<
    Condition<Column>,
    ScimError
  >;
}

function translate(filter: Filter, spec: ConditionSpec<string>): Result<AnyCondition, ScimError> {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const left = translate(filter.left, spec);
      if (!left.ok) return left;
      const right = translate(filter.right, spec);
      if (!right.ok) return right;
      return ok({ kind: filter.kind, conditions: [left.value, right.value] });
    }
    case 'not': {
      const inner = translate(filter.filter, spec);
      return inner.ok ? ok({ kind: 'not', condition: inner.value }) : inner;
    }
    case 'valuePath': {
      const resolved = resolve(spec, filter.path);
      if (!resolved.ok) return resolved;
      const { attribute } = resolved.value;
      if (!attribute.multiValued || attribute.type !== 'complex') {
        return fail(
          invalidFilter(`'${attribute.name}[...]' needs a multi-valued complex attribute`),
        );
      }
      const inner = elementCondition(filter.filter, attribute);
      return inner.ok ? ok(some(spec, attribute, inner.value)) : inner;
    }
    default:
      return attributeCondition(filter, spec);
  }
}

function attributeCondition(
  filter: Extract<Filter, { kind: 'compare' | 'present' }>,
  spec: ConditionSpec<string>,
): Result<AnyCondition> {
  const resolved = resolve(spec, filter.path);
  if (!resolved.ok) return resolved;
  const { schema, isExtension, attribute, subAttribute } = resolved.value;

  if (attribute.multiValued) {
    // RFC 7644 §3.4.2.2: a multi-valued attribute without a sub-attribute compares its `value`.
    if (filter.kind === 'present' && !subAttribute) {
      return ok(some(spec, attribute, { kind: 'all' }));
    }
    const target = element(attribute, subAttribute?.name ?? 'value');
    if (!target.ok) return target;
    const inner = compareOrPresent(target.value, filter);
    return inner.ok ? ok(some(spec, attribute, inner.value)) : inner;
  }

  if (attribute.name === 'meta' && subAttribute?.name === 'resourceType') {
    const matches =
      filter.kind === 'present' ||
      (filter.op === 'eq' &&
        String(filter.value).toLowerCase() === spec.resourceType.id.toLowerCase());
    return ok({ kind: matches ? 'all' : 'none' });
  }
  const key = subAttribute ? `${attribute.name}.${subAttribute.name}` : attribute.name;
  const column = isExtension ? undefined : spec.columns[key];
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
