/** `/accounts/{accountId}/seat-pools`: purchased seats per type on the seats pricing model. */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import type { SeatPool } from '../../directory/model.ts';
import { defineRoute, named } from './api-route.ts';
import { seatTypeSchema } from './permission-sets.ts';

export const seatPoolSchema = named(
  'SeatPool',
  z.object({
    seatType: seatTypeSchema,
    purchased: z.number().int(),
    assigned: z.number().int(),
    available: z.number().int(),
  }),
);

const seatUsageSchema = named(
  'SeatUsage',
  z.object({
    seatType: seatTypeSchema,
    purchased: z
      .number()
      .int()
      .nullable()
      .describe('Seats model: purchased; classic model: null (not tracked by Roster)'),
    assigned: z
      .number()
      .int()
      .describe(
        'Seats in use: seats model, assigned from the pool; classic model, users whose permission set carries the seat',
      ),
    available: z.number().int().nullable(),
    source: z.enum(['pool', 'permission-sets']),
  }),
);

const listSchema = named(
  'SeatPoolList',
  z.object({ items: z.array(seatUsageSchema), pricingModel: z.enum(['seats', 'classic']) }),
);

const pathParams = z.strictObject({
  accountId: z.string().min(1).max(128),
  seatType: seatTypeSchema,
});

const setBody = z.strictObject({
  purchased: z.number().int().min(0).max(1_000_000),
});

const view = (pool: SeatPool) => ({
  seatType: pool.seatType,
  purchased: pool.purchased,
  assigned: pool.assigned,
  available: pool.purchased - pool.assigned,
});

export function seatPoolRoutes(directory: Directory) {
  return [
    defineRoute({
      method: 'get',
      path: '/accounts/{accountId}/seat-pools',
      operationId: 'listSeatPools',
      summary: 'Seats in use per seat type (and purchased, on the seats pricing model)',
      tag: 'Seat pools',
      access: 'account',
      params: z.strictObject({ accountId: z.string().min(1).max(128) }),
      success: { status: 200, description: 'One pool per seat type', schema: listSchema },
      async handler({ account }) {
        return {
          body: {
            items: await directory.seatPools.usage(account.id),
            pricingModel: account.pricingModel,
          },
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/accounts/{accountId}/seat-pools/{seatType}',
      operationId: 'setSeatPool',
      summary: 'Set how many seats of a type are purchased (seats pricing model; operator key)',
      // Buying seats is billing, like the account's tier and pricing model: an account admin
      // could otherwise give its account a million seats it never paid for.
      description:
        "Operator key only: purchased seats are billing, like the account's tier and pricing " +
        'model (403 `auth.operator_only` for an account admin key, which can read the pools and ' +
        'assign seats within them). Refused (409 `seat.pool_below_assigned`) below the seats ' +
        'already assigned.',
      tag: 'Seat pools',
      access: 'operator',
      params: pathParams,
      body: setBody,
      success: { status: 200, description: 'The pool', schema: seatPoolSchema },
      errors: [409],
      audit: { action: 'seat_pool.update', targetType: 'seat_pool', request: 'redacted' },
      async handler({ account, params, body }) {
        const pool = await directory.seatPools.setPurchased(
          account.id,
          params.seatType,
          body.purchased,
        );
        return { body: view(pool) };
      },
    }),
  ];
}
