/**
 * Which users SCIM clients see (idp-behaviour.md §1.2.6). Unfiltered listings show SCIM-managed
 * users only, so an IdP never imports or acts on users it did not provision. A lookup by
 * identity (userName, emails, externalId with `eq`) also finds app-managed users, so the IdP
 * links to them instead of creating duplicates; users the IdP deleted stay hidden. An email
 * finds an app-managed user only when it is that user's primary email: secondary emails are
 * never an identity (they are unchecked and not unique; docs/idp-compatibility.md), so an
 * alias must not let an IdP link, and then take over, someone else's app user.
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

/** Whether the lookup names an email (an `emails[...]` match), not only identity columns. */
function namesEmails(condition: UserCondition): boolean {
  switch (condition.kind) {
    case 'some':
      return condition.attribute === 'emails';
    case 'and':
    case 'or':
      return condition.conditions.some(namesEmails);
    default:
      return false;
  }
}

const anyOf = (conditions: UserCondition[]): UserCondition => ({ kind: 'or', conditions });

/**
 * For an identity lookup (`isIdentityLookup`) a user matches: holds when it matches through a
 * primary identity value, i.e. an `emails` match also names the user's primary email.
 */
function throughPrimary(condition: UserCondition): UserCondition {
  switch (condition.kind) {
    case 'some':
      return primaryEmailOf(condition.condition);
    case 'and':
      // One identifying conjunct is enough; the others only narrow.
      return anyOf(condition.conditions.filter(isIdentityLookup).map(throughPrimary));
    case 'or':
      // The disjunct that matched must identify through a primary value.
      return anyOf(
        condition.conditions.map((c) => ({ kind: 'and', conditions: [c, throughPrimary(c)] })),
      );
    default:
      // userName, externalId, the primary email column: identities themselves.
      return { kind: 'all' };
  }
}

/** An email element condition's `value eq` tests, on the primary email column instead. */
function primaryEmailOf(element: UserCondition): UserCondition {
  switch (element.kind) {
    case 'compare':
      return { ...element, field: { kind: 'column', column: 'email' } };
    case 'and':
      return anyOf(element.conditions.filter(isIdentityLookup).map(primaryEmailOf));
    case 'or':
      return anyOf(element.conditions.map(primaryEmailOf));
    default:
      return { kind: 'none' };
  }
}

export function withScimVisibility(condition: UserCondition): UserCondition {
  if (!isIdentityLookup(condition)) {
    return condition.kind === 'all'
      ? SCIM_MANAGED
      : { kind: 'and', conditions: [SCIM_MANAGED, condition] };
  }
  const visible: UserCondition = {
    kind: 'or',
    conditions: [SCIM_MANAGED, APP_MANAGED_AND_LINKABLE],
  };
  if (!namesEmails(condition)) return { kind: 'and', conditions: [visible, condition] };
  // App-managed users are found by their primary email only.
  const linkable: UserCondition = {
    kind: 'or',
    conditions: [SCIM_MANAGED, throughPrimary(condition)],
  };
  return { kind: 'and', conditions: [visible, condition, linkable] };
}
