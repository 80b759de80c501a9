import { type SqlBool, sql } from 'kysely';
import type { User } from '../../directory/model.ts';
import type { UserPage, UserQuery } from '../../directory/user-query.ts';
import type { UserStore } from '../store.ts';
import { bulkInserter } from './bulk-insert.ts';
import { mapConflicts } from './conflicts.ts';
import { type SqlContext, storable, withTransaction } from './context.ts';
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
  const bulkInsert = bulkInserter(db);
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

export function userStore(ctx: SqlContext): UserStore {
  const { db, quirks } = ctx;
  const users = () => db.selectFrom('users as u');

  return {
    insert: (user) => mapConflicts(() => withTransaction(ctx, (trx) => insertUsers(trx, [user]))),

    async insertMany(list) {
      if (list.length === 0) return;
      await mapConflicts(() => withTransaction(ctx, (trx) => insertUsers(trx, list)));
      const { afterBulkLoad } = quirks;
      if (afterBulkLoad !== undefined && !db.isTransaction) await afterBulkLoad.execute(db);
    },

    async findById(accountId, id) {
      if (!storable(id)) return undefined;
      const rows = await users()
        .selectAll('u')
        .where('u.account_id', '=', accountId)
        .where('u.id', '=', id)
        .execute();
      return loadUsers(rows, quirks)[0];
    },

    async findByIdentity(accountId, { userName, email }) {
      if (userName !== undefined && !storable(userName)) userName = undefined;
      if (email !== undefined && !storable(email)) email = undefined;
      const keys = [
        ...(userName === undefined
          ? []
          : [sql<SqlBool>`u.user_name_lower = ${userName.toLowerCase()}`]),
        ...(email === undefined ? [] : [sql<SqlBool>`u.email_lower = ${email.toLowerCase()}`]),
      ];
      if (keys.length === 0) return [];
      const rows = await users()
        .selectAll('u')
        .where('u.account_id', '=', accountId)
        .where(sql<SqlBool>`(${sql.join(keys, sql` or `)})`)
        .orderBy('u.seq')
        .execute();
      return loadUsers(rows, quirks);
    },

    update: (user, expectedVersion) =>
      mapConflicts(() =>
        withTransaction(ctx, async ({ db: trx }) => {
          const { id, account_id, ...changes } = userRow(user, quirks);
          const result = await trx
            .updateTable('users')
            .set(changes)
            .where('id', '=', id)
            .where('account_id', '=', account_id)
            .where('version', '=', expectedVersion)
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) === 0) return false;
          await trx.deleteFrom('user_values').where('user_id', '=', id).execute();
          await bulkInserter(trx)('user_values', valueRows(user, quirks), VALUE_CHUNK);
          return true;
        }),
      ),

    async query(query: UserQuery): Promise<UserPage> {
      const condition = userConditionToSql(query.condition, query.accountId, quirks);
      const matching = users().where('u.account_id', '=', query.accountId).where(condition);
      const countAll = async () => {
        const row = await matching
          .select((eb) => eb.fn.countAll().as('total'))
          .executeTakeFirstOrThrow();
        return quirks.readInt(row.total);
      };
      const { page } = query;
      // Absurd startIndex/count values never reach the database as out-of-range integers.
      const limit = Math.min(Math.floor(page.limit), MAX_PAGE_NUMBER);
      if (!(limit > 0)) return { users: [], total: query.knownTotal ?? (await countAll()) };

      const plan = sortPlan(query.sort, quirks);
      let select = matching.selectAll('u');
      if (plan.expr !== undefined) {
        const expr = plan.expr;
        select = select
          .select(expr.as('sort_value'))
          .orderBy(expr, (o) => (plan.descending ? o.desc() : o.asc()).nullsLast());
      }
      select = select.orderBy('u.seq', 'asc');

      if (page.kind === 'index') {
        const offset = Math.min(Math.max(0, Math.floor(page.offset)), MAX_PAGE_NUMBER);
        const rows = await select.offset(offset).limit(limit).execute();
        // A page that is neither full nor empty past the start proves the total by itself:
        // every identity lookup (userName eq, externalId eq) is answered without a COUNT.
        const proven =
          rows.length < limit && (rows.length > 0 || offset === 0)
            ? offset + rows.length
            : undefined;
        return { users: loadUsers(rows, quirks), total: proven ?? (await countAll()) };
      }
      if (page.after !== undefined) select = select.where(afterCursor(plan, page.after));
      // One extra row tells whether another page follows.
      const rows = await select.limit(limit + 1).execute();
      const pageRows = rows.slice(0, limit);
      const last = pageRows.at(-1);
      const nextKey =
        rows.length > limit && last !== undefined
          ? encodeCursor(
              plan,
              (last as { sort_value?: unknown }).sort_value,
              quirks.readInt(last.seq),
            )
          : undefined;
      const proven = page.after === undefined && nextKey === undefined ? rows.length : undefined;
      const total = query.knownTotal ?? proven ?? (await countAll());
      return { users: loadUsers(pageRows, quirks), total, nextKey };
    },

    async count(accountId) {
      const row = await users()
        .where('u.account_id', '=', accountId)
        .select((eb) => eb.fn.countAll().as('total'))
        .executeTakeFirstOrThrow();
      return quirks.readInt(row.total);
    },
  };
}
