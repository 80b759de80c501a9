/**
 * Every way IdPs send a user's role, as one `RoleClaim` (idp-behaviour.md §3.4, checklist
 * 49–55). The normaliser has already turned Okta's `["Sales Rep"]` into `[{ value }]`, `primary`
 * strings into booleans, and Entra's `displayName` into `display`; what is left here is Entra's
 * JSON document inside `value`:
 * `{"value":"{\"id\":\"…\",\"value\":\"SalesRep\",\"displayName\":\"Sales Rep\"}"}`.
 */
import type { RoleCandidate, RoleClaim } from '../../directory/role-sync.ts';
import { matchesElement } from '../filter/evaluate-element.ts';
import type { PatchOperation } from '../patch/patch-operation.ts';
import { parsePath } from '../patch/path.ts';
import { type AttributeDefinition, findAttribute } from '../schemas/attribute.ts';
import { userSchema } from '../schemas/user.ts';

const ROLES = findAttribute(userSchema.attributes, 'roles') as AttributeDefinition;

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/** Entra's app-role object serialised into `value`, when that is what `value` holds. */
function embeddedRole(value: string): Record<string, unknown> | undefined {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined; // A role literally named "{…}" stays a name.
  }
}

function candidate(element: unknown): RoleCandidate | undefined {
  if (element === null || typeof element !== 'object') return undefined;
  const { value, display, primary } = element as Record<string, unknown>;
  const embedded = typeof value === 'string' ? embeddedRole(value) : undefined;
  const role: RoleCandidate = embedded
    ? {
        value: text(embedded.value),
        display: text(embedded.displayName) ?? text(embedded.display) ?? text(display),
        primary: primary === true || embedded.primary === true,
      }
    : { value: text(value), display: text(display), primary: primary === true };
  return role.value === null && role.display === null ? undefined : role;
}

/**
 * The claim a normalised `roles` attribute makes. Absent, empty, or holding only nameless
 * elements: no change (Entra sends `roles: []` on every create).
 */
export function roleClaim(roles: unknown): RoleClaim {
  const list = Array.isArray(roles) ? roles : [];
  const candidates = list.map(candidate).filter((c): c is RoleCandidate => c !== undefined);
  return candidates.length === 0 ? { kind: 'unchanged' } : { kind: 'roles', roles: candidates };
}

/**
 * The `roles` a user is shown with: their permission set as the one primary role, so an IdP that
 * compares what it sent with what it reads back sees no difference (checklist 57).
 */
export function rolesOf(permissionSetName: string): Record<string, unknown>[] {
  return [{ value: permissionSetName, display: permissionSetName, primary: true }];
}

/** Whether a PATCH `remove` takes away the user's role (`currentRole`: their set's name). */
function removesRole(operation: PatchOperation, currentRole: string | undefined): boolean {
  if (operation.op !== 'remove' || operation.path === undefined) return false;
  const path = parsePath(operation.path);
  if (!path.ok || path.value.attribute.name.toLowerCase() !== 'roles') return false;
  const { filter } = path.value;
  // `remove roles`: every role goes. A filter or a value names the roles to remove: only the
  // user's own role counts, since a role Roster never gave cannot be taken away.
  if (filter === undefined && !operation.hasValue) return true;
  if (currentRole === undefined) return false;
  const own = { value: currentRole, display: currentRole, primary: true };
  if (filter !== undefined) {
    const matched = matchesElement(filter, own, ROLES);
    return matched.ok && matched.value;
  }
  const named = Array.isArray(operation.value) ? operation.value : [operation.value];
  return named.some((element) => {
    const role = typeof element === 'string' ? { value: element } : candidate(element);
    return (
      role?.value === currentRole || (role && 'display' in role && role.display === currentRole)
    );
  });
}

/**
 * The claim of a PATCH: the roles its operations wrote (the representation it applies to has
 * none), or a removal of the user's role, or nothing.
 */
export function patchRoleClaim(
  operations: readonly PatchOperation[],
  patchedRoles: unknown,
  currentRole: string | undefined,
): RoleClaim {
  const written = roleClaim(patchedRoles);
  if (written.kind !== 'unchanged') return written;
  return operations.some((operation) => removesRole(operation, currentRole))
    ? { kind: 'removed' }
    : written;
}
