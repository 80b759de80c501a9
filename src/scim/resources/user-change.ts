/**
 * A SCIM User body as the change the directory applies: the draft of the fields the IdP owns,
 * plus the role it names. Shared by the SCIM routes and the admin API's adoption preview, so the
 * preview reads an IdP's users exactly as a create would.
 */
import type { User } from '../../directory/model.ts';
import type { UserChange } from '../../directory/users.ts';
import { ok, type Result } from '../errors.ts';
import { userResourceType } from '../schemas/resource-types.ts';
import { isPlainObject } from './deep-equal.ts';
import { checkRequired, normalizeResource } from './normalize-resource.ts';
import { roleClaim } from './role-claim.ts';
import { primaryEmail, type Resource, toScimUser, toUserDraft } from './user-resource.ts';

/**
 * A normalised body as a change. The required attributes a client leaves out are the server's
 * to fill (RFC 7644 §3.5.1), as /Schemas says: on a PUT `userName` and `active` keep their current
 * values (Okta and Delinea send PUTs without `active`; a PUT never renames a user it does not
 * mention), on a create `userName` is the primary email and `active` is true.
 */
export function userChangeOf(resource: Resource, current?: User): Result<UserChange> {
  let complete = resource;
  if (complete.userName === undefined) {
    const kept = current?.userName ?? primaryEmail(complete);
    if (kept) complete = { ...complete, userName: kept };
  }
  if (complete.active === undefined) complete = { ...complete, active: current?.active ?? true };
  const required = checkRequired(userResourceType, complete);
  if (!required.ok) return required;
  return ok({ ...toUserDraft(complete, current), roleClaim: roleClaim(resource.roles) });
}

/**
 * A create (a normalised POST body) over the user it restores or adopts (docs/idp-compatibility.md,
 * "Restores keep the data"): attributes the body sends replace the stored ones, an extension's
 * attributes one by one (each is an attribute of its own, RFC 7643 §3.3); attributes it leaves out
 * keep their stored values, since DELETE keeps the data and the IdP sends only what it maps. A
 * create means an active user unless the body says otherwise.
 */
export function restoredChangeOf(resource: Resource, existing: User): Result<UserChange> {
  const merged: Resource = toScimUser(existing, '');
  for (const [key, value] of Object.entries(resource)) {
    const stored = merged[key];
    merged[key] =
      key.startsWith('urn:') && isPlainObject(stored) && isPlainObject(value)
        ? { ...stored, ...value }
        : value;
  }
  if (resource.active === undefined) merged.active = true;
  return userChangeOf(merged);
}

/** A raw JSON body (a POST /Users) as a change. */
export function parseUserChange(body: unknown): Result<UserChange> {
  const resource = normalizeResource(userResourceType, body);
  return resource.ok ? userChangeOf(resource.value) : resource;
}
