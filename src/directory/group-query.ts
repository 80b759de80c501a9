/**
 * The directory's query language for groups: the shared condition language (`query.ts`) over
 * a group's indexed fields. `members` is the one multi-valued attribute (`some`).
 */
import type { Group } from './model.ts';
import type { Condition, Field, PageRequest, Sort } from './query.ts';

export type GroupColumn = 'id' | 'displayName' | 'externalId' | 'createdAt' | 'updatedAt';

export type GroupField = Field<GroupColumn>;
export type GroupCondition = Condition<GroupColumn>;
export type GroupSort = Sort<GroupColumn>;

export interface GroupQuery {
  readonly accountId: string;
  readonly condition: GroupCondition;
  /** Absent: creation order. Ties always break on creation order, so pages are stable. */
  readonly sort?: GroupSort | undefined;
  readonly page: PageRequest;
  /** As `UserQuery.knownTotal`: the total an earlier page of the same cursor walk reported. */
  readonly knownTotal?: number | undefined;
}

export interface GroupPage {
  readonly groups: readonly Group[];
  /** Number of groups matching the condition, regardless of paging. */
  readonly total: number;
  /** Cursor paging only: a keyset position after the last group, absent on the last page. */
  readonly nextKey?: string | undefined;
}
