/**
 * Groups as rows of `groups as g`. The row never holds members (see `group-members.ts`), so
 * reading, renaming or bumping the version of a group costs the same at any size.
 */
import type { Selectable } from 'kysely';
import type { GroupPage, GroupQuery } from '../../directory/group-query.ts';
import type { Group } from '../../directory/model.ts';
import type { GroupStore } from '../store.ts';
import { type ConditionCompiler, conditionShapes } from './condition-shapes.ts';
import { type ConditionTable, conditionToSql, type ElementTable } from './condition-to-sql.ts';
import { mapConflicts } from './conflicts.ts';
import { execute, type SqlContext, storable } from './context.ts';
import type { GroupsTable } from './database.ts';
import type { DialectQuirks } from './dialect-quirks.ts';
import { selectPage, sortPlan } from './keyset-paging.ts';
import { compile, type SqlFragment, sql } from './sql-fragment.ts';
import type { ColumnInfo } from './user-columns.ts';

const groupColumns: Readonly<Record<string, ColumnInfo>> = {
  id: { column: 'g.id', kind: 'text' },
  displayName: { column: 'g.display_name', kind: 'text', lower: 'g.display_name_lower' },
  externalId: { column: 'g.external_id', kind: 'text' },
  createdAt: { column: 'g.created_at', kind: 'text' },
  updatedAt: { column: 'g.updated_at', kind: 'text' },
};

const memberElements: ElementTable = {
  columns: {
    value: { column: 'm.user_id', kind: 'text' },
    display: { column: 'mu.display_name', kind: 'text' },
  },
  data: undefined,
  // Members are users only (group.ts): the schema's one canonical type.
  constants: { type: 'User' },
};

/** `members[...]` filters run on `group_members as m`, with the member's user as `mu`. */
export const groupTable: ConditionTable = {
  columns: groupColumns,
  profile: undefined,
  elements: () => memberElements,
  some(attribute, inner, negated, accountId) {
    if (attribute !== 'members') return sql.raw(negated ? '(1 = 1)' : '(1 = 0)');
    const from = sql`group_members as m join users as mu on mu.id = m.user_id`;
    // As for users' elements: the correlated form is confined by the group row alone.
    return negated
      ? sql`(not exists (select 1 from ${from} where m.group_id = g.id and ${inner}))`
      : sql`(g.id in (select m.group_id from ${from} where m.account_id = ${accountId} and ${inner}))`;
  },
};

function groupRow(group: Group) {
  return {
    id: group.id,
    account_id: group.accountId,
    display_name: group.displayName,
    // JS lower-casing, as for userName: SQLite's lower() folds ASCII only.
    display_name_lower: group.displayName.toLowerCase(),
    external_id: group.externalId,
    member_count: group.memberCount,
    created_at: group.createdAt,
    updated_at: group.updatedAt,
    version: group.version,
  };
}

function toGroup(row: Selectable<GroupsTable>): Group {
  return {
    id: row.id,
    accountId: row.account_id,
    displayName: row.display_name,
    externalId: row.external_id,
    memberCount: Number(row.member_count),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

const compilers = new WeakMap<DialectQuirks, ConditionCompiler>();

/** The condition's SQL over `groups as g`; compiled once per shape (`condition-shapes.ts`). */
function groupConditionToSql(quirks: DialectQuirks): ConditionCompiler {
  let compiler = compilers.get(quirks);
  if (compiler === undefined) {
    compiler = conditionShapes((c, account) => conditionToSql(c, account, quirks, groupTable));
    compilers.set(quirks, compiler);
  }
  return compiler;
}

/** Columns with a unique index per account: an `eq` on one matches at most one group. */
const UNIQUE_GROUP_COLUMNS = new Set(['id', 'displayName']);

/** Whether every group matching `condition` must share one unique key value. */
function pinsGroupKey(condition: GroupQuery['condition']): boolean {
  if (condition.kind === 'and') return condition.conditions.some(pinsGroupKey);
  return (
    condition.kind === 'compare' &&
    condition.op === 'eq' &&
    condition.field.kind === 'column' &&
    UNIQUE_GROUP_COLUMNS.has(condition.field.column) &&
    typeof condition.value === 'string'
  );
}

export function groupStore(ctx: SqlContext): GroupStore {
  const { db, quirks } = ctx;
  const run = async <R>(fragment: SqlFragment) =>
    (await execute<R>(ctx, compile(fragment, quirks.dialect))).rows;
  const select = async (where: SqlFragment, tail: SqlFragment = sql.raw('')) =>
    (await run<Selectable<GroupsTable>>(sql`select g.* from groups g where ${where} ${tail}`)).map(
      toGroup,
    );

  return {
    async insert(group) {
      await mapConflicts(() => db.insertInto('groups').values(groupRow(group)).execute());
    },

    async findById(accountId, id) {
      if (!storable(id)) return undefined;
      const [group] = await select(sql`g.account_id = ${accountId} and g.id = ${id}`);
      return group;
    },

    async lock(accountId, id) {
      if (!storable(id)) return undefined;
      // SQLite has no FOR UPDATE: its transactions already run one at a time.
      const tail =
        quirks.dialect === 'postgres' && db.isTransaction ? sql.raw('for update') : sql.raw('');
      const [group] = await select(sql`g.account_id = ${accountId} and g.id = ${id}`, tail);
      return group;
    },

    update: (group, expectedVersion) =>
      mapConflicts(async () => {
        const { id, account_id, ...changes } = groupRow(group);
        const result = await db
          .updateTable('groups')
          .set(changes)
          .where('id', '=', id)
          .where('account_id', '=', account_id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      }),

    async delete(accountId, id) {
      if (!storable(id)) return false;
      const result = await db
        .deleteFrom('groups')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async query(query: GroupQuery): Promise<GroupPage> {
      const condition = groupConditionToSql(quirks)(query.condition, query.accountId);
      const single = pinsGroupKey(query.condition);
      const page = (pageRun: typeof run, guard: SqlFragment | undefined) =>
        selectPage<Selectable<GroupsTable>>(pageRun, quirks, {
          table: 'groups',
          alias: 'g',
          matching: guard
            ? sql`${guard} and g.account_id = ${query.accountId} and ${condition}`
            : sql`g.account_id = ${query.accountId} and ${condition}`,
          plan: sortPlan(query.sort, quirks, groupColumns),
          page: query.page,
          knownTotal: query.knownTotal,
          single,
        });
      // A pinned unique key reads one index entry; anything else may scan the account.
      const { costly } = ctx;
      const { rows, total, nextKey } =
        single || costly === undefined
          ? await page(run, undefined)
          : await costly.read(query.accountId, (costlyRun) => page(costlyRun, costly.guard));
      return { groups: rows.map(toGroup), total, nextKey };
    },
  };
}
