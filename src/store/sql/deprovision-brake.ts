import { sql } from 'kysely';
import type { DeprovisionBrakeStore } from '../store.ts';
import type { SqlContext } from './context.ts';

/**
 * The advisory lock class of the brake. The two-key form (class, key) keeps these locks apart
 * from single-key ones such as the migrator's.
 */
const BRAKE_LOCK_CLASS = 0x62726b; // "brk"

export function deprovisionBrakeStore({ db, quirks }: SqlContext): DeprovisionBrakeStore {
  return {
    async lock(accountId) {
      if (quirks.dialect !== 'postgres' || !db.isTransaction) return;
      // Released by COMMIT or ROLLBACK, after which the next holder's count (a new snapshot
      // under READ COMMITTED) sees this transaction's deactivation.
      await sql`select pg_advisory_xact_lock(${sql.lit(BRAKE_LOCK_CLASS)}, hashtext(${accountId}))`.execute(
        db,
      );
    },
    async recordDeactivation({ id, accountId, userId, at }) {
      await db
        .insertInto('deactivations')
        .values({ id, account_id: accountId, user_id: userId, at })
        .execute();
    },
    async countDeactivationsSince(accountId, since, atMost) {
      if (atMost !== undefined) {
        // Counting stops at `atMost` rows: enough to know whether a limit is reached, at a
        // cost that does not grow with every deactivation of the window.
        const capped = db
          .selectFrom('deactivations')
          .select('id')
          .where('account_id', '=', accountId)
          .where('at', '>', since)
          .limit(Math.max(0, Math.floor(atMost)))
          .as('capped');
        const row = await db
          .selectFrom(capped)
          .select((eb) => eb.fn.countAll().as('total'))
          .executeTakeFirst();
        return quirks.readInt(row?.total ?? 0);
      }
      const row = await db
        .selectFrom('deactivations')
        .select((eb) => eb.fn.countAll().as('total'))
        .where('account_id', '=', accountId)
        .where('at', '>', since)
        .executeTakeFirst();
      return quirks.readInt(row?.total ?? 0);
    },
    async releasedAt(accountId) {
      const row = await db
        .selectFrom('deprovision_brakes')
        .select('released_at')
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return row?.released_at;
    },
    async release(accountId, at) {
      await db
        .insertInto('deprovision_brakes')
        .values({ account_id: accountId, released_at: at })
        .onConflict((conflict) => conflict.column('account_id').doUpdateSet({ released_at: at }))
        .execute();
    },
  };
}
