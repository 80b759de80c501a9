/**
 * The mass-deprovisioning brake with two Roster processes on one PostgreSQL database: IdP
 * deactivations sent to both instances at once are admitted up to the limit exactly, never past
 * it (each instance used to count the same total and let its own through).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';
import {
  createPostgresDatabase,
  postgresAvailable,
  postgresMaintenanceUrl,
} from '../helpers/test-store.ts';

const TOKEN = 'multi-instance-brake-token-0123456789';
const OPERATOR_KEY = 'multi-instance-brake-operator-key-0123456789';
/** The limit is the minimum alone: 1% of a few dozen users is far below it. */
const LIMIT = 10;
const USERS = 30;
const available = await postgresAvailable();

describe.skipIf(!available)(
  `the deprovisioning brake across two instances${available ? '' : ` (skipped: PostgreSQL not reachable at ${postgresMaintenanceUrl})`}`,
  () => {
    let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
    let a: ServerProcess;
    let b: ServerProcess;
    const headers = {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': 'application/scim+json',
    };

    beforeAll(async () => {
      database = await createPostgresDatabase();
      const args = ['--database', database.url, '--demo-token', TOKEN];
      const env = {
        ROSTER_ADMIN_KEY: OPERATOR_KEY,
        ROSTER_DEPROVISION_BRAKE_SHARE: '0.01',
        ROSTER_DEPROVISION_BRAKE_MIN_USERS: String(LIMIT),
        ROSTER_RATE_LIMIT_PER_SECOND: '100000',
      };
      // One after the other: the second finds the demo account the first created.
      a = await startServer(args, env);
      b = await startServer(args, env);
    }, 60_000);

    afterAll(async () => {
      expect(await Promise.all([a?.stop(), b?.stop()])).toEqual([0, 0]);
      await database?.drop();
    });

    async function accountId(): Promise<string> {
      const response = await fetch(`${a.origin}/api/v1/accounts`, {
        headers: { Authorization: `Bearer ${OPERATOR_KEY}` },
      });
      const { items } = (await response.json()) as { items: { id: string }[] };
      return (items[0] as { id: string }).id;
    }

    it(`${USERS} concurrent deactivations through both instances against a limit of ${LIMIT}: exactly ${LIMIT} go through`, async () => {
      const account = await accountId();
      for (let round = 0; round < 3; round++) {
        const released = await fetch(
          `${b.origin}/api/v1/accounts/${account}/deprovision-brake/release`,
          { method: 'POST', headers: { Authorization: `Bearer ${OPERATOR_KEY}` } },
        );
        expect(released.status).toBe(200);
        const ids: string[] = [];
        for (let i = 0; i < USERS; i++) {
          const created = await fetch(`${a.origin}/scim/v2/Users`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ userName: `brake-${round}-${i}@example.com` }),
          });
          expect(created.status).toBe(201);
          ids.push(((await created.json()) as { id: string }).id);
        }
        const statuses = await Promise.all(
          ids.map((id, i) => {
            const server = i % 2 ? a : b;
            const request =
              i % 3 === 0
                ? { method: 'DELETE', headers }
                : {
                    method: 'PATCH',
                    headers,
                    body: JSON.stringify({
                      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
                      Operations: [{ op: 'replace', path: 'active', value: false }],
                    }),
                  };
            return fetch(`${server.origin}/scim/v2/Users/${id}`, request).then((r) => r.status);
          }),
        );
        const admitted = statuses.filter((s) => s === 200 || s === 204).length;
        expect(admitted, `round ${round}: ${statuses.join(' ')}`).toBe(LIMIT);
        expect(statuses.filter((s) => s === 429)).toHaveLength(USERS - LIMIT);
        const brake = await fetch(`${a.origin}/api/v1/accounts/${account}/deprovision-brake`, {
          headers: { Authorization: `Bearer ${OPERATOR_KEY}` },
        });
        expect(await brake.json()).toMatchObject({ deactivations: LIMIT, engaged: true });
      }
    });
  },
);
