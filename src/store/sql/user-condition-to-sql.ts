/**
 * Users' fields for the condition compiler: `users as u`, elements in `user_values as v`, and
 * the read-only `groups` (RFC 7643 §4.1.2) in `group_members as gm` with the group as `gg`.
 */
import type { UserCondition } from '../../directory/user-query.ts';
import { type ConditionTable, conditionToSql, type ElementTable } from './condition-to-sql.ts';
import type { DialectQuirks } from './dialect-quirks.ts';
import { type SqlFragment, sql } from './sql-fragment.ts';
import { userColumns } from './user-columns.ts';

/** Element sub-attributes with their own column; all others are read from `data`. */
const valueElements: ElementTable = {
  columns: {
    value: { column: 'v.value', kind: 'text', lower: 'v.value_lower' },
    type: { column: 'v.type', kind: 'text' },
    display: { column: 'v.display', kind: 'text' },
    primary: { column: 'v.is_primary', kind: 'boolean' },
  },
  data: 'v.data',
};

/** A user's groups as `toScimUser` shows them: every membership is direct; `$ref` is not stored. */
const groupElements: ElementTable = {
  columns: {
    value: { column: 'gm.group_id', kind: 'text' },
    display: { column: 'gg.display_name', kind: 'text', lower: 'gg.display_name_lower' },
  },
  data: undefined,
  constants: { type: 'direct' },
};

const userTable: ConditionTable = {
  columns: userColumns,
  profile: 'u.profile',
  elements: (attribute) => (attribute === 'groups' ? groupElements : valueElements),
  some(attribute, inner, negated, accountId) {
    if (attribute === 'groups') {
      const from = sql`group_members as gm join groups as gg on gg.id = gm.group_id`;
      const where = sql`gm.account_id = ${accountId} and ${inner}`;
      return negated
        ? sql`(not exists (select 1 from ${from} where gm.user_id = u.id and ${where}))`
        : sql`(u.id in (select gm.user_id from ${from} where ${where}))`;
    }
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
