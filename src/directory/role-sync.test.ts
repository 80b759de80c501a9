import { describe, expect, it } from 'vitest';
import { DirectoryError } from './errors.ts';
import type { PermissionSet } from './model.ts';
import { decidePermissionSet, type RoleCandidate } from './role-sync.ts';

const set = (name: string, isMinimal = false): PermissionSet => ({
  id: `ps-${name}`,
  accountId: 'acc',
  name,
  isMinimal,
  permissions: [],
  createdAt: '2026-01-01T00:00:00.000Z',
});
const SETS = [set('Minimal', true), set('Sales Rep'), set('Support')];
const role = (value: string | null, display: string | null = null, primary = false) =>
  ({ value, display, primary }) satisfies RoleCandidate;
const decide = (...roles: RoleCandidate[]) => decidePermissionSet({ kind: 'roles', roles }, SETS);

describe('decidePermissionSet (PRODUCT.md behaviour 3, checklist 50–55)', () => {
  it('names the permission set by exact value', () => {
    expect(decide(role('Sales Rep'))).toEqual({ permissionSet: SETS[1] });
  });

  it.each(['sales rep', 'Sales  Rep', 'Sales Rep ', 'SalesRep'])(
    "'%s' does not match 'Sales Rep': minimal set and a warning naming the role",
    (name) => {
      const decision = decide(role(name));
      expect(decision?.permissionSet.name).toBe('Minimal');
      expect(decision?.warning).toContain(`'${name}'`);
      expect(decision?.warning).toContain('exact');
    },
  );

  it('suggests the near miss in the warning', () => {
    expect(decide(role('sales rep'))?.warning).toContain("did you mean 'Sales Rep'?");
  });

  it('falls back to the display name when the value matches nothing (Entra)', () => {
    expect(decide(role('SalesRep', 'Sales Rep'))).toEqual({ permissionSet: SETS[1] });
  });

  it('prefers the value over the display name', () => {
    expect(decide(role('Support', 'Sales Rep'))).toEqual({ permissionSet: SETS[2] });
  });

  it('picks the primary role among several', () => {
    expect(decide(role('Support'), role('Sales Rep', null, true))).toEqual({
      permissionSet: SETS[1],
    });
  });

  it('refuses several roles with no primary, naming them', () => {
    const attempt = () => decide(role('Support'), role('Sales Rep'));
    expect(attempt).toThrow(DirectoryError);
    expect(attempt).toThrow(/'Support', 'Sales Rep'.*none is marked primary/);
  });

  it('counts a repeated role once', () => {
    expect(decide(role('Support'), role('Support'))).toEqual({ permissionSet: SETS[2] });
  });

  it('leaves the set alone when the claim is unchanged, and gives minimal on removal', () => {
    expect(decidePermissionSet({ kind: 'unchanged' }, SETS)).toBeUndefined();
    expect(decidePermissionSet({ kind: 'removed' }, SETS)).toEqual({ permissionSet: SETS[0] });
  });
});
