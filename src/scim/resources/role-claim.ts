/**
 * Every way IdPs send a user's role, as one `RoleClaim` (idp-behaviour.md §3.4, checklist
 * 49–55). The normaliser has already turned Okta's `["Sales Rep"]` into `[{ value }]`, `primary`
 * strings into booleans, and Entra's `displayName` into `display`; what is left here is Entra's
 * JSON document inside `value`:
 * `{"value":"{\"id\":\"…\",\"value\":\"SalesRep\",\"displayName\":\"Sales Rep\"}"}`.
 */
import type { RoleCandidate, RoleClaim } from '../../directory/role-sync.ts';

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
