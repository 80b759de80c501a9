/**
 * In-memory evaluation of a value-path filter (`emails[type eq "work"]`, RFC 7644 §3.4.2.2)
 * against one element of a multi-valued complex attribute. Only PATCH on a single resource uses
 * this; list queries are translated to the store's query language instead.
 */
import { fail, invalidFilter, ok, type Result } from '../errors.ts';
import { type AttributeDefinition, findAttribute } from '../schemas/attribute.ts';
import type { AttributeReference } from '../schemas/resolve-attribute.ts';
import type { CompareOperator, Filter, FilterValue } from './ast.ts';

/**
 * Does `element` (one value of the multi-valued `attribute`) match `filter`? Paths in the filter
 * name sub-attributes of `attribute` (`type`, `value`; `emails.type` is accepted too). An unknown
 * sub-attribute or an operator that makes no sense for the type is an invalidFilter error.
 */
export function matchesElement(
  filter: Filter,
  element: Record<string, unknown>,
  attribute: AttributeDefinition,
): Result<boolean> {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      // Both sides are evaluated even when the left decides, so an unknown sub-attribute on the
      // right is reported regardless of the data.
      const left = matchesElement(filter.left, element, attribute);
      if (!left.ok) return left;
      const right = matchesElement(filter.right, element, attribute);
      if (!right.ok) return right;
      return ok(filter.kind === 'and' ? left.value && right.value : left.value || right.value);
    }
    case 'not': {
      const inner = matchesElement(filter.filter, element, attribute);
      return inner.ok ? ok(!inner.value) : inner;
    }
    case 'present': {
      const sub = subAttributeOf(filter.path, attribute);
      if (!sub.ok) return sub;
      return ok(isPresent(element[sub.value.name]));
    }
    case 'compare': {
      const sub = subAttributeOf(filter.path, attribute);
      if (!sub.ok) return sub;
      return compare(sub.value, element[sub.value.name], filter.op, filter.value);
    }
    case 'valuePath':
      return fail(
        invalidFilter(
          `a value filter inside '${attribute.name}[...]' is not supported: its sub-attributes are not multi-valued`,
        ),
      );
  }
}

function subAttributeOf(
  path: AttributeReference,
  attribute: AttributeDefinition,
): Result<AttributeDefinition> {
  // `emails[emails.type eq "work"]` is sometimes written for `emails[type eq "work"]`.
  const name =
    path.subAttribute !== undefined && path.name.toLowerCase() === attribute.name.toLowerCase()
      ? path.subAttribute
      : path.subAttribute === undefined && path.uri === undefined
        ? path.name
        : undefined;
  const sub = name === undefined ? undefined : findAttribute(attribute.subAttributes, name);
  if (!sub) {
    const written = [path.uri, path.name].filter(Boolean).join(':');
    const full = path.subAttribute ? `${written}.${path.subAttribute}` : written;
    return fail(invalidFilter(`'${attribute.name}' has no sub-attribute '${full}'`));
  }
  return ok(sub);
}

function isPresent(value: unknown): boolean {
  // RFC 7644 §3.4.2.2 "pr": the attribute has a non-empty, non-null value.
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

const ORDERING = new Set<CompareOperator>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING = new Set<CompareOperator>(['co', 'sw', 'ew']);

function compare(
  sub: AttributeDefinition,
  actual: unknown,
  op: CompareOperator,
  expected: FilterValue,
): Result<boolean> {
  if (
    (sub.type === 'boolean' || sub.type === 'binary') &&
    (ORDERING.has(op) || SUBSTRING.has(op))
  ) {
    // RFC 7644 §3.4.2.2: gt/ge/lt/le (and substring matches) on boolean or binary → 400.
    return fail(invalidFilter(`operator '${op}' cannot be used with ${sub.type} '${sub.name}'`));
  }
  if (expected === null) {
    // `eq null` asks whether the value is unassigned; nothing else about null is meaningful.
    if (op === 'eq') return ok(!isPresent(actual));
    if (op === 'ne') return ok(isPresent(actual));
    return fail(invalidFilter(`operator '${op}' cannot be used with null`));
  }
  if (!isPresent(actual)) return ok(op === 'ne');

  const a = comparable(sub, actual);
  const b = comparable(sub, expected);
  if (a === undefined || b === undefined) {
    if (op === 'eq' || op === 'ne') return ok(op === 'ne');
    return fail(
      invalidFilter(`cannot compare '${sub.name}' (${sub.type}) with ${JSON.stringify(expected)}`),
    );
  }
  switch (op) {
    case 'eq':
      return ok(a === b);
    case 'ne':
      return ok(a !== b);
    case 'co':
    case 'sw':
    case 'ew': {
      if (typeof a !== 'string' || typeof b !== 'string') {
        return fail(invalidFilter(`operator '${op}' needs a string, '${sub.name}' is ${sub.type}`));
      }
      if (op === 'co') return ok(a.includes(b));
      return ok(op === 'sw' ? a.startsWith(b) : a.endsWith(b));
    }
    case 'gt':
      return ok(a > b);
    case 'ge':
      return ok(a >= b);
    case 'lt':
      return ok(a < b);
    case 'le':
      return ok(a <= b);
  }
}

/**
 * Brings a stored value or a filter literal to one comparable form for the sub-attribute's type;
 * undefined when it cannot be read as that type. Entra writes `primary eq "True"`.
 */
function comparable(
  sub: AttributeDefinition,
  value: unknown,
): string | number | boolean | undefined {
  switch (sub.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
      return text === 'true' ? true : text === 'false' ? false : undefined;
    }
    case 'integer':
    case 'decimal': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
    }
    case 'dateTime': {
      const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isNaN(time) ? undefined : time;
    }
    default: {
      const text =
        typeof value === 'string'
          ? value
          : typeof value === 'number' || typeof value === 'boolean'
            ? String(value)
            : undefined;
      // RFC 7643 §2.2: caseExact false means comparisons ignore case.
      return text === undefined || sub.caseExact ? text : text.toLowerCase();
    }
  }
}
