/**
 * PATCH on elements of a multi-valued attribute: value paths (`emails[type eq "work"].value`,
 * `emails[type eq "work"]`, RFC 7644 §3.5.2) and a sub-attribute without filter (`emails.value`).
 */
import { fail, invalidPath, invalidValue, noTarget, ok, type Result } from '../errors.ts';
import type { Filter } from '../filter/ast.ts';
import { matchesElement } from '../filter/evaluate-element.ts';
import { isPlainObject } from '../resources/deep-equal.ts';
import {
  coerceSimple,
  normalizeAttributeValue,
  normalizeElement,
} from '../resources/normalize-value.ts';
import { type AttributeDefinition, findAttribute } from '../schemas/attribute.ts';
import {
  type AttributeTarget,
  currentList,
  type Element,
  enforcePrimary,
  isExplicitNull,
  nulledSubAttributes,
  setList,
  type TargetedOperation,
  without,
} from './patch-draft.ts';

/**
 * Value paths (`emails[type eq "work"].value`, `emails[type eq "work"]`) and sub-attributes of a
 * multi-valued attribute without filter (`emails.value`, meaning every element).
 */
export function applyToElements(
  container: Record<string, unknown>,
  { attribute: definition, subAttribute: sub, filter }: AttributeTarget,
  { op, value: raw, label }: TargetedOperation,
): Result<void> {
  let list = currentList(container, definition.name);
  const matched = matchAll(list, definition, filter, label);
  if (!matched.ok) return matched;
  const isMatch = (index: number) => matched.value[index] === true;

  // What add/replace would write into each matching element; undefined means "unassign".
  let incoming: Element | undefined;
  let nulled: string[] = [];
  if (op !== 'remove' && !isExplicitNull(raw)) {
    if (sub) {
      const normalized = normalizeAttributeValue(sub, raw, label);
      if (!normalized.ok) return normalized;
      incoming = normalized.value === undefined ? undefined : { [sub.name]: normalized.value };
    } else {
      if (Array.isArray(raw) && raw.length > 1) {
        return fail(invalidValue(`'${label}' takes one value, got an array of ${raw.length}`));
      }
      const single = Array.isArray(raw) ? raw[0] : raw;
      const normalized = normalizeElement(definition, single, label);
      if (!normalized.ok) return normalized;
      incoming = normalized.value as Element | undefined;
      nulled = nulledSubAttributes(definition, single);
    }
  }

  if (incoming === undefined && nulled.length === 0) {
    // remove, or add/replace with null/"": matching elements lose the sub-attribute, or go.
    // No match is success: the target is already absent.
    list = sub
      ? list.map((e, i) => (isMatch(i) && isPlainObject(e) ? without(e, sub.name) : e))
      : list.filter((_, i) => !isMatch(i));
    setList(container, definition.name, list);
    return ok(undefined);
  }

  const update = incoming ?? {};
  const written: Element[] = [];
  if (matched.value.some(Boolean)) {
    list = list.map((element, i) => {
      if (!isMatch(i) || !isPlainObject(element)) return element;
      const merged: Element = { ...element, ...update };
      for (const name of nulled) delete merged[name];
      written.push(merged);
      return merged;
    });
  } else {
    // RFC 7644 §3.5.2.3 says noTarget here, but Entra sends `Replace emails[type eq "work"].value`
    // for a user with no work e-mail and requires it to be created (create-on-absent), which is
    // unambiguous when the filter is a conjunction of `eq` comparisons.
    const seed = filter ? equalityConjunction(filter, definition) : ok({});
    if (!seed.ok) return seed;
    if (seed.value === undefined) {
      return fail(noTarget(`no value of '${definition.name}' matches the filter in '${label}'`));
    }
    const created: Element = { ...seed.value, ...update };
    list.push(created);
    written.push(created);
  }
  enforcePrimary(list, written);
  setList(container, definition.name, list);
  return ok(undefined);
}

function matchAll(
  list: readonly unknown[],
  definition: AttributeDefinition,
  filter: Filter | undefined,
  label: string,
): Result<boolean[]> {
  if (!filter) return ok(list.map(() => true));
  const bad = (detail: string) => fail(invalidPath(`invalid path '${label}': ${detail}`));
  // Evaluated once on an empty element so an unknown sub-attribute is reported even when the
  // list is empty.
  const probe = matchesElement(filter, {}, definition);
  if (!probe.ok) return bad(probe.error.detail);
  const matched: boolean[] = [];
  for (const element of list) {
    if (!isPlainObject(element)) {
      matched.push(false);
      continue;
    }
    const result = matchesElement(filter, element, definition);
    if (!result.ok) return bad(result.error.detail);
    matched.push(result.value);
  }
  return ok(matched);
}

/**
 * The element a filter describes, if it is `a eq x and b eq y …`: the seed of create-on-absent.
 * Anything else (or, ne, co, contradictory eq) describes no single element: undefined.
 */
function equalityConjunction(
  filter: Filter,
  definition: AttributeDefinition,
): Result<Element | undefined> {
  if (filter.kind === 'and') {
    const left = equalityConjunction(filter.left, definition);
    if (!left.ok || left.value === undefined) return left;
    const right = equalityConjunction(filter.right, definition);
    if (!right.ok || right.value === undefined) return right;
    for (const [key, value] of Object.entries(right.value)) {
      if (key in left.value && left.value[key] !== value) return ok(undefined);
    }
    return ok({ ...left.value, ...right.value });
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null) {
    return ok(undefined);
  }
  const sub = findAttribute(definition.subAttributes, filter.path.subAttribute ?? filter.path.name);
  if (!sub || sub.mutability === 'readOnly') return ok(undefined);
  const value = coerceSimple(sub, filter.value, `${definition.name}.${sub.name}`);
  return value.ok ? ok({ [sub.name]: value.value }) : value;
}
