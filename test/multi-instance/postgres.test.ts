/**
 * Two Roster processes on one PostgreSQL database, as behind a load balancer: they migrate at
 * once, agree on uniqueness, lose no concurrent change, accept each other's cursors, and a token
 * revoked through one instance's admin API is refused by the other within the documented bound
 * (TOKEN_CACHE_MS; issue 6).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectory } from '../../src/directory/directory.ts';
import { TOKEN_CACHE_MS } from '../../src/directory/tokens.ts';
import { createPostgresStore } from '../../src/store/postgres.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';
import {
  createPostgresDatabase,
  postgresAvailable,
  postgresMaintenanceUrl,
} from '../helpers/test-store.ts';

const TOKEN = 'multi-instance-token-0123456789abcdef';
/** Both instances share it, as instances behind one load balancer share their configuration. */
const OPERATOR_KEY = 'multi-instance-operator-key-0123456789';
const available = await postgresAvailable();

describe.skipIf(!available)(
  `two instances on one PostgreSQL database${available ? '' : ` (skipped: PostgreSQL not reachable at ${postgresMaintenanceUrl}; start it with pg_ctlcluster)`}`,
  () => {
    let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
    let a: ServerProcess;
    let b: ServerProcess;
    const auth = (token = TOKEN) => ({
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/scim+json',
    });

    beforeAll(async () => {
      database = await createPostgresDatabase();
      // Started together: both migrate the empty database at the same moment.
      const args = ['--database', database.url, '--demo-token', TOKEN];
      const env = { ROSTER_ADMIN_KEY: OPERATOR_KEY };
      [a, b] = await Promise.all([startServer(args, env), startServer(args, env)]);
    }, 60_000);

    afterAll(async () => {
      expect(await Promise.all([a?.stop(), b?.stop()])).toEqual([0, 0]);
      await database?.drop();
    });

    it('both are ready on the migrated database', async () => {
      for (const server of [a, b]) {
        expect((await fetch(`${server.origin}/readyz`)).status).toBe(200);
      }
    });

    it('concurrent creates of one userName across both instances: exactly one 201', async () => {
      const body = JSON.stringify({ userName: 'Race@example.com' });
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`${(i % 2 ? a : b).origin}/scim/v2/Users`, {
            method: 'POST',
            headers: auth(),
            body,
          }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    });

    it('concurrent PATCHes to one user through both instances lose no change', async () => {
      const created = await fetch(`${a.origin}/scim/v2/Users`, {
        method: 'POST',
        headers: auth(),
        body: JSON.stringify({ userName: 'patched@example.com' }),
      });
      const { id } = (await created.json()) as { id: string };
      const statuses = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          fetch(`${(i % 2 ? a : b).origin}/scim/v2/Users/${id}`, {
            method: 'PATCH',
            headers: auth(),
            body: JSON.stringify({
              Operations: [
                {
                  op: 'add',
                  path: 'phoneNumbers',
                  value: [{ value: `+1555000${i}`, type: 'other' }],
                },
              ],
            }),
          }).then((r) => r.status),
        ),
      );
      expect(statuses).toEqual(Array(12).fill(200));
      const user = (await (
        await fetch(`${b.origin}/scim/v2/Users/${id}`, { headers: auth() })
      ).json()) as {
        phoneNumbers: { value: string }[];
        meta: { version: string };
      };
      expect(user.phoneNumbers.map((p) => p.value).sort()).toEqual(
        Array.from({ length: 12 }, (_, i) => `+1555000${i}`).sort(),
      );
      expect(user.meta.version).toBe('W/"13"');
    });

    it('a cursor issued by one instance is followed on the other', async () => {
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          fetch(`${a.origin}/scim/v2/Users`, {
            method: 'POST',
            headers: auth(),
            body: JSON.stringify({ userName: `walk-${i}@example.com` }),
          }),
        ),
      );
      const ids: string[] = [];
      let url = `${a.origin}/scim/v2/Users?cursor&count=2`;
      for (let page = 0; page < 10; page++) {
        const response = await fetch(url, { headers: auth() });
        expect(response.status).toBe(200);
        const body = (await response.json()) as {
          Resources: { id: string }[];
          nextCursor?: string;
        };
        ids.push(...body.Resources.map((r) => r.id));
        if (!body.nextCursor) break;
        // Alternate instances on every page.
        url = `${(page % 2 ? a : b).origin}/scim/v2/Users?count=2&cursor=${body.nextCursor}`;
      }
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(7); // Race, patched, walk-0..4
    });

    it(`a token revoked through one instance's admin API is refused by the other within ${TOKEN_CACHE_MS} ms`, async () => {
      // Issued straight into the database: what is under test is the revocation.
      const store = createPostgresStore({ connectionString: database.url, poolSize: 1 });
      const directory = createDirectory({ store });
      let issued: { token: string; accountId: string; tokenId: string };
      try {
        const [account] = await store.accounts.list();
        const app = account && (await store.scimApps.findByAccount(account.id));
        if (!account || !app) throw new Error('demo account missing');
        const { token, record } = await directory.tokens.issue(account.id, app.id);
        issued = { token, accountId: account.id, tokenId: record.id };
      } finally {
        await directory.close();
      }
      const scimStatus = async (server: ServerProcess) =>
        (await fetch(`${server.origin}/scim/v2/Users`, { headers: auth(issued.token) })).status;
      // Both instances have now looked the token up, and B keeps it cached.
      for (const server of [a, b]) expect(await scimStatus(server)).toBe(200);

      const revoked = await fetch(
        `${a.origin}/api/v1/accounts/${issued.accountId}/tokens/${issued.tokenId}/revoke`,
        { method: 'POST', headers: { Authorization: `Bearer ${OPERATOR_KEY}` } },
      );
      expect(revoked.status, await revoked.clone().text()).toBe(200);
      expect(await revoked.json()).toMatchObject({ id: issued.tokenId, state: 'revoked' });
      // The committed revocation is older than this moment, so B's cached lookup is too.
      const bound = Date.now() + TOKEN_CACHE_MS;
      // A forgets its cached lookups when it changes tokens: refused at once.
      expect(await scimStatus(a)).toBe(401);

      // B may still accept it until the bound; a request sent after the bound must be refused.
      let status: number;
      for (;;) {
        const sentAt = Date.now();
        status = await scimStatus(b);
        if (status === 401 || sentAt > bound) break;
        await sleep(250);
      }
      expect(status).toBe(401);
      expect(await scimStatus(b)).toBe(401);
    });

    it('a re-create of a deleted user sent to both instances at once: one restores it, the other gets 409 uniqueness', async () => {
      const statuses: number[][] = [];
      for (let pair = 0; pair < 20; pair++) {
        const userName = `recreated-${pair}@example.com`;
        const created = await fetch(`${a.origin}/scim/v2/Users`, {
          method: 'POST',
          headers: auth(),
          body: JSON.stringify({ userName, title: 'Kept' }),
        });
        const { id } = (await created.json()) as { id: string };
        const deleted = await fetch(`${b.origin}/scim/v2/Users/${id}`, {
          method: 'DELETE',
          headers: auth(),
        });
        expect(deleted.status).toBe(204);
        const responses = await Promise.all(
          [a, b].map((server) =>
            fetch(`${server.origin}/scim/v2/Users`, {
              method: 'POST',
              headers: auth(),
              body: JSON.stringify({ userName }),
            }),
          ),
        );
        const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
          id?: string;
          title?: string;
          scimType?: string;
        }[];
        statuses.push(responses.map((r) => r.status).sort());
        expect(statuses.at(-1), `pair ${pair}: ${JSON.stringify(bodies)}`).toEqual([201, 409]);
        const restored = bodies.find((_, i) => responses[i]?.status === 201);
        expect(restored).toMatchObject({ id, title: 'Kept' });
        const refused = bodies.find((_, i) => responses[i]?.status === 409);
        expect(refused?.scimType).toBe('uniqueness');
      }
      expect(statuses).toEqual(Array.from({ length: 20 }, () => [201, 409]));
    });
  },
);
