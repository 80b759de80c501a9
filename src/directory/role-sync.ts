/**
 * Role sync (PRODUCT.md, behaviour 3): with `roleSyncEnabled` on, the role an IdP sends names the
 * user's permission set by exact name. This module decides which set a role claim gives; it knows
 * nothing of how IdPs spell roles (`scim/resources/role-claim.ts` turns every dialect into a
 * `RoleClaim`).
 */
import { DirectoryError } from './errors.ts';
import type { PermissionSet } from './model.ts';

export interface RoleCandidate {
  readonly value: string | null;
  /** `display`, or Entra's `displayName`. */
  readonly display: string | null;
  readonly primary: boolean;
}

export type RoleClaim =
  /** `roles` absent or empty: the permission set stays as it is (checklist 55). */
  | { readonly kind: 'unchanged' }
  /** The IdP removed the user's role: back to the minimal permission set. */
  | { readonly kind: 'removed' }
  | { readonly kind: 'roles'; readonly roles: readonly RoleCandidate[] };

export interface RoleDecision {
  readonly permissionSet: PermissionSet;
  /** Set when the role matched no permission set; the provisioning log shows it. */
  readonly warning?: string | undefined;
}

const label = (role: RoleCandidate) => `'${role.value ?? role.display}'`;

/** Equal roles sent twice (Okta string arrays can repeat) count once. */
function distinct(roles: readonly RoleCandidate[]): RoleCandidate[] {
  const seen = new Set<string>();
  return roles.filter((role) => {
    const key = JSON.stringify([role.value, role.display]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The one role that names the permission set: the only one sent, or the primary one. Several
 * roles and no primary cannot name one set, and guessing would grant the wrong permissions.
 */
function chosenRole(roles: readonly RoleCandidate[]): RoleCandidate {
  const candidates = distinct(roles);
  if (candidates.length === 1) return candidates[0] as RoleCandidate;
  const primary = candidates.filter((role) => role.primary);
  if (primary.length === 1) return primary[0] as RoleCandidate;
  throw new DirectoryError(
    'user.role_ambiguous',
    `${candidates.length} roles were sent (${candidates.map(label).join(', ')}) and ` +
      `${primary.length === 0 ? 'none is' : 'more than one is'} marked primary; a user has one ` +
      'permission set, so send one role or mark exactly one as primary',
  );
}

/** A near miss worth naming in the warning: the same name but for case and spacing. */
function nearMiss(name: string, sets: readonly PermissionSet[]): PermissionSet | undefined {
  const fold = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  const folded = fold(name);
  return sets.find((set) => fold(set.name) === folded);
}

/**
 * The permission set a claim gives, or undefined when it leaves the current one alone.
 * Matching is exact, `value` first and then `display` (Entra app-role values cannot contain
 * spaces, so admins often put the set's name in the display name; checklist 52). A role that
 * matches nothing gives the minimal set with a warning, never an error: the IdP cannot fix a
 * missing permission set, and refusing the user would leave them unprovisioned.
 */
export function decidePermissionSet(
  claim: RoleClaim,
  sets: readonly PermissionSet[],
): RoleDecision | undefined {
  if (claim.kind === 'unchanged') return undefined;
  const minimal = sets.find((set) => set.isMinimal);
  if (!minimal) throw new Error('every account has a minimal permission set');
  if (claim.kind === 'removed') return { permissionSet: minimal };

  const role = chosenRole(claim.roles);
  const byName = (name: string | null) =>
    name === null ? undefined : sets.find((set) => set.name === name);
  const matched = byName(role.value) ?? byName(role.display);
  if (matched) return { permissionSet: matched };

  const names = [role.value, role.display].filter((n, i, all): n is string => {
    return n !== null && all.indexOf(n) === i;
  });
  const near = names.map((n) => nearMiss(n, sets)).find((set) => set !== undefined);
  return {
    permissionSet: minimal,
    warning:
      `role ${names.map((n) => `'${n}'`).join(' / ')} matches no permission set, so the user ` +
      `gets the minimal permission set '${minimal.name}'. Matching is exact: case and spaces matter` +
      (near ? ` (did you mean '${near.name}'?)` : ''),
  };
}
