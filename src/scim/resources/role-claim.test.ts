import { describe, expect, it } from 'vitest';
import { userResourceType } from '../schemas/resource-types.ts';
import { normalizeResource } from './normalize-resource.ts';
import { roleClaim, rolesOf } from './role-claim.ts';

/** The claim a request body's `roles` makes, through the same normaliser every write uses. */
function claimOf(roles: unknown) {
  const normalized = normalizeResource(userResourceType, { userName: 'a@example.com', roles });
  if (!normalized.ok) throw normalized.error;
  return roleClaim(normalized.value.roles);
}

describe('role claims from every IdP dialect (checklist 49–55)', () => {
  it.each([
    ['SCIM objects', [{ value: 'Sales Rep', primary: true }]],
    ['Okta string array', ['Sales Rep']],
    [
      "Entra's JSON document inside value",
      [{ value: '{"id":"7c1f","value":"Sales Rep","displayName":"Sales Rep"}' }],
    ],
  ])('%s name the role Sales Rep', (_label, roles) => {
    const claim = claimOf(roles);
    expect(claim.kind).toBe('roles');
    if (claim.kind !== 'roles') return;
    expect(claim.roles).toHaveLength(1);
    expect(claim.roles[0]?.value ?? claim.roles[0]?.display).toBe('Sales Rep');
  });

  it("keeps Entra's displayName as the display name (AppRoleAssignmentsComplex)", () => {
    expect(claimOf([{ value: 'SalesRep', displayName: 'Sales Rep', primary: false }])).toEqual({
      kind: 'roles',
      roles: [{ value: 'SalesRep', display: 'Sales Rep', primary: false }],
    });
  });

  it('reads the display name from inside an embedded Entra role', () => {
    expect(claimOf([{ value: '{"id":"1","value":"SalesRep","displayName":"Sales Rep"}' }])).toEqual(
      { kind: 'roles', roles: [{ value: 'SalesRep', display: 'Sales Rep', primary: false }] },
    );
  });

  it('accepts primary as the string "True" (Entra)', () => {
    const claim = claimOf([{ value: 'A' }, { value: 'B', primary: 'True' }]);
    expect(claim).toEqual({
      kind: 'roles',
      roles: [
        { value: 'A', display: null, primary: false },
        { value: 'B', display: null, primary: true },
      ],
    });
  });

  it.each([
    ['absent', undefined],
    ['empty', []],
    ['nameless elements', [{ primary: true }]],
  ])('%s roles leave the permission set unchanged', (_label, roles) => {
    expect(claimOf(roles)).toEqual({ kind: 'unchanged' });
  });

  it('keeps a role whose name merely looks like JSON but is not', () => {
    expect(claimOf([{ value: '{not json}' }])).toEqual({
      kind: 'roles',
      roles: [{ value: '{not json}', display: null, primary: false }],
    });
  });

  it('shows the permission set as one primary role (checklist 57)', () => {
    expect(rolesOf('Sales Rep')).toEqual([
      { value: 'Sales Rep', display: 'Sales Rep', primary: true },
    ]);
  });
});
