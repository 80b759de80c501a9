/**
 * Group membership across two Roster processes on one PostgreSQL database (issue 6: "concurrent
 * group membership changes lose nothing"): interleaved adds, removes, renames, deletions of
 * members and Bulk requests through both instances, then the exact final membership.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';
import {
  createPostgresDatabase,
  postgresAvailable,
  postgresMaintenanceUrl,
} from '../helpers/test-store.ts';

const TOKEN = 'multi-instance-groups-token-0123456789';
const available = await postgresAvailable();
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describe.skipIf(!available)(
  `group membership on two instances${available ? '' : ` (skipped: PostgreSQL not reachable at ${postgresMaintenanceUrl})`}`,
  () => {
    let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
    let a: ServerProcess;
    let b: ServerProcess;
    const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' };
    const call = async (server: ServerProcess, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server.origin}/scim/v2${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
    };
    const patch = (server: ServerProcess, id: string, ...Operations: unknown[]) =>
      call(server, 'PATCH', `/Groups/${id}`, { Operations });

    beforeAll(async () => {
      database = await createPostgresDatabase();
      const args = ['--database', database.url, '--demo-token', TOKEN];
      [a, b] = await Promise.all([startServer(args), startServer(args)]);
    }, 60_000);

    afterAll(async () => {
      expect(await Promise.all([a?.stop(), b?.stop()])).toEqual([0, 0]);
      await database?.drop();
    });

    it('interleaved membership changes through both instances lose nothing', async () => {
      const users: string[] = [];
      for (let i = 0; i < 50; i++) {
        const created = await call(i % 2 ? a : b, 'POST', '/Users', {
          userName: `member-${i}@example.com`,
        });
        expect(created.status, created.text).toBe(201);
        users.push(created.body.id);
      }
      const initial = users.slice(0, 20);
      const group = await call(a, 'POST', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: 'Across instances',
        members: initial.map((value) => ({ value })),
      });
      expect(group.status, group.text).toBe(201);
      const id = group.body.id as string;

      const added = users.slice(20, 45);
      const removed = users.slice(0, 10);
      const deleted = users.slice(45);
      const requests = [
        ...added.map((value, i) =>
          patch(i % 2 ? a : b, id, { op: 'add', path: 'members', value: [{ value }] }),
        ),
        ...removed.map((value, i) =>
          i % 2
            ? patch(a, id, { op: 'remove', path: `members[value eq "${value}"]` })
            : patch(b, id, { op: 'Remove', path: 'members', value: [{ value }] }),
        ),
        // The IdP deletes users it is also adding: whichever runs first, they end up out.
        ...deleted.map((value, i) =>
          patch(i % 2 ? b : a, id, { op: 'add', path: 'members', value: [{ value }] }),
        ),
        ...deleted.map((userId, i) => call(i % 2 ? a : b, 'DELETE', `/Users/${userId}`)),
        ...Array.from({ length: 6 }, (_, i) =>
          patch(i % 2 ? a : b, id, {
            op: 'replace',
            value: { id, displayName: 'Across instances' },
          }),
        ),
      ];
      const responses = await Promise.all(requests);
      for (const response of responses) expect(response.status, response.text).toBe(204);

      for (const server of [a, b]) {
        const read = await call(server, 'GET', `/Groups/${id}`);
        const members = (read.body.members as { value: string }[]).map((m) => m.value).sort();
        expect(members).toEqual([...users.slice(10, 45)].sort());
      }
    });

    it('Bulk requests on both instances adding new users to one group lose nothing', async () => {
      const group = await call(b, 'POST', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: 'Bulk across instances',
      });
      const id = group.body.id as string;
      const bulk = (server: ServerProcess, prefix: string) =>
        call(server, 'POST', '/Bulk', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: Array.from({ length: 10 }, (_, i) => [
            {
              method: 'POST',
              path: '/Users',
              bulkId: `u${i}`,
              data: { userName: `${prefix}-${i}@example.com` },
            },
            {
              method: 'PATCH',
              path: `/Groups/${id}`,
              data: {
                Operations: [{ op: 'add', path: 'members', value: [{ value: `bulkId:u${i}` }] }],
              },
            },
          ]).flat(),
        });
      const results = await Promise.all([bulk(a, 'bulk-a'), bulk(b, 'bulk-b'), bulk(a, 'bulk-c')]);
      const created: string[] = [];
      for (const result of results) {
        expect(result.status, result.text).toBe(200);
        for (const op of result.body.Operations as {
          method: string;
          status: string;
          location?: string;
        }[]) {
          expect(op.status).toBe(op.method === 'POST' ? '201' : '204');
          if (op.method === 'POST') created.push(String(op.location).split('/').pop() as string);
        }
      }
      const read = await call(a, 'GET', `/Groups/${id}?attributes=members.value`);
      expect((read.body.members as { value: string }[]).map((m) => m.value).sort()).toEqual(
        created.sort(),
      );
      expect(created).toHaveLength(30);
    });
  },
);
