import { isDeepStrictEqual } from 'node:util';
import type { Selectable } from 'kysely';
import type { Membership, User } from '../../directory/model.ts';
import type { UserCondition, UserPage, UserQuery } from '../../directory/user-query.ts';
import type { UserStore } from '../store.ts';
import { bulkInserter } from './bulk-insert.ts';
import { mapConflicts } from './conflicts.ts';
import { execute, type SqlContext, selectRows, storable, withTransaction } from './context.ts';
import type { UsersTable } from './database.ts';
import { membershipsColumn, readMembershipsColumn, selectGroupsOf } from './group-members.ts';
import { selectPage, sortPlan } from './keyset-paging.ts';
import { compile, type SqlFragment, sql } from './sql-fragment.ts';
import { userConditionToSql } from './user-condition-to-sql.ts';
import { loadUsers, userRow, valueRows } from './user-rows.ts';

/**
 * Rows per multi-row INSERT. 1000 users × 20 columns and 3000 elements × 10 columns stay under
 * SQLite's 32766 and PostgreSQL's 65535 parameter limits.
 */
const USER_CHUNK = 1000;
const VALUE_CHUNK = 3000;

async function insertUsers(ctx: SqlContext, users: readonly User[]): Promise<void> {
  const { quirks } = ctx;
  const bulkInsert = bulkInserter(ctx, quirks.dialect);
  for (let i = 0; i < users.length; i += USER_CHUNK) {
    const chunk = users.slice(i, i + USER_CHUNK);
    await bulkInsert(
      'users',
      chunk.map((user) => userRow(user, quirks)),
      USER_CHUNK,
    );
    const values = chunk.flatMap((user) => valueRows(user, quirks));
    await bulkInsert('user_values', values, VALUE_CHUNK);
  }
}

/**
 * The listings `user_counts` counts (migration 0011): all of an account's users, or those of
 * one manager. Undefined for any other condition.
 */
function countedListing(condition: UserCondition): 'all' | 'scim' | 'app' | undefined {
  if (condition.kind === 'all') return 'all';
  if (
    condition.kind === 'compare' &&
    condition.op === 'eq' &&
    condition.caseExact &&
    condition.field.kind === 'column' &&
    condition.field.column === 'managedBy' &&
    (condition.value === 'scim' || condition.value === 'app')
  ) {
    return condition.value;
  }
  return undefined;
}

/** Columns with a unique index per account: an `eq` on one matches at most one user. */
const UNIQUE_COLUMNS = new Set(['id', 'userName', 'email']);

/** Whether every user matching `condition` must share one unique key value. */
function pinsUniqueKey(condition: UserCondition): boolean {
  if (condition.kind === 'and') return condition.conditions.some(pinsUniqueKey);
  return (
    condition.kind === 'compare' &&
    condition.op === 'eq' &&
    condition.field.kind === 'column' &&
    UNIQUE_COLUMNS.has(condition.field.column) &&
    // Unique case-insensitively, so a case-exact match is narrower still.
    typeof condition.value === 'string'
  );
}

export function userStore(ctx: SqlContext): UserStore {
  const { db, quirks } = ctx;
  const run = async <R>(fragment: SqlFragment, on = db) =>
    on === db
      ? selectRows<R>(ctx, fragment)
      : (await execute<R>({ db: on }, compile(fragment, quirks.dialect))).rows;
  const selectUsers = (where: SqlFragment) =>
    run<Selectable<UsersTable>>(sql`select u.* from users u where ${where}`);

  /** The account's users per manager, and its `~shifts` (migration 0011). */
  async function countsOf(accountId: string) {
    const rows = await run<{ managed_by: string; n: unknown }>(
      sql`select managed_by, sum(n) as n from user_counts where account_id = ${accountId} group by managed_by`,
    );
    const counts = { scim: 0, app: 0, shifts: 0 };
    for (const row of rows) {
      const n = quirks.readInt(row.n);
      if (row.managed_by === 'scim') counts.scim = n;
      else if (row.managed_by === 'app') counts.app = n;
      else if (row.managed_by === '~shifts') counts.shifts = n;
    }
    return counts;
  }

  /**
   * The groups of a page's users by user id: from each row's `memberships` column where the
   * single-row read added it (`membershipsColumn`), else in one more statement.
   */
  async function membershipsOfPage(
    accountId: string,
    rows: readonly Selectable<UsersTable>[],
    users: readonly User[],
  ): Promise<Map<string, Membership[]>> {
    const byUser = new Map<string, Membership[]>();
    if (rows[0] !== undefined && 'memberships' in rows[0]) {
      for (const [i, user] of users.entries()) {
        const { memberships } = rows[i] as { memberships?: unknown };
        const list = readMembershipsColumn(quirks, user.id, memberships);
        if (list.length > 0) byUser.set(user.id, list);
      }
      return byUser;
    }
    if (users.length === 0) return byUser;
    const ids = users.map((u) => u.id);
    for (const m of await selectGroupsOf(ctx, accountId, ids)) {
      const list = byUser.get(m.userId);
      if (list) list.push(m);
      else byUser.set(m.userId, [m]);
    }
    return byUser;
  }

  return {
    insert: (user) => mapConflicts(() => withTransaction(ctx, (trx) => insertUsers(trx, [user]))),

    async insertMany(list) {
      if (list.length === 0) return;
      await mapConflicts(() => withTransaction(ctx, (trx) => insertUsers(trx, list)));
      const { refreshStatistics } = quirks;
      if (refreshStatistics !== undefined && !db.isTransaction) await run(refreshStatistics);
    },

    async findById(accountId, id) {
      if (!storable(id)) return undefined;
      const rows = await selectUsers(sql`u.account_id = ${accountId} and u.id = ${id}`);
      return loadUsers(rows, quirks)[0];
    },

    async findByIdWithGroups(accountId, id) {
      if (!storable(id)) return undefined;
      const rows = await run<Selectable<UsersTable> & { memberships: unknown }>(
        sql`select u.*, ${membershipsColumn(quirks)} from users u where u.account_id = ${accountId} and u.id = ${id}`,
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      const { memberships, ...columns } = row;
      const [user] = loadUsers([columns], quirks);
      if (user === undefined) return undefined;
      return { user, memberships: readMembershipsColumn(quirks, user.id, memberships) };
    },

    async findByIdentity(accountId, { userName, email }) {
      if (userName !== undefined && !storable(userName)) userName = undefined;
      if (email !== undefined && !storable(email)) email = undefined;
      const keys = [
        ...(userName === undefined ? [] : [sql`u.user_name_lower = ${userName.toLowerCase()}`]),
        ...(email === undefined ? [] : [sql`u.email_lower = ${email.toLowerCase()}`]),
      ];
      if (keys.length === 0) return [];
      const rows = await selectUsers(
        sql`u.account_id = ${accountId} and (${sql.join(keys, sql.raw(' or '))}) order by u.seq`,
      );
      return loadUsers(rows, quirks);
    },

    update: (user, expectedVersion, previous) =>
      mapConflicts(() =>
        withTransaction(ctx, async (trx) => {
          const { id, account_id, ...changes } = userRow(user, quirks);
          const before = previous === undefined ? undefined : userRow(previous, quirks);
          // The JSON columns compare as values, not as text: PostgreSQL's jsonb gives keys back
          // in its own order, so a user read from it serialises differently from the same user
          // changed in one column, and every update rewrote both columns and every element row.
          const same: Partial<Record<string, boolean>> = {
            profile: previous !== undefined && isDeepStrictEqual(previous.profile, user.profile),
            multi_valued:
              previous !== undefined && isDeepStrictEqual(previous.multiValued, user.multiValued),
          };
          const columns = Object.entries(changes).filter(([column, value]) =>
            column in same
              ? !same[column]
              : before === undefined || before[column as keyof typeof before] !== value,
          );
          const assignments = sql.join(
            columns.map(([column, value]) => sql`${sql.ref(column)} = ${value}`),
          );
          const result = await execute(
            trx,
            compile(
              sql`update users set ${assignments} where id = ${id} and account_id = ${account_id} and version = ${expectedVersion}`,
              quirks.dialect,
            ),
          );
          if (Number(result.numAffectedRows ?? 0) === 0) return false;
          // The element rows follow the multi-valued attributes; unchanged, they stay.
          if (same.multi_valued) return true;
          await run(sql`delete from user_values where user_id = ${id}`, trx.db);
          await bulkInserter(trx, quirks.dialect)(
            'user_values',
            valueRows(user, quirks),
            VALUE_CHUNK,
          );
          return true;
        }),
      ),

    async assignPermissionSet(accountId, id, permissionSetId, at) {
      const result = await db
        .updateTable('users')
        .set((eb) => ({
          permission_set_id: permissionSetId,
          updated_at: at,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('permission_set_id', '<>', permissionSetId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async query(query: UserQuery): Promise<UserPage> {
      const condition = userConditionToSql(query.condition, query.accountId, quirks);
      const single = pinsUniqueKey(query.condition);
      const counted = countedListing(query.condition);
      const plan = sortPlan(query.sort, quirks);
      // An unfiltered listing: counted by user_counts, paged where the last page ended.
      const counts = counted === undefined ? undefined : await countsOf(query.accountId);
      const total =
        counts === undefined
          ? undefined
          : counted === 'all'
            ? counts.scim + counts.app
            : counts[counted as 'scim' | 'app'];
      const positions =
        counts === undefined || ctx.positions === undefined
          ? undefined
          : { listing: `${query.accountId}|${counted}|${counts.shifts}`, cache: ctx.positions };
      const { page: request } = query;
      const bounded =
        counted !== undefined &&
        plan.expr === undefined &&
        (request.kind === 'cursor' ||
          request.offset <= 0 ||
          positions?.cache.get(positions.listing, Math.floor(request.offset)) !== undefined);
      const page = (pageRun: typeof run, guard: SqlFragment | undefined) =>
        selectPage<Selectable<UsersTable>>(pageRun, quirks, {
          table: 'users',
          alias: 'u',
          matching: guard
            ? sql`${guard} and u.account_id = ${query.accountId} and ${condition}`
            : sql`u.account_id = ${query.accountId} and ${condition}`,
          plan,
          page: query.page,
          knownTotal: query.knownTotal,
          single,
          singleRowColumns: query.withGroups ? membershipsColumn(quirks) : undefined,
          count: total === undefined ? undefined : () => Promise.resolve(total),
          positions,
        });
      // A pinned unique key reads one index entry, an unfiltered page in creation order one
      // page of an index; anything else may scan the account.
      const { costly } = ctx;
      const result =
        single || bounded || costly === undefined
          ? await page(run, undefined)
          : await costly.read(query.accountId, (costlyRun) => page(costlyRun, costly.guard));
      const users = loadUsers(result.rows, quirks);
      return {
        users,
        total: result.total,
        nextKey: result.nextKey,
        ...(query.withGroups
          ? { memberships: await membershipsOfPage(query.accountId, result.rows, users) }
          : {}),
      };
    },

    async count(accountId) {
      const [row] = await run<{ total: unknown }>(
        sql`select count(*) as total from users u where u.account_id = ${accountId}`,
      );
      return quirks.readInt(row?.total);
    },

    async countActive(accountId) {
      const [row] = await run<{ total: unknown }>(
        sql`select count(*) as total from users u where u.account_id = ${accountId} and u.active = ${quirks.bool(true)}`,
      );
      return quirks.readInt(row?.total);
    },

    delete(accountId, id) {
      if (!storable(id)) return Promise.resolve(false);
      // Dependent rows go explicitly and first, not only by ON DELETE CASCADE.
      return withTransaction(ctx, async (trx) => {
        const owned = await run<{ id: string }>(
          sql`select id from users where account_id = ${accountId} and id = ${id}`,
          trx.db,
        );
        if (owned.length === 0) return false;
        await run(sql`delete from user_values where user_id = ${id}`, trx.db);
        await run(sql`delete from team_members where user_id = ${id}`, trx.db);
        await run(sql`delete from seat_assignments where user_id = ${id}`, trx.db);
        await run(sql`delete from users where account_id = ${accountId} and id = ${id}`, trx.db);
        return true;
      });
    },

    async countWithPermissionSet(accountId, permissionSetId) {
      const [row] = await run<{ total: unknown }>(
        sql`select count(*) as total from users u where u.account_id = ${accountId} and u.permission_set_id = ${permissionSetId}`,
      );
      return quirks.readInt(row?.total);
    },
  };
}
