/**
 * Which users SCIM clients see (idp-behaviour.md §1.2.6). Unfiltered listings show SCIM-managed
 * users only, so an IdP never imports or acts on users it did not provision. A lookup by
 * identity (userName, emails, externalId with `eq`) also finds app-managed users, so the IdP
 * links to them instead of creating duplicates; users the IdP deleted stay hidden.
 */
import type { UserCondition } from '../../directory/user-query.ts';

const SCIM_MANAGED: UserCondition = {
  kind: 'compare',
  field: { kind: 'column', column: 'managedBy' },
  op: 'eq',
  value: 'scim',
  caseExact: true,
};

const APP_MANAGED_AND_LINKABLE: UserCondition = {
  kind: 'and',
  conditions: [
    {
      kind: 'compare',
      field: { kind: 'column', column: 'managedBy' },
      op: 'eq',
      value: 'app',
      caseExact: true,
    },
    {
      kind: 'not',
      condition: { kind: 'present', field: { kind: 'column', column: 'deprovisionedAt' } },
    },
  ],
};

/** True when every way to satisfy `condition` requires an `eq` on an identity attribute. */
export function isIdentityLookup(condition: UserCondition): boolean {
  switch (condition.kind) {
    case 'compare':
      return (
        condition.op === 'eq' &&
        ((condition.field.kind === 'column' &&
          ['userName', 'externalId', 'email'].includes(condition.field.column)) ||
          (condition.field.kind === 'element' && condition.field.path[0] === 'value'))
      );
    case 'some':
      return condition.attribute === 'emails' && isIdentityLookup(condition.condition);
    case 'and':
      return condition.conditions.some(isIdentityLookup);
    case 'or':
      return condition.conditions.every(isIdentityLookup);
    default:
      return false;
  }
}

export function withScimVisibility(condition: UserCondition): UserCondition {
  const visible = isIdentityLookup(condition)
    ? { kind: 'or' as const, conditions: [SCIM_MANAGED, APP_MANAGED_AND_LINKABLE] }
    : SCIM_MANAGED;
  return condition.kind === 'all' ? visible : { kind: 'and', conditions: [visible, condition] };
}
