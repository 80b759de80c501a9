/**
 * Users' fields for the condition compiler: `users as u`, elements in `user_values as v`, and
 * the read-only `groups` (RFC 7643 §4.1.2) in `group_members as gm` with the group as `gg`.
 */
import { TEAMS_ATTRIBUTE, type UserCondition } from '../../directory/user-query.ts';
import { type ConditionCompiler, conditionShapes } from './condition-shapes.ts';
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

/** A user's teams (the app's own: admin filters only, never SCIM). */
const teamElements: ElementTable = {
  columns: {
    value: { column: 'tm.team_id', kind: 'text' },
    primary: { column: 'tm.is_primary', kind: 'boolean' },
  },
  data: undefined,
};

export const userTable: ConditionTable = {
  columns: userColumns,
  profile: 'u.profile',
  elements: (attribute) =>
    attribute === 'groups'
      ? groupElements
      : attribute === TEAMS_ATTRIBUTE
        ? teamElements
        : valueElements,
  // Positive: IN, so the account's (account_id, attribute, value_lower) index can drive the
  // query. Negated: NOT EXISTS, which PostgreSQL runs as an anti-join (NOT IN over a large
  // subquery can degrade to a rescan per user). The correlated form names no account: the user
  // row already belongs to one, and naming it would let SQLite, before it has statistics,
  // search the account-wide index once per user instead of the user's own rows (13 s against
  // 0.1 s at 12,000 users).
  some(attribute, inner, negated, accountId) {
    if (attribute === TEAMS_ATTRIBUTE) {
      // The team_members primary key (team_id, user_id) drives a team's members.
      return negated
        ? sql`(not exists (select 1 from team_members as tm where tm.user_id = u.id and ${inner}))`
        : sql`(u.id in (select tm.user_id from team_members as tm where tm.account_id = ${accountId} and ${inner}))`;
    }
    if (attribute === 'groups') {
      const from = sql`group_members as gm join groups as gg on gg.id = gm.group_id`;
      return negated
        ? sql`(not exists (select 1 from ${from} where gm.user_id = u.id and ${inner}))`
        : sql`(u.id in (select gm.user_id from ${from} where gm.account_id = ${accountId} and ${inner}))`;
    }
    const element = sql`v.attribute = ${attribute} and ${inner}`;
    return negated
      ? sql`(not exists (select 1 from user_values as v where v.user_id = u.id and ${element}))`
      : sql`(u.id in (select v.user_id from user_values as v where v.account_id = ${accountId} and ${element}))`;
  },
};

const compilers = new WeakMap<DialectQuirks, ConditionCompiler>();

/** The condition's SQL over `users as u`; compiled once per shape (`condition-shapes.ts`). */
export function userConditionToSql(
  condition: UserCondition,
  accountId: string,
  quirks: DialectQuirks,
): SqlFragment {
  let compiler = compilers.get(quirks);
  if (compiler === undefined) {
    compiler = conditionShapes((c, account) => conditionToSql(c, account, quirks, userTable));
    compilers.set(quirks, compiler);
  }
  return compiler(condition, accountId);
}
