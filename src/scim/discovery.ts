/**
 * Discovery documents (RFC 7644 §4, RFC 7643 §5–§7), generated from the same definitions the
 * server runs on, so they advertise exactly what is supported.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './list-query.ts';
import type { AttributeDefinition, SchemaDefinition } from './schemas/attribute.ts';
import { type ResourceTypeDefinition, resourceTypes, schemasOf } from './schemas/resource-types.ts';
import { USER_SCHEMA } from './schemas/user.ts';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

const DOCUMENTATION = 'https://github.com/roster-directory/roster#readme';
/** Where a sandbox account's rules are explained: what an IdP admin reading discovery sees. */
const SANDBOX_DOCUMENTATION =
  'https://github.com/roster-directory/roster/blob/main/docs/idp-compatibility.md#sandbox-accounts';

export interface ServiceProviderOptions {
  readonly cursorTimeoutSeconds: number;
  readonly bulk: { readonly maxOperations: number; readonly maxPayloadSize: number };
  /**
   * The account the request's token selects is a sandbox (no token: unknown, so no). Discovery
   * then says so, where a person setting up an IdP or running a test suite reads.
   */
  readonly sandbox?: boolean | undefined;
  /**
   * RFC 9865's `pagination` object. Some clients refuse attributes RFC 7643 does not define here
   * (docs/idp-compatibility.md); ROSTER_SCIM_SPC_PAGINATION=off leaves it out.
   */
  readonly advertisePagination?: boolean | undefined;
}

export function serviceProviderConfig(baseUrl: string, options: ServiceProviderOptions) {
  const { cursorTimeoutSeconds, bulk, sandbox = false, advertisePagination = true } = options;
  const token =
    'The static bearer token issued when the SCIM app is installed; it selects the account.';
  return {
    schemas: [SPC_SCHEMA],
    documentationUri: sandbox ? SANDBOX_DOCUMENTATION : DOCUMENTATION,
    patch: { supported: true },
    // RFC 7644 §3.7.4: past these a Bulk request is refused with 413 tooLarge.
    bulk: { supported: true, ...bulk },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    // RFC 9865 §4: both methods; index stays the default because Okta and Entra page by index.
    ...(advertisePagination
      ? {
          pagination: {
            cursor: true,
            index: true,
            defaultPaginationMethod: 'index',
            defaultPageSize: DEFAULT_PAGE_SIZE,
            maxPageSize: MAX_PAGE_SIZE,
            cursorTimeout: cursorTimeoutSeconds,
          },
        }
      : {}),
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        // RFC 7643 §5 gives the service provider no free text but this description.
        description: sandbox
          ? `${token} This account is a SANDBOX: users in any email domain are accepted, ` +
            'verified or not, to try an IdP or a test suite; it is not for production.'
          : token,
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

/**
 * `roles` as an account's requests find it. With role sync on, a role names the permission set
 * and reads show it (readWrite). With it off, roles are accepted and ignored (PRODUCT.md item 3)
 * and never returned: writeOnly, returned never (RFC 7643 §7). Discovery without a token names no
 * account: it describes a new app's default (role sync off) and says how to read one's own.
 */
function rolesAsServed(
  attribute: AttributeDefinition,
  roleSync: boolean | undefined,
): AttributeDefinition {
  if (roleSync === true) return attribute;
  const ignored = (a: AttributeDefinition): AttributeDefinition => ({
    ...a,
    mutability: 'writeOnly',
    returned: 'never',
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(ignored) } : {}),
  });
  return {
    ...ignored(attribute),
    description:
      'Accepted and ignored: role sync is off (the SCIM app\u2019s roleSyncEnabled), so roles ' +
      'change no permission set and are never returned.' +
      (roleSync === undefined
        ? ' With role sync on they are readWrite and returned (the user\u2019s permission set ' +
          'as their one primary role); read /Schemas with the account\u2019s token for its own.'
        : ''),
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

/**
 * A schema as served. `roleSync` is the requesting account's (undefined without a token): it
 * decides how `roles` behaves for that account (`rolesAsServed`).
 */
export function schemaDocument(
  schema: SchemaDefinition,
  baseUrl: string,
  { roleSync }: { readonly roleSync?: boolean | undefined } = {},
) {
  const attributes = schema.attributes.map((a) =>
    schema.id === USER_SCHEMA && a.name === 'roles' ? rolesAsServed(a, roleSync) : a,
  );
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: attributes.map(attributeDocument),
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
