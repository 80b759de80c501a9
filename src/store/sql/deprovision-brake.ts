import type { DeprovisionBrakeStore } from '../store.ts';
import type { SqlContext } from './context.ts';

export function deprovisionBrakeStore({ db, quirks }: SqlContext): DeprovisionBrakeStore {
  return {
    async recordDeactivation({ id, accountId, userId, at }) {
      await db
        .insertInto('deactivations')
        .values({ id, account_id: accountId, user_id: userId, at })
        .execute();
    },
    async countDeactivationsSince(accountId, since) {
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
