/**
 * The mutable draft a PATCH works on, and small helpers shared by the operation semantics in
 * `apply-operation.ts` and `apply-to-elements.ts`.
 */
import { isPlainObject } from '../resources/deep-equal.ts';
import { type AttributeDefinition, findAttribute } from '../schemas/attribute.ts';
import type { PatchOpName } from './patch-operation.ts';
import type { PatchTarget } from './patch-target.ts';

export type Draft = Record<string, unknown>;
export type AttributeTarget = Extract<PatchTarget, { kind: 'attribute' }>;
export type Element = Record<string, unknown>;

export interface TargetedOperation {
  readonly op: PatchOpName;
  readonly value: unknown;
  readonly hasValue: boolean;
  /** The path as the client wrote it, for error details. */
  readonly label: string;
}

/** `""` and `null` on add/replace unassign the target (Entra's SCIM_Null_Update_Test). */
export function isExplicitNull(value: unknown): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * RFC 7644 §3.5.2: setting `primary` to true on one value sets it to false on the others. The
 * first written element wins if several are; normalisation then drops the rest.
 */
export function enforcePrimary(list: unknown[], written: readonly Element[]): void {
  if (!written.some((e) => e.primary === true)) return;
  for (const [index, element] of list.entries()) {
    if (isPlainObject(element) && element.primary === true && !written.includes(element)) {
      list[index] = { ...element, primary: false };
    }
  }
}

/** Sub-attributes a complex value names with null/"" (to unassign), readOnly ones excepted. */
export function nulledSubAttributes(definition: AttributeDefinition, raw: unknown): string[] {
  const object = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (!isPlainObject(object)) return [];
  const names: string[] = [];
  for (const [key, value] of Object.entries(object)) {
    const sub = findAttribute(definition.subAttributes, key);
    if (sub && sub.mutability !== 'readOnly' && isExplicitNull(value)) names.push(sub.name);
  }
  return names;
}

export function currentList(container: Record<string, unknown>, name: string): unknown[] {
  const current = container[name];
  return Array.isArray(current) ? [...current] : current === undefined ? [] : [current];
}

export function setList(container: Record<string, unknown>, name: string, list: unknown[]): void {
  if (list.length === 0) delete container[name];
  else container[name] = list;
}

export function setObject(container: Record<string, unknown>, name: string, object: Element): void {
  if (Object.keys(object).length === 0) delete container[name];
  else container[name] = object;
}

export function without(element: Element, name: string): Element {
  const { [name]: _removed, ...rest } = element;
  return rest;
}
