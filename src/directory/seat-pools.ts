/** Seat pools on the seats pricing model: purchased counts per seat type, and seats in use. */
import type { Store } from '../store/store.ts';
import { assertThat } from './errors.ts';
import { type Account, SEAT_TYPES, type SeatPool, type SeatType } from './model.ts';

export function assertSeatsModel(account: Account): void {
  assertThat(
    account.pricingModel === 'seats',
    'seat.seats_model_only',
    'this account is on the classic pricing model, where seats come from permission sets ' +
      'that carry a paid seat; seat pools and direct seat assignment exist on the seats model',
  );
}

export function createSeatPools({ store }: { store: Store }) {
  async function seatsAccount(accountId: string): Promise<Account> {
    const account = await store.accounts.findById(accountId);
    assertThat(account, 'account.not_found', `no account with id '${accountId}'`);
    return account;
  }

  return {
    /** One pool per seat type, including the ones never purchased (0 of 0). */
    async list(accountId: string): Promise<SeatPool[]> {
      const stored = await store.seatPools.list(accountId);
      return SEAT_TYPES.map(
        (seatType) =>
          stored.find((pool) => pool.seatType === seatType) ?? {
            accountId,
            seatType,
            purchased: 0,
            assigned: 0,
          },
      );
    },

    async setPurchased(
      accountId: string,
      seatType: SeatType,
      purchased: number,
    ): Promise<SeatPool> {
      assertSeatsModel(await seatsAccount(accountId));
      const written = await store.seatPools.setPurchased(accountId, seatType, purchased);
      const pool = (await this.list(accountId)).find((p) => p.seatType === seatType) as SeatPool;
      assertThat(
        written,
        'seat.pool_below_assigned',
        `${pool.assigned} ${seatType} seats are assigned; free some before lowering the ` +
          `purchased count to ${purchased}`,
      );
      return pool;
    },
  };
}

export type SeatPools = ReturnType<typeof createSeatPools>;
