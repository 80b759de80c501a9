/** Users' fields for the condition compiler: `users as u`, elements in `user_values as v`. */
import type { UserCondition } from '../../directory/user-query.ts';
import { type ConditionTable, conditionToSql } from './condition-to-sql.ts';
import type { DialectQuirks } from './dialect-quirks.ts';
import { type SqlFragment, sql } from './sql-fragment.ts';
import { userColumns } from './user-columns.ts';

const userTable: ConditionTable = {
  columns: userColumns,
  profile: 'u.profile',
  // Element sub-attributes with their own column; all others are read from `data`.
  elementColumns: {
    value: { column: 'v.value', kind: 'text', lower: 'v.value_lower' },
    type: { column: 'v.type', kind: 'text' },
    display: { column: 'v.display', kind: 'text' },
    primary: { column: 'v.is_primary', kind: 'boolean' },
  },
  elementData: 'v.data',
  some(attribute, inner, negated, accountId) {
    const where = sql`v.account_id = ${accountId} and v.attribute = ${attribute} and ${inner}`;
    // Positive: IN, so the (account_id, attribute, value_lower) index can drive the query.
    // Negated: NOT EXISTS, which PostgreSQL runs as an anti-join; NOT IN over a large
    // subquery can degrade to a rescan per user.
    return negated
      ? sql`(not exists (select 1 from user_values as v where v.user_id = u.id and ${where}))`
      : sql`(u.id in (select v.user_id from user_values as v where ${where}))`;
  },
};

export function userConditionToSql(
  condition: UserCondition,
  accountId: string,
  quirks: DialectQuirks,
): SqlFragment {
  return conditionToSql(condition, accountId, quirks, userTable);
}
