/**
 * The brake's defaults (issue 13): a small account's first clean-up in its IdP, or a test suite
 * run against it, goes through (the old default held it after 20); a large account is still held
 * at 10% of its users. The state shows on the SCIM app's page of the admin API.
 */
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/create-test-app.ts';
import { newUser } from '../helpers/create-test-app.ts';
import { patchOp, SCIM, unique, useTestApp } from './scim-test-kit.ts';

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

const deactivate = (app: TestApp, id: string) =>
  app.request('PATCH', `${SCIM}/Users/${id}`, {
    body: patchOp({ op: 'replace', path: 'active', value: false }),
  });

/** `count` users through /Bulk, 1,000 a request (the default maxOperations); their ids. */
async function bulkUsers(app: TestApp, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const size = Math.min(1000, count - start);
    const response = await app.request('POST', `${SCIM}/Bulk`, {
      body: {
        schemas: [BULK],
        Operations: Array.from({ length: size }, (_, i) => ({
          method: 'POST',
          path: '/Users',
          bulkId: `u${start + i}`,
          data: newUser(unique(`big${start + i}`)),
        })),
      },
    });
    expect(response.status, response.text.slice(0, 300)).toBe(200);
    for (const op of response.body.Operations as { status: string; location: string }[]) {
      expect(op.status).toBe('201');
      ids.push(op.location.split('/').at(-1) as string);
    }
  }
  return ids;
}

const brakeState = async (app: TestApp) =>
  (
    await app.request('GET', `/api/v1/accounts/${app.accountId}/scim-app`, {
      token: 'test-operator-key-0123456789abcdef',
    })
  ).body.deprovisionBrake;

describe('the deprovisioning brake with its default policy', () => {
  describe('a small account', () => {
    const getApp = useTestApp('sqlite');

    it('deactivates all of its 40 users in one clean-up, none held', async () => {
      const app = getApp();
      const ids = await bulkUsers(app, 40);
      const statuses = [];
      for (const id of ids) statuses.push((await deactivate(app, id)).status);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(await brakeState(app)).toMatchObject({
        engaged: false,
        deactivations: 40,
        minUsers: 500,
        share: 0.1,
      });
    });
  });

  describe('a large account', () => {
    const getApp = useTestApp('sqlite');

    it('of 6,000 users is held at 10% of them (about 600 deactivations), then 429', async () => {
      const app = getApp();
      const ids = await bulkUsers(app, 6000);
      let passed = 0;
      let held: Awaited<ReturnType<typeof deactivate>> | undefined;
      for (const id of ids) {
        const response = await deactivate(app, id);
        if (response.status !== 200) {
          held = response;
          break;
        }
        passed++;
      }
      expect(held?.status).toBe(429);
      expect(held?.body.detail).toMatch(/mass-deprovisioning brake/);
      // 10% of 6,000; the active count the brake reads is up to a minute old, which can move
      // the limit by a tenth of the deactivations since (deprovision-brake.ts).
      expect(passed).toBeGreaterThanOrEqual(600);
      expect(passed).toBeLessThanOrEqual(620);
      expect(await brakeState(app)).toMatchObject({ engaged: true, deactivations: passed });
    }, 120_000);
  });
});
