/**
 * Discovery documents (RFC 7644 §4, RFC 7643 §5–§7), generated from the same definitions the
 * server runs on, so they advertise exactly what is supported.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './list-query.ts';
import type { AttributeDefinition, SchemaDefinition } from './schemas/attribute.ts';
import { type ResourceTypeDefinition, resourceTypes, schemasOf } from './schemas/resource-types.ts';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export function serviceProviderConfig(
  baseUrl: string,
  cursorTimeoutSeconds: number,
  bulk: { readonly maxOperations: number; readonly maxPayloadSize: number },
) {
  return {
    schemas: [SPC_SCHEMA],
    documentationUri: 'https://github.com/roster-directory/roster#readme',
    patch: { supported: true },
    // RFC 7644 §3.7.4: past these a Bulk request is refused with 413 tooLarge.
    bulk: { supported: true, ...bulk },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    // RFC 9865 §4: both methods; index stays the default because Okta and Entra page by index.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: DEFAULT_PAGE_SIZE,
      maxPageSize: MAX_PAGE_SIZE,
      cursorTimeout: cursorTimeoutSeconds,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          'The static bearer token issued when the SCIM app is installed; it selects the account.',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${baseUrl}/ServiceProviderConfig`,
    },
  };
}

export function resourceTypeDocument(resourceType: ResourceTypeDefinition, baseUrl: string) {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: resourceType.id,
    name: resourceType.name,
    endpoint: resourceType.endpoint,
    description: resourceType.description,
    schema: resourceType.schema.id,
    schemaExtensions: resourceType.extensions.map((e) => ({
      schema: e.schema.id,
      required: e.required,
    })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${resourceType.id}` },
  };
}

function attributeDocument(attribute: AttributeDefinition): Record<string, unknown> {
  // RFC 7643 §7: every characteristic present, camelCase values, no nulls (Entra's discovery).
  return {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    ...(attribute.type === 'string' || attribute.type === 'reference' || attribute.type === 'binary'
      ? { caseExact: attribute.caseExact }
      : {}),
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
    ...(attribute.canonicalValues && attribute.canonicalValues.length > 0
      ? { canonicalValues: attribute.canonicalValues }
      : {}),
    ...(attribute.referenceTypes ? { referenceTypes: attribute.referenceTypes } : {}),
    ...(attribute.subAttributes
      ? { subAttributes: attribute.subAttributes.map(attributeDocument) }
      : {}),
  };
}

export function schemaDocument(schema: SchemaDefinition, baseUrl: string) {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDocument),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

export function allSchemas(): SchemaDefinition[] {
  const seen = new Map<string, SchemaDefinition>();
  for (const rt of resourceTypes) for (const s of schemasOf(rt)) seen.set(s.id, s);
  return [...seen.values()];
}

export function listResponse(resources: readonly unknown[], extra: Record<string, unknown> = {}) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    ...extra,
    Resources: resources,
  };
}
