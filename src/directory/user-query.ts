/**
 * The directory's query language for users. SCIM filters are translated into it
 * (`scim/filter/to-user-condition.ts`) and the store compiles it to SQL, so neither side sees the
 * other's syntax. The condition language itself is shared with groups (`query.ts`).
 */
import type { Condition, Field, PageRequest, Sort } from './query.ts';

export type { Comparison, ElementField, Operand } from './query.ts';

/** Indexed fields of a user. */
export type UserColumn =
  | 'id'
  | 'userName'
  | 'externalId'
  | 'email'
  | 'displayName'
  | 'givenName'
  | 'familyName'
  | 'active'
  | 'managedBy'
  | 'permissionSetId'
  | 'deprovisionedAt'
  | 'createdAt'
  | 'updatedAt';

/**
 * The attribute `some` conditions name for a user's team memberships (teams are the app's, never
 * SCIM's: no SCIM filter reaches it). Element fields: `value` (the team id) and `primary`.
 */
export const TEAMS_ATTRIBUTE = 'teams';

export type UserField = Field<UserColumn>;
export type UserCondition = Condition<UserColumn>;
export type UserSort = Sort<UserColumn>;
export type UserPageRequest = PageRequest;

export interface UserQuery {
  readonly accountId: string;
  readonly condition: UserCondition;
  /** Absent: creation order. Ties always break on creation order, so pages are stable. */
  readonly sort?: UserSort | undefined;
  readonly page: UserPageRequest;
  /**
   * The total an earlier page of the same cursor walk reported: the store then does not count
   * again, so a deep cursor page costs what the first one did.
   */
  readonly knownTotal?: number | undefined;
  /**
   * Also read the groups of the page's users (`UserPage.memberships`). A page that pins a
   * unique key reads them in the same statement as the user.
   */
  readonly withGroups?: boolean | undefined;
}

export interface UserPage {
  readonly users: readonly import('./model.ts').User[];
  /** Number of users matching the condition, regardless of paging. */
  readonly total: number;
  /** Cursor paging only: an opaque keyset position after the last user, absent on the last page. */
  readonly nextKey?: string | undefined;
  /**
   * With `withGroups`: each user's groups by user id, ordered by group name (case-insensitively),
   * then id; a user in no group has no entry.
   */
  readonly memberships?: ReadonlyMap<string, readonly import('./model.ts').Membership[]>;
}
