/**
 * PostgreSQL ends the server's connections (restart, failover, pg_terminate_backend) while it
 * serves requests: the requests in flight may fail, but the process stays up and the next
 * request succeeds on fresh connections.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';
import {
  createPostgresDatabase,
  postgresAvailable,
  postgresMaintenanceUrl,
} from '../helpers/test-store.ts';

const TOKEN = 'connection-loss-token-0123456789abcdef';
const available = await postgresAvailable();

describe.skipIf(!available)(
  `losing PostgreSQL connections under load${available ? '' : ` (skipped: PostgreSQL not reachable at ${postgresMaintenanceUrl})`}`,
  () => {
    let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
    let server: ServerProcess;
    const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' };

    beforeAll(async () => {
      database = await createPostgresDatabase();
      server = await startServer(['--database', database.url, '--demo-token', TOKEN], {
        ROSTER_RATE_LIMIT_PER_SECOND: '100000',
      });
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
      await database?.drop();
    });

    it('keeps serving after its backends are terminated mid-load', async () => {
      const created = await fetch(`${server.origin}/scim/v2/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ userName: 'survivor@example.com' }),
      });
      const { id } = (await created.json()) as { id: string };
      /** 503s that are not a whole SCIM error (RFC 7644 §3.12) with Retry-After, described. */
      const malformed503: string[] = [];
      const get = async () => {
        const response = await fetch(`${server.origin}/scim/v2/Users/${id}`, { headers });
        const text = await response.text();
        if (response.status === 503) {
          const body = JSON.parse(text) as { schemas?: string[]; status?: string; detail?: string };
          const whole =
            /^application\/scim\+json/.test(response.headers.get('content-type') ?? '') &&
            /^\d+$/.test(response.headers.get('retry-after') ?? '') &&
            body.schemas?.[0] === 'urn:ietf:params:scim:api:messages:2.0:Error' &&
            body.status === '503' &&
            typeof body.detail === 'string';
          if (!whole) malformed503.push(`${response.headers.get('content-type')} ${text}`);
        }
        return response.status;
      };

      // Ten clients in a loop keep every pooled connection busy...
      let loading = true;
      const clients = Array.from({ length: 10 }, async () => {
        const statuses: number[] = [];
        while (loading) statuses.push(await get().catch(() => 0));
        return statuses;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // ...while PostgreSQL terminates every connection to the database.
      const admin = new pg.Client({ connectionString: postgresMaintenanceUrl });
      await admin.connect();
      const terminated = await admin.query(
        'select count(*) filter (where pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1',
        [new URL(database.url).pathname.slice(1)],
      );
      await admin.end();
      await new Promise((resolve) => setTimeout(resolve, 300));
      loading = false;
      const statuses = (await Promise.all(clients)).flat();

      expect(terminated.rows[0].n).toBeGreaterThan(0);
      expect(server.process.exitCode).toBeNull();
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      // An interrupted request is told to retry (503 + Retry-After), never a client error.
      expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
      expect(malformed503).toEqual([]);
      expect(await get()).toBe(200);
    });
  },
);
