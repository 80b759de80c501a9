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
/**
 * The count of the account's deactivations strictly after `since`, as a scalar subquery. With
 * `atMost`, counting stops there: enough to know whether a limit is reached, at a cost that
 * does not grow with every deactivation of the window.
 */
function countAfter(accountId: string, since: SqlFragment, atMost: number | undefined) {
  return atMost === undefined
    ? sql`(select count(*) from deactivations d where d.account_id = ${accountId} and d.at > ${since})`
    : sql`(select count(*) from (select 1 from deactivations d where d.account_id = ${accountId} and d.at > ${since} limit ${Math.max(0, Math.floor(atMost))}) as capped)`;
}

/**
 * The account's window as a one-row table (`released_at`, `total`): its last release, and its
 * deactivations after the later of that release and `windowStart` (a release starts a fresh
 * window; a missing one compares as NULL, so the window start applies).
 */
function windowOf(accountId: string, windowStart: string, atMost: number | undefined) {
  const since = sql`case when b.released_at > ${windowStart} then b.released_at else ${windowStart} end`;
  return sql`(select b.released_at, ${countAfter(accountId, since, atMost)} as total
    from (select 1 as one) o left join deprovision_brakes b on b.account_id = ${accountId})`;
}

export function deprovisionBrakeStore(ctx: SqlContext): DeprovisionBrakeStore {
  const { db, quirks } = ctx;
  const run = async <R>(fragment: SqlFragment) =>
    (await execute<R>(ctx, compile(fragment, quirks.dialect))).rows;
  return {
    async lock(accountId, mode) {
      if (quirks.dialect !== 'postgres' || !db.isTransaction) return 0;
      // Released by COMMIT or ROLLBACK, after which the next holder's count (a new snapshot
      // under READ COMMITTED) sees this transaction's deactivation. The bound on other
      // transactions comes in the same round trip.
      const lock = sql.raw(
        mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock',
      );
      const [row] = await run<{ others: unknown }>(
        sql`select ${lock}(${sql.raw(String(BRAKE_LOCK_CLASS))}, hashtext(${accountId})), current_setting('max_connections')::int - 1 as others`,
      );
      return quirks.readInt(row?.others ?? 0);
    },
    async recordDeactivation({ id, accountId, userId, at }) {
      await run(
        sql`insert into deactivations (id, account_id, user_id, at) values (${id}, ${accountId}, ${userId}, ${at})`,
      );
    },
    async countDeactivationsSince(accountId, since, atMost) {
      const [row] = await run<{ total: unknown }>(
        sql`select ${countAfter(accountId, sql`${since}`, atMost)} as total`,
      );
      return quirks.readInt(row?.total ?? 0);
    },
    async countWindow(accountId, windowStart, atMost) {
      // One statement where a deactivation took two (the release, then the count): on
      // PostgreSQL each was a round trip inside the deactivating transaction.
      const [row] = await run<{ released_at: string | null; total: unknown }>(
        sql`select w.released_at, w.total from ${windowOf(accountId, windowStart, atMost)} w`,
      );
      return {
        releasedAt: row?.released_at ?? undefined,
        count: quirks.readInt(row?.total ?? 0),
      };
    },
    async recordIfBelow({ id, accountId, userId, at }, windowStart, limit, margin) {
      // The window's count and the record in one statement, a round trip fewer for a
      // deactivation far below the limit. The count stops at the limit.
      const bound = Math.max(0, Math.floor(limit));
      const { numAffectedRows } = await execute(
        ctx,
        compile(
          sql`insert into deactivations (id, account_id, user_id, at)
              select ${id}, ${accountId}, ${userId}, ${at} from ${windowOf(accountId, windowStart, bound)} w
              where w.total + ${sql.raw(String(Math.max(0, Math.floor(margin))))} < ${sql.raw(String(bound))}`,
          quirks.dialect,
        ),
      );
      return Number(numAffectedRows ?? 0) > 0;
    },
    async release(accountId, at) {
      await run(
        sql`insert into deprovision_brakes (account_id, released_at) values (${accountId}, ${at})
            on conflict (account_id) do update set released_at = excluded.released_at`,
      );
    },
  };
}
