/**
 * Smaller versions of a failing filter, for minimal reproductions: the filter is parsed with the
 * server's own parser and each candidate replaces one and/or/not node by one of its operands
 * (inside value paths too), or shortens one string literal. Candidates are printed back in
 * plain RFC 7644 syntax, one space between tokens.
 */
import type { Filter } from '../../src/scim/filter/ast.ts';
import { parseFilter } from '../../src/scim/filter/parser.ts';
import type { AttributeReference } from '../../src/scim/schemas/resolve-attribute.ts';

function pathText(path: AttributeReference): string {
  const base = path.uri ? `${path.uri}:${path.name}` : path.name;
  return path.subAttribute ? `${base}.${path.subAttribute}` : base;
}

export function printFilter(filter: Filter): string {
  const operand = (f: Filter) =>
    f.kind === 'and' || f.kind === 'or' ? `(${printFilter(f)})` : printFilter(f);
  switch (filter.kind) {
    case 'compare':
      return `${pathText(filter.path)} ${filter.op} ${JSON.stringify(filter.value)}`;
    case 'present':
      return `${pathText(filter.path)} pr`;
    case 'not':
      return `not (${printFilter(filter.filter)})`;
    case 'valuePath':
      return `${pathText(filter.path)}[${printFilter(filter.filter)}]`;
    default:
      return `${operand(filter.left)} ${filter.kind} ${operand(filter.right)}`;
  }
}

/** Every tree one step simpler than `filter`. */
function* smaller(filter: Filter): Generator<Filter> {
  switch (filter.kind) {
    case 'and':
    case 'or':
      yield filter.left;
      yield filter.right;
      for (const left of smaller(filter.left)) yield { ...filter, left };
      for (const right of smaller(filter.right)) yield { ...filter, right };
      return;
    case 'not':
      yield filter.filter;
      for (const inner of smaller(filter.filter)) yield { kind: 'not', filter: inner };
      return;
    case 'valuePath':
      // The element filter's operands stay inside the brackets: they name sub-attributes.
      for (const inner of smaller(filter.filter)) yield { ...filter, filter: inner };
      return;
    case 'compare':
      if (typeof filter.value === 'string' && filter.value.length > 1) {
        yield { ...filter, value: filter.value.slice(0, Math.ceil(filter.value.length / 2)) };
      }
      return;
    default:
      return;
  }
}

/** Simpler filters than `text`, simplest first; nothing when it does not parse. */
export function* simplerFilters(text: string): Generator<string> {
  const parsed = parseFilter(text);
  if (!parsed.ok) return;
  const printed = printFilter(parsed.value);
  if (printed !== text) yield printed;
  for (const candidate of smaller(parsed.value)) yield printFilter(candidate);
}
