import type { Selectable } from 'kysely';
import type { User } from '../../directory/model.ts';
import type { UserCondition, UserPage, UserQuery } from '../../directory/user-query.ts';
import type { UserStore } from '../store.ts';
import { bulkInserter } from './bulk-insert.ts';
import { mapConflicts } from './conflicts.ts';
import { type SqlContext, storable, withTransaction } from './context.ts';
import type { UsersTable } from './database.ts';
import { compile, type SqlFragment, sql } from './sql-fragment.ts';
import { userConditionToSql } from './user-condition-to-sql.ts';
import { afterCursor, encodeCursor, sortPlan } from './user-paging.ts';
import { loadUsers, userRow, valueRows } from './user-rows.ts';

/**
 * Rows per multi-row INSERT. 1000 users × 20 columns and 3000 elements × 10 columns stay under
 * SQLite's 32766 and PostgreSQL's 65535 parameter limits.
 */
const USER_CHUNK = 1000;
const VALUE_CHUNK = 3000;
/** Offsets and limits stay 32-bit: no page beyond that can hold a user. */
const MAX_PAGE_NUMBER = 2_147_483_647;

async function insertUsers(ctx: SqlContext, users: readonly User[]): Promise<void> {
  const { db, quirks } = ctx;
  const bulkInsert = bulkInserter(db, quirks.dialect);
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
    (await on.executeQuery<R>(compile(fragment, quirks.dialect))).rows;
  const selectUsers = (where: SqlFragment) =>
    run<Selectable<UsersTable>>(sql`select u.* from users u where ${where}`);

  return {
    insert: (user) => mapConflicts(() => withTransaction(ctx, (trx) => insertUsers(trx, [user]))),

    async insertMany(list) {
      if (list.length === 0) return;
      await mapConflicts(() => withTransaction(ctx, (trx) => insertUsers(trx, list)));
      const { afterBulkLoad } = quirks;
      if (afterBulkLoad !== undefined && !db.isTransaction) await run(afterBulkLoad);
    },

    async findById(accountId, id) {
      if (!storable(id)) return undefined;
      const rows = await selectUsers(sql`u.account_id = ${accountId} and u.id = ${id}`);
      return loadUsers(rows, quirks)[0];
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

    update: (user, expectedVersion) =>
      mapConflicts(() =>
        withTransaction(ctx, async (trx) => {
          const { id, account_id, ...changes } = userRow(user, quirks);
          const assignments = sql.join(
            Object.entries(changes).map(([column, value]) => sql`${sql.ref(column)} = ${value}`),
          );
          const result = await trx.db.executeQuery(
            compile(
              sql`update users set ${assignments} where id = ${id} and account_id = ${account_id} and version = ${expectedVersion}`,
              quirks.dialect,
            ),
          );
          if (Number(result.numAffectedRows ?? 0) === 0) return false;
          await run(sql`delete from user_values where user_id = ${id}`, trx.db);
          await bulkInserter(trx.db, quirks.dialect)(
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
      const matching = sql`u.account_id = ${query.accountId} and ${condition}`;
      const countAll = async () => {
        const [row] = await run<{ total: unknown }>(
          sql`select count(*) as total from users u where ${matching}`,
        );
        return quirks.readInt(row?.total);
      };
      const { page } = query;
      // Absurd startIndex/count values never reach the database as out-of-range integers.
      const limit = Math.min(Math.floor(page.limit), MAX_PAGE_NUMBER);
      if (!(limit > 0)) return { users: [], total: query.knownTotal ?? (await countAll()) };

      const plan = sortPlan(query.sort, quirks);
      const sortValue = plan.expr ? sql`, ${plan.expr} as sort_value` : sql.raw('');
      const order = plan.expr
        ? sql`${plan.expr} ${sql.raw(plan.descending ? 'desc' : 'asc')} nulls last, u.seq asc`
        : sql.raw('u.seq asc');
      const select = (where: SqlFragment, tail: SqlFragment) =>
        run<Selectable<UsersTable> & { sort_value?: unknown }>(
          sql`select u.*${sortValue} from users u where ${where} order by ${order} ${tail}`,
        );

      if (page.kind === 'index') {
        const offset = Math.min(Math.max(0, Math.floor(page.offset)), MAX_PAGE_NUMBER);
        const rows =
          offset === 0 && pinsUniqueKey(query.condition)
            ? // At most one row: no order to keep, and SQLite's sorter costs more than the
              // lookup itself (measured 54 µs against 16 µs).
              await run<Selectable<UsersTable>>(sql`select u.* from users u where ${matching}`)
            : await select(matching, sql`limit ${limit} offset ${offset}`);
        // A page that is neither full nor empty past the start proves the total by itself:
        // every identity lookup (userName eq, externalId eq) is answered without a COUNT.
        const proven =
          rows.length < limit && (rows.length > 0 || offset === 0)
            ? offset + rows.length
            : undefined;
        return { users: loadUsers(rows, quirks), total: proven ?? (await countAll()) };
      }
      const where =
        page.after === undefined ? matching : sql`${matching} and ${afterCursor(plan, page.after)}`;
      // One extra row tells whether another page follows.
      const rows = await select(where, sql`limit ${limit + 1}`);
      const pageRows = rows.slice(0, limit);
      const last = pageRows.at(-1);
      const nextKey =
        rows.length > limit && last !== undefined
          ? encodeCursor(plan, last.sort_value, quirks.readInt(last.seq))
          : undefined;
      const proven = page.after === undefined && nextKey === undefined ? rows.length : undefined;
      const total = query.knownTotal ?? proven ?? (await countAll());
      return { users: loadUsers(pageRows, quirks), total, nextKey };
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
