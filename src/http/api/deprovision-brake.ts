/**
 * `/accounts/{accountId}/deprovision-brake`: the mass-deprovisioning brake's state, and an
 * admin's release once the deactivations it held are known to be intended (issue 4).
 */
import { z } from 'zod';
import type { DeprovisionBrakeStatus } from '../../directory/deprovision-brake.ts';
import type { Directory } from '../../directory/directory.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams } from './common-schemas.ts';

export const brakeStatusSchema = named(
  'DeprovisionBrake',
  z.object({
    engaged: z.boolean().describe('IdP deactivations are being held (429 with Retry-After)'),
    deactivations: z.number().int().describe('IdP deactivations counted in the current window'),
    limit: z.number().int().describe('How many the window allows before holding'),
    windowStart: z.string(),
    releasedAt: z.string().nullable(),
    windowMinutes: z.number().int(),
    share: z.number(),
    minUsers: z.number().int(),
  }),
);

const tag = 'Deprovision brake';
const base = '/accounts/{accountId}/deprovision-brake';

export function deprovisionBrakeRoutes(directory: Directory) {
  const brake = directory.deprovisionBrake;
  const view = (status: DeprovisionBrakeStatus) => ({
    engaged: status.engaged,
    deactivations: status.deactivations,
    limit: status.limit,
    windowStart: status.windowStart,
    releasedAt: status.releasedAt,
    windowMinutes: brake.policy.windowMinutes,
    share: brake.policy.share,
    minUsers: brake.policy.minUsers,
  });
  return [
    defineRoute({
      method: 'get',
      path: base,
      operationId: 'getDeprovisionBrake',
      summary: 'Whether IdP deactivations are being held, and how many were counted',
      tag,
      access: 'account',
      params: idParams('accountId'),
      success: { status: 200, description: 'The brake now', schema: brakeStatusSchema },
      async handler({ account }) {
        return { body: view(await brake.status(directory.store, account.id)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${base}/release`,
      operationId: 'releaseDeprovisionBrake',
      summary: "Release the brake: the IdP's retried deactivations go through",
      tag,
      access: 'account',
      params: idParams('accountId'),
      success: { status: 200, description: 'The brake after release', schema: brakeStatusSchema },
      audit: { action: 'deprovision_brake.release', targetType: 'account', request: 'redacted' },
      async handler({ account }) {
        const status = await directory.store.transaction(async (session) => {
          await brake.release(session, account.id);
          return brake.status(session, account.id);
        });
        return { body: view(status), targetId: account.id };
      },
    }),
  ];
}
