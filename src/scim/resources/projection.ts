/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) applied to a representation.
 * Attributes whose `returned` is "always" (id, schemas) survive both; `never` ones are never there.
 */

import { type AttributeReference, resolveAttribute } from '../schemas/resolve-attribute.ts';
import type { ResourceTypeDefinition } from '../schemas/resource-types.ts';
import type { Resource } from './user-resource.ts';

export interface Projection {
  readonly attributes?: readonly string[] | undefined;
  readonly excludedAttributes?: readonly string[] | undefined;
}

/** A selected location: the representation key, and optionally one sub-attribute under it. */
interface Selected {
  /** Extension URN key, or undefined for a core/common attribute at the top level. */
  readonly container: string | undefined;
  readonly key: string;
  readonly sub: string | undefined;
}

/** `urn:…:User:name.givenName` / `name.givenName` / `emails` → a reference (last colon splits). */
export function parseAttributeList(list: string | undefined): string[] {
  if (!list) return [];
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function toReference(path: string): AttributeReference {
  const colon = path.lastIndexOf(':');
  const uri = colon >= 0 ? path.slice(0, colon) : undefined;
  const rest = colon >= 0 ? path.slice(colon + 1) : path;
  const dot = rest.indexOf('.');
  return dot >= 0
    ? { uri, name: rest.slice(0, dot), subAttribute: rest.slice(dot + 1) }
    : { uri, name: rest };
}

function select(resourceType: ResourceTypeDefinition, paths: readonly string[]): Selected[] {
  const selected: Selected[] = [];
  for (const path of paths) {
    // A bare extension URN selects the whole extension object.
    const extension = resourceType.extensions.find(
      (e) => e.schema.id.toLowerCase() === path.toLowerCase(),
    );
    if (extension) {
      selected.push({ container: undefined, key: extension.schema.id, sub: undefined });
      continue;
    }
    const resolved = resolveAttribute(resourceType, toReference(path));
    // Unknown names select nothing: a projection never fails a request (RFC 7644 §3.9 is silent).
    if (!resolved.ok) continue;
    const { schema, isExtension, attribute, subAttribute } = resolved.value;
    selected.push({
      container: isExtension ? schema?.id : undefined,
      key: attribute.name,
      sub: subAttribute?.name,
    });
  }
  return selected;
}

const ALWAYS = new Set(['id', 'schemas']);

export function project(
  resource: Resource,
  resourceType: ResourceTypeDefinition,
  projection: Projection,
): Resource {
  const include = projection.attributes?.length ? select(resourceType, projection.attributes) : [];
  const exclude = projection.excludedAttributes?.length
    ? select(resourceType, projection.excludedAttributes)
    : [];
  if (include.length === 0 && exclude.length === 0) return resource;

  if (include.length > 0) {
    const out: Resource = {};
    for (const [key, value] of Object.entries(resource)) {
      if (ALWAYS.has(key)) {
        out[key] = value;
        continue;
      }
      const isExtensionKey = key.startsWith('urn:');
      const hits = include.filter((s) =>
        isExtensionKey
          ? s.container === key || (!s.container && s.key === key)
          : !s.container && s.key === key,
      );
      if (hits.length === 0) continue;
      if (hits.some((s) => s.sub === undefined && (s.container === undefined || !isExtensionKey))) {
        out[key] = value;
      } else if (isExtensionKey && hits.some((s) => s.container === key)) {
        const inner = value as Resource;
        const kept: Resource = {};
        for (const s of hits) {
          if (s.key in inner) kept[s.key] = s.sub ? pick(inner[s.key], s.sub) : inner[s.key];
        }
        if (Object.keys(kept).length > 0) out[key] = kept;
      } else {
        const subs = hits.map((s) => s.sub as string);
        const picked = pickMany(value, subs);
        if (picked !== undefined) out[key] = picked;
      }
    }
    return out;
  }

  const out: Resource = { ...resource };
  for (const s of exclude) {
    if (!s.container && ALWAYS.has(s.key)) continue;
    if (s.container) {
      const inner = out[s.container] as Resource | undefined;
      if (!inner) continue;
      const copy: Resource = { ...inner };
      if (s.sub) copy[s.key] = omit(copy[s.key], s.sub);
      else delete copy[s.key];
      if (Object.keys(copy).length > 0) out[s.container] = copy;
      else delete out[s.container];
    } else if (s.sub) {
      out[s.key] = omit(out[s.key], s.sub);
    } else {
      delete out[s.key];
    }
  }
  return out;
}

function pick(value: unknown, sub: string): unknown {
  return pickMany(value, [sub]);
}

function pickMany(value: unknown, subs: readonly string[]): unknown {
  const one = (v: unknown) => {
    const record = v as Resource;
    const kept: Resource = {};
    for (const s of subs) if (s in record) kept[s] = record[s];
    return kept;
  };
  if (Array.isArray(value)) return value.map(one);
  if (value && typeof value === 'object') return one(value);
  return undefined;
}

function omit(value: unknown, sub: string): unknown {
  const one = (v: unknown) => {
    const { [sub]: _removed, ...rest } = v as Resource;
    return rest;
  };
  if (Array.isArray(value)) return value.map(one);
  if (value && typeof value === 'object') return one(value);
  return value;
}

/**
 * Whether `projection` returns the multi-valued attribute `name` at all, so a caller can skip
 * reading it (`excludedAttributes=members`, `attributes=userName`).
 */
export function returnsAttribute(
  resourceType: ResourceTypeDefinition,
  projection: Projection,
  name: string,
): boolean {
  const probe = project(
    { schemas: [resourceType.schema.id], id: '', [name]: [{ value: '' }] },
    resourceType,
    projection,
  );
  const value = probe[name];
  return Array.isArray(value) && value.length > 0;
}
