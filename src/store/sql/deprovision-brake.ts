import type { DeprovisionBrakeStore } from '../store.ts';
import { execute, type SqlContext } from './context.ts';
import { compile, type SqlFragment, sql } from './sql-fragment.ts';

/**
 * The advisory lock class of the brake. The two-key form (class, key) keeps these locks apart
 * from single-key ones such as the migrator's.
 */
const BRAKE_LOCK_CLASS = 0x62726b; // "brk"

/**
 * Every deactivation an IdP makes runs these in its transaction, so they are written as SQL
 * text (sql-fragment.ts), not built through Kysely's query tree on each call.
 */
export function deprovisionBrakeStore(ctx: SqlContext): DeprovisionBrakeStore {
  const { db, quirks } = ctx;
  const run = async <R>(fragment: SqlFragment) =>
    (await execute<R>(ctx, compile(fragment, quirks.dialect))).rows;
  return {
    async lock(accountId) {
      if (quirks.dialect !== 'postgres' || !db.isTransaction) return;
      // Released by COMMIT or ROLLBACK, after which the next holder's count (a new snapshot
      // under READ COMMITTED) sees this transaction's deactivation.
      await run(
        sql`select pg_advisory_xact_lock(${sql.raw(String(BRAKE_LOCK_CLASS))}, hashtext(${accountId}))`,
      );
    },
    async recordDeactivation({ id, accountId, userId, at }) {
      await run(
        sql`insert into deactivations (id, account_id, user_id, at) values (${id}, ${accountId}, ${userId}, ${at})`,
      );
    },
    async countDeactivationsSince(accountId, since, atMost) {
      // With `atMost`, counting stops there: enough to know whether a limit is reached, at a
      // cost that does not grow with every deactivation of the window.
      const [row] = await run<{ total: unknown }>(
        atMost === undefined
          ? sql`select count(*) as total from deactivations where account_id = ${accountId} and at > ${since}`
          : sql`select count(*) as total from (select 1 from deactivations where account_id = ${accountId} and at > ${since} limit ${Math.max(0, Math.floor(atMost))}) as capped`,
      );
      return quirks.readInt(row?.total ?? 0);
    },
    async releasedAt(accountId) {
      const [row] = await run<{ released_at: string }>(
        sql`select released_at from deprovision_brakes where account_id = ${accountId}`,
      );
      return row?.released_at;
    },
    async release(accountId, at) {
      await run(
        sql`insert into deprovision_brakes (account_id, released_at) values (${accountId}, ${at})
            on conflict (account_id) do update set released_at = excluded.released_at`,
      );
    },
  };
}
