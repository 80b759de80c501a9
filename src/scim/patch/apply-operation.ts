/**
 * The semantics of one PATCH operation on one resolved attribute target (RFC 7644 §3.5.2.1–3),
 * including the forms identity providers send that the RFC does not bless (create-on-absent for
 * value paths, remove with a value array). Works on a mutable draft that `apply-patch.ts` owns.
 */
import { ok, type Result } from '../errors.ts';
import { isPlainObject } from '../resources/deep-equal.ts';
import { normalizeAttributeValue, sameElement, valuesEqual } from '../resources/normalize-value.ts';
import {
  type AttributeDefinition,
  findAttribute,
  type SchemaDefinition,
} from '../schemas/attribute.ts';
import { applyToElements } from './apply-to-elements.ts';
import {
  type AttributeTarget,
  currentList,
  type Draft,
  type Element,
  enforcePrimary,
  isExplicitNull,
  nulledSubAttributes,
  setList,
  setObject,
  type TargetedOperation,
} from './patch-draft.ts';
import type { PatchOpName } from './patch-operation.ts';

export function applyToAttribute(
  draft: Draft,
  target: AttributeTarget,
  operation: TargetedOperation,
): Result<void> {
  const container = containerOf(draft, target.extension, operation.op !== 'remove');
  // Removing from an extension the resource does not have: nothing to do.
  if (!container) return ok(undefined);
  if (target.filter || (target.subAttribute && target.attribute.multiValued)) {
    return applyToElements(container, target, operation);
  }
  if (target.subAttribute) {
    return applyToSubAttribute(container, target.attribute, target.subAttribute, operation);
  }
  return applyToWhole(container, target.attribute, operation);
}

function containerOf(
  draft: Draft,
  extension: SchemaDefinition | undefined,
  create: boolean,
): Record<string, unknown> | undefined {
  if (!extension) return draft;
  const existing = draft[extension.id];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;
  const fresh: Record<string, unknown> = {};
  draft[extension.id] = fresh;
  return fresh;
}

/** `path` names a whole attribute: `displayName`, `name`, `emails`, `…:User:manager`. */
function applyToWhole(
  container: Record<string, unknown>,
  definition: AttributeDefinition,
  { op, value: raw, hasValue, label }: TargetedOperation,
): Result<void> {
  const name = definition.name;
  if (op === 'remove') {
    // Entra (default) and JumpCloud remove members as `path: "members", value: [{value: id}]`:
    // only the listed values go, never the whole list.
    if (definition.multiValued && hasValue && raw !== null) {
      return removeListedElements(container, definition, raw, label);
    }
    delete container[name];
    return ok(undefined);
  }
  if (isExplicitNull(raw)) {
    delete container[name];
    return ok(undefined);
  }
  if (definition.type === 'complex' && !definition.multiValued) {
    return mergeComplex(container, definition, raw, op, label);
  }
  const normalized = normalizeAttributeValue(definition, raw, label);
  if (!normalized.ok) return normalized;
  if (normalized.value === undefined) {
    // `[]`: replacing with nothing unassigns; adding nothing changes nothing.
    if (op === 'replace') delete container[name];
    return ok(undefined);
  }
  if (!definition.multiValued || op === 'replace') {
    // RFC 7644 §3.5.2.1: add on a single-valued attribute replaces it. §3.5.2.3: replace on a
    // multi-valued attribute without filter replaces the whole list.
    container[name] = normalized.value;
    return ok(undefined);
  }
  // RFC 7644 §3.5.2.1: add appends to a multi-valued attribute; a value already present is not
  // added again (its sub-attributes are updated), so adding twice changes nothing.
  const list = currentList(container, name);
  const written: Element[] = [];
  for (const element of normalized.value as unknown[]) {
    const index = list.findIndex((e) => sameElement(definition, e, element));
    const existing = index >= 0 ? list[index] : undefined;
    const merged =
      isPlainObject(existing) && isPlainObject(element) ? { ...existing, ...element } : element;
    if (index >= 0) list[index] = merged;
    else list.push(merged);
    if (isPlainObject(merged)) written.push(merged);
  }
  enforcePrimary(list, written);
  setList(container, name, list);
  return ok(undefined);
}

/**
 * add/replace on a single-valued complex attribute: RFC 7644 §3.5.2.3, the sub-attributes given
 * are replaced and the others kept. Sub-attributes given as null/"" are unassigned.
 */
function mergeComplex(
  container: Record<string, unknown>,
  definition: AttributeDefinition,
  raw: unknown,
  op: PatchOpName,
  label: string,
): Result<void> {
  const normalized = normalizeAttributeValue(definition, raw, label);
  if (!normalized.ok) return normalized;
  const incoming = (normalized.value ?? {}) as Element;
  const nulled = nulledSubAttributes(definition, raw);
  if (normalized.value === undefined && nulled.length === 0) {
    if (op === 'replace') delete container[definition.name];
    return ok(undefined);
  }
  const current = container[definition.name];
  const base = isPlainObject(current) && !referentChanged(current, incoming) ? current : {};
  const merged: Element = { ...base, ...incoming };
  for (const sub of nulled) delete merged[sub];
  setObject(container, definition.name, merged);
  return ok(undefined);
}

/** `name.givenName`, `…:User:manager.value`: one sub-attribute of a single-valued complex. */
function applyToSubAttribute(
  container: Record<string, unknown>,
  definition: AttributeDefinition,
  sub: AttributeDefinition,
  { op, value: raw, label }: TargetedOperation,
): Result<void> {
  const current = container[definition.name];
  let object: Element = isPlainObject(current) ? { ...current } : {};
  if (op === 'remove' || isExplicitNull(raw)) {
    delete object[sub.name];
  } else {
    const normalized = normalizeAttributeValue(sub, raw, label);
    if (!normalized.ok) return normalized;
    if (normalized.value === undefined) {
      delete object[sub.name];
    } else {
      if (referentChanged(object, { [sub.name]: normalized.value })) object = {};
      object[sub.name] = normalized.value;
    }
  }
  setObject(container, definition.name, object);
  return ok(undefined);
}

/**
 * A complex attribute with a `value` (manager) refers to another resource; when `value` changes,
 * the other sub-attributes ($ref, displayName) describe the previous referent and must go.
 */
function referentChanged(current: Element, incoming: Element): boolean {
  return (
    incoming.value !== undefined && current.value !== undefined && incoming.value !== current.value
  );
}

/** Removes the elements listed in a remove op's `value`, matched on `value` when given. */
function removeListedElements(
  container: Record<string, unknown>,
  definition: AttributeDefinition,
  raw: unknown,
  label: string,
): Result<void> {
  const given = normalizeAttributeValue(definition, raw, label);
  if (!given.ok) return given;
  // An empty value list removes nothing: never empty the whole list by accident.
  if (given.value === undefined) return ok(undefined);
  const valueDefinition = findAttribute(definition.subAttributes, 'value');
  const listed = given.value as unknown[];
  const removes = (element: unknown, g: unknown) =>
    valueDefinition && isPlainObject(g) && g.value !== undefined && isPlainObject(element)
      ? valuesEqual(valueDefinition, element.value, g.value)
      : sameElement(definition, element, g);
  const kept = currentList(container, definition.name).filter(
    (element) => !listed.some((g) => removes(element, g)),
  );
  setList(container, definition.name, kept);
  return ok(undefined);
}
