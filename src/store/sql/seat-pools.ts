import { sql } from 'kysely';
import type { SeatType } from '../../directory/model.ts';
import type { SeatPoolStore } from '../store.ts';
import { type SqlContext, storable } from './context.ts';

export function seatPoolStore({ db, quirks }: SqlContext): SeatPoolStore {
  return {
    async list(accountId) {
      const rows = await db
        .selectFrom('seat_pools')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('seat_type')
        .execute();
      return rows.map((row) => ({
        accountId: row.account_id,
        seatType: row.seat_type as SeatType,
        purchased: quirks.readInt(row.purchased),
        assigned: quirks.readInt(row.assigned),
      }));
    },
    async setPurchased(accountId, seatType, purchased) {
      await db
        .insertInto('seat_pools')
        .values({ account_id: accountId, seat_type: seatType, purchased: 0, assigned: 0 })
        .onConflict((conflict) => conflict.columns(['account_id', 'seat_type']).doNothing())
        .execute();
      // One conditional statement: a concurrent `take` either counts before it or sees the
      // new total, so the pool can never end up with more seats assigned than purchased.
      const result = await db
        .updateTable('seat_pools')
        .set({ purchased })
        .where('account_id', '=', accountId)
        .where('seat_type', '=', seatType)
        .where('assigned', '<=', purchased)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async take(accountId, seatType) {
      // Atomic on both dialects: SQLite runs one writer at a time, and PostgreSQL re-checks the
      // WHERE clause against the committed row when a concurrent update held it (READ
      // COMMITTED), so two takes of the last seat cannot both succeed.
      const result = await db
        .updateTable('seat_pools')
        .set({ assigned: sql`assigned + 1` })
        .where('account_id', '=', accountId)
        .where('seat_type', '=', seatType)
        .where(sql<boolean>`assigned < purchased`)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async release(accountId, seatType) {
      await db
        .updateTable('seat_pools')
        .set({ assigned: sql`assigned - 1` })
        .where('account_id', '=', accountId)
        .where('seat_type', '=', seatType)
        .where('assigned', '>', 0)
        .execute();
    },
    async seatsOf(accountId, userIds) {
      const ids = userIds.filter(storable);
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('seat_assignments')
        .select(['user_id', 'seat_type'])
        .where('account_id', '=', accountId)
        .where('user_id', 'in', ids)
        .execute();
      return new Map(rows.map((row) => [row.user_id, row.seat_type as SeatType]));
    },
    async setSeat(accountId, userId, seatType, at) {
      await db
        .deleteFrom('seat_assignments')
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .execute();
      if (seatType === null) return;
      await db
        .insertInto('seat_assignments')
        .values({ user_id: userId, account_id: accountId, seat_type: seatType, assigned_at: at })
        .execute();
    },
  };
}
