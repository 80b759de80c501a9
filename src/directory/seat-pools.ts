/**
 * Seat pools on the seats pricing model: purchased counts per seat type, and seats in use. On
 * the classic model a user's paid seat comes with their permission set, so the seats in use are
 * counted from the sets; purchases are not tracked there.
 */
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

/** What an admin reads of a seat type: in use, and (seats model) purchased and still free. */
export interface SeatUsage {
  readonly seatType: SeatType;
  /** Seats model: purchased; classic model: null (seats come with permission sets). */
  readonly purchased: number | null;
  readonly assigned: number;
  readonly available: number | null;
  /** Where `assigned` comes from: the pool's assignments, or users' permission sets. */
  readonly source: 'pool' | 'permission-sets';
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

    /**
     * Seats in use per seat type, as the account's pricing model gives them: on the seats model
     * the pools; on the classic model the users holding a permission set that carries the seat.
     */
    async usage(accountId: string): Promise<SeatUsage[]> {
      const account = await seatsAccount(accountId);
      if (account.pricingModel === 'seats') {
        return (await this.list(accountId)).map((pool) => ({
          seatType: pool.seatType,
          purchased: pool.purchased,
          assigned: pool.assigned,
          available: pool.purchased - pool.assigned,
          source: 'pool',
        }));
      }
      const sets = (await store.permissionSets.list(accountId)).filter((set) => set.paidSeat);
      const counts = await Promise.all(
        sets.map((set) => store.users.countWithPermissionSet(accountId, set.id)),
      );
      return SEAT_TYPES.map((seatType) => ({
        seatType,
        purchased: null,
        assigned: sets.reduce(
          (sum, set, i) => (set.paidSeat === seatType ? sum + (counts[i] ?? 0) : sum),
          0,
        ),
        available: null,
        source: 'permission-sets',
      }));
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
