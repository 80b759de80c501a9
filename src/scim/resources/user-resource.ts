/** The SCIM User representation ⇄ the directory's user record. */
import type { AttributeElement, Membership, User } from '../../directory/model.ts';
import type { UserDraft } from '../../directory/users.ts';
import { USER_SCHEMA, userSchema } from '../schemas/user.ts';
import { rolesOf } from './role-claim.ts';

export type Resource = Record<string, unknown>;

/** Multi-valued attributes the directory keeps in their own table. */
const MULTI_VALUED = userSchema.attributes
  .filter((a) => a.multiValued && a.mutability !== 'readOnly')
  .map((a) => a.name);

/**
 * Attributes accepted and deliberately not stored: `roles` are applied to permission sets
 * (role sync), never kept as free data; `password` is write-only and users sign in with SSO.
 */
const NOT_STORED = new Set(['roles', 'password', 'groups']);

/** Keys of the representation that are not profile attributes. */
const TOP_LEVEL = new Set(['schemas', 'id', 'externalId', 'userName', 'active', 'meta']);

export function formatVersion(version: number): string {
  return `W/"${version}"`;
}

/**
 * A user's version as its ETag and meta.version (RFC 7644 §3.14). The read-only `groups` are
 * part of the representation but not of the user's row, so a user in groups carries a
 * fingerprint of them too: W/"7-1a2b3c4d" moves when the user joins or leaves a group or one
 * of its groups is renamed, and If-None-Match never answers 304 for a stale `groups`. The
 * leading number is the user's own version, which If-Match compares (a write never changes
 * `groups`).
 */
export function userVersion(version: number, memberships: readonly Membership[] = []): string {
  if (memberships.length === 0) return formatVersion(version);
  // FNV-1a over the sorted (group, group version) pairs: stable, cheap, not a secret.
  const parts = memberships.map((m) => `${m.groupId}:${m.groupVersion}`).sort();
  let hash = 0x811c9dc5;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      hash ^= part.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    hash = Math.imul(hash ^ 0x2c, 0x01000193) >>> 0;
  }
  return `W/"${version}-${hash.toString(16).padStart(8, '0')}"`;
}

function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The primary email: the one marked primary, else the work one, else the first, else userName. */
export function primaryEmail(resource: Resource): string | null {
  const emails = Array.isArray(resource.emails) ? (resource.emails as AttributeElement[]) : [];
  const chosen =
    emails.find((e) => e.primary === true) ?? emails.find((e) => e.type === 'work') ?? emails[0];
  const value = asString(chosen?.value);
  if (value) return value;
  const userName = asString(resource.userName);
  return userName?.includes('@') ? userName : null;
}

/**
 * A normalised resource (see normalize-resource.ts) as a directory draft. `current` supplies
 * `active` when the resource leaves it out: a PUT that omits `active` must not deactivate
 * (RFC 7644 §3.5.1 leaves omitted attributes to the server; Okta and Delinea rely on this).
 */
export function toUserDraft(resource: Resource, current?: User): UserDraft {
  const profile: Record<string, unknown> = {};
  const multiValued: Record<string, AttributeElement[]> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (TOP_LEVEL.has(key) || NOT_STORED.has(key)) continue;
    if (MULTI_VALUED.includes(key)) multiValued[key] = value as AttributeElement[];
    else profile[key] = value;
  }
  const name = (resource.name ?? {}) as Record<string, unknown>;
  const email = primaryEmail(resource);
  // An email-shaped userName with no emails is the user's email: say so in `emails`, so every
  // client reading the user back (Okta's spec test reads emails[0].value) sees the same address.
  if (email && !multiValued.emails?.length) {
    multiValued.emails = [{ value: email, type: 'work', primary: true }];
  }
  return {
    userName: asString(resource.userName) ?? '',
    externalId: asString(resource.externalId),
    email,
    displayName: asString(resource.displayName),
    givenName: asString(name.givenName),
    familyName: asString(name.familyName),
    active: typeof resource.active === 'boolean' ? resource.active : (current?.active ?? true),
    profile,
    multiValued,
  };
}

/**
 * The full SCIM representation of a user (RFC 7643 §4.1), before projection. `memberships` are
 * the user's groups, shown as the read-only `groups` (RFC 7643 §4.1.2; all direct). `roleName`,
 * the name of the user's permission set, is shown as their one primary role (checklist 57);
 * PATCH applies to the representation without it, so what a PATCH writes to `roles` is exactly
 * what the IdP sent.
 */
export function toScimUser(
  user: User,
  baseUrl: string,
  memberships: readonly Membership[] = [],
  roleName?: string,
): Resource {
  const core: Resource = {};
  const extensions: Resource = {};
  for (const [key, value] of Object.entries(user.profile)) {
    if (key.startsWith('urn:')) extensions[key] = value;
    else core[key] = value;
  }
  const multiValued: Resource = {};
  for (const name of MULTI_VALUED) {
    const elements = user.multiValued[name];
    if (elements && elements.length > 0) multiValued[name] = elements;
  }
  return {
    schemas: [USER_SCHEMA, ...Object.keys(extensions)],
    id: user.id,
    ...(user.externalId !== null ? { externalId: user.externalId } : {}),
    userName: user.userName,
    ...core,
    active: user.active,
    ...multiValued,
    ...(roleName !== undefined ? { roles: rolesOf(roleName) } : {}),
    ...(memberships.length > 0
      ? {
          groups: memberships.map((m) => ({
            value: m.groupId,
            $ref: `${baseUrl}/Groups/${m.groupId}`,
            display: m.groupName,
            type: 'direct',
          })),
        }
      : {}),
    ...extensions,
    meta: {
      resourceType: 'User',
      created: user.createdAt,
      lastModified: user.updatedAt,
      location: `${baseUrl}/Users/${user.id}`,
      version: userVersion(user.version, memberships),
    },
  };
}
