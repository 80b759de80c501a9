/**
 * Resolves a PATCH `path` (RFC 7644 §3.5.2) against the resource type: which attribute, which
 * sub-attribute, which value filter, or nothing at all (an attribute we do not have).
 */
import { fail, invalidPath, invalidValue, mutability, ok, type Result } from '../errors.ts';
import type { Filter } from '../filter/ast.ts';
import type { AttributeDefinition, SchemaDefinition } from '../schemas/attribute.ts';
import { resolveAttribute } from '../schemas/resolve-attribute.ts';
import type { ResourceTypeDefinition } from '../schemas/resource-types.ts';
import { parsePath } from './path.ts';

export type PatchTarget =
  /** The path names nothing in our schema: the operation is a no-op (see `resolveTarget`). */
  | { readonly kind: 'ignore' }
  /** The path is a schema URN itself, e.g. the enterprise extension as a whole. */
  | { readonly kind: 'schema'; readonly schema: SchemaDefinition; readonly isExtension: boolean }
  | {
      readonly kind: 'attribute';
      /** Extension schema the attribute lives under, or undefined for top-level attributes. */
      readonly extension: SchemaDefinition | undefined;
      readonly attribute: AttributeDefinition;
      readonly subAttribute?: AttributeDefinition | undefined;
      readonly filter?: Filter | undefined;
    };

/**
 * `lenient` is for keys of a path-less value object: a key that is not even a valid path is an
 * unknown attribute there, ignored like unknown attributes in a POST body, not a syntax error.
 */
export function resolveTarget(
  resourceType: ResourceTypeDefinition,
  path: string,
  lenient = false,
): Result<PatchTarget> {
  const lower = path.toLowerCase();
  if (lower === resourceType.schema.id.toLowerCase()) {
    return ok({ kind: 'schema', schema: resourceType.schema, isExtension: false });
  }
  const extension = resourceType.extensions.find((e) => e.schema.id.toLowerCase() === lower);
  if (extension) return ok({ kind: 'schema', schema: extension.schema, isExtension: true });

  const parsed = parsePath(path);
  if (!parsed.ok) {
    // Unstorable text (an escaped NUL in a value filter) is refused even where an unparseable
    // key would be ignored: it is the client's value that is wrong, not an unknown attribute.
    if (parsed.error.unstorable) {
      return fail(invalidValue(`invalid path '${path}': ${parsed.error.message}`));
    }
    if (lenient) return ok({ kind: 'ignore' });
    return fail(invalidPath(`invalid path '${path}': ${parsed.error.message}`));
  }
  const resolved = resolveAttribute(resourceType, parsed.value.attribute);
  // Unknown attribute, sub-attribute or schema URN: a no-op, exactly as unknown attributes in a
  // POST/PUT body are dropped. IdPs send attributes from their own mappings (Entra's
  // `http://schemas.microsoft.com/...`, custom extensions) and failing the whole PATCH over one
  // of them would stop provisioning for that user.
  if (!resolved.ok) return ok({ kind: 'ignore' });
  const { attribute, subAttribute, isExtension, schema } = resolved.value;

  // RFC 7643 §2.2 / RFC 7644 §3.5.2: readOnly attributes cannot be modified.
  if (attribute.mutability === 'readOnly') {
    return fail(mutability(`attribute '${attribute.name}' is readOnly and cannot be modified`));
  }
  if (subAttribute?.mutability === 'readOnly') {
    return fail(
      mutability(
        `sub-attribute '${attribute.name}.${subAttribute.name}' is readOnly and cannot be modified`,
      ),
    );
  }
  const filter = parsed.value.filter;
  if (filter && !(attribute.multiValued && attribute.type === 'complex')) {
    return fail(
      invalidPath(
        `invalid path '${path}': a value filter needs a multi-valued complex attribute, and '${attribute.name}' is not one`,
      ),
    );
  }
  return ok({
    kind: 'attribute',
    extension: isExtension ? schema : undefined,
    attribute,
    subAttribute,
    filter,
  });
}
