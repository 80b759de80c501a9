import { type AttributeDefinition, findAttribute, type SchemaDefinition } from './attribute.ts';
import { commonAttributes } from './common.ts';
import type { ResourceTypeDefinition } from './resource-types.ts';

/** An attribute reference as written: `[uri:]name[.subAttribute]` (RFC 7644 §3.10). */
export interface AttributeReference {
  readonly uri?: string | undefined;
  readonly name: string;
  readonly subAttribute?: string | undefined;
}

export interface ResolvedAttribute {
  /** The schema that defines the attribute; undefined for common attributes (id, externalId, meta). */
  readonly schema: SchemaDefinition | undefined;
  /** True when the attribute lives under its extension URN key in the representation. */
  readonly isExtension: boolean;
  readonly attribute: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition | undefined;
}

export type ResolveResult =
  | { readonly ok: true; readonly value: ResolvedAttribute }
  | { readonly ok: false; readonly error: string };

/**
 * Resolves an attribute reference against a resource type. Names and URNs match
 * case-insensitively (RFC 7643 §2.1). An extension attribute written without its URN is found
 * too, when no core attribute has that name: clients send `department` bare, and nothing else
 * could be meant.
 */
export function resolveAttribute(
  resourceType: ResourceTypeDefinition,
  reference: AttributeReference,
): ResolveResult {
  const written = reference.uri ? `${reference.uri}:${reference.name}` : reference.name;
  let schema: SchemaDefinition | undefined;
  let definition: AttributeDefinition | undefined;
  let isExtension = false;

  if (reference.uri) {
    const uri = reference.uri.toLowerCase();
    if (uri === resourceType.schema.id.toLowerCase()) {
      schema = resourceType.schema;
      definition =
        findAttribute(schema.attributes, reference.name) ??
        findAttribute(commonAttributes, reference.name);
      if (definition && findAttribute(commonAttributes, reference.name)) schema = undefined;
    } else {
      const extension = resourceType.extensions.find((e) => e.schema.id.toLowerCase() === uri);
      if (!extension) return { ok: false, error: `unknown schema URN '${reference.uri}'` };
      schema = extension.schema;
      isExtension = true;
      definition = findAttribute(schema.attributes, reference.name);
    }
  } else {
    definition = findAttribute(commonAttributes, reference.name);
    if (!definition) {
      schema = resourceType.schema;
      definition = findAttribute(schema.attributes, reference.name);
    }
    if (!definition) {
      for (const extension of resourceType.extensions) {
        const found = findAttribute(extension.schema.attributes, reference.name);
        if (found) {
          schema = extension.schema;
          definition = found;
          isExtension = true;
          break;
        }
      }
    }
  }
  if (!definition) return { ok: false, error: `unknown attribute '${written}'` };

  if (reference.subAttribute === undefined) {
    return { ok: true, value: { schema, isExtension, attribute: definition } };
  }
  const subAttribute = findAttribute(definition.subAttributes, reference.subAttribute);
  if (!subAttribute) {
    return {
      ok: false,
      error: `unknown sub-attribute '${reference.subAttribute}' of '${definition.name}'`,
    };
  }
  return { ok: true, value: { schema, isExtension, attribute: definition, subAttribute } };
}
