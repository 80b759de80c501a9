/**
 * PRODUCT.md: no acknowledged write is ever lost. A real `roster serve` (on SQLite, then on
 * PostgreSQL) takes creates and PATCHes from 40 connections at once (so SQLite's group commit
 * batches them), is killed with SIGKILL in the middle of it, and is started again on the same
 * database: every create and PATCH it answered with success must be there, and no PATCH may
 * show a value it was never sent. (A process kill, not a power cut: it checks that nothing is
 * acknowledged before its COMMIT.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server-process.ts';
import { createPostgresDatabase, postgresAvailable } from '../helpers/test-store.ts';

const TOKEN = 'durability-test-demo-token-0123456789';
const SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Tracked {
  id: string;
  userName: string;
  /** Titles whose PATCH got a 200, in order. */
  acknowledged: string[];
  /** A title whose PATCH was sent but not answered when the server died. */
  inFlight: string | undefined;
}

const pgAvailable = await postgresAvailable();

describe.each(['sqlite', 'postgres'] as const)(
  'roster serve killed under write load (%s)',
  (kind) => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-durability-'));
    let database = join(dir, 'roster.db');
    let drop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      if (kind !== 'postgres' || !pgAvailable) return;
      const created = await createPostgresDatabase();
      database = created.url;
      drop = created.drop;
    });
    afterAll(async () => {
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    it.skipIf(kind === 'postgres' && !pgAvailable)(
      'keeps every acknowledged create and PATCH after SIGKILL and a restart',
      async () => {
        const server = await startServer(['--database', database, '--demo-token', TOKEN], {
          ROSTER_RATE_LIMIT_PER_SECOND: '1000000',
        });
        const headers = {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/scim+json',
        };
        const created: Tracked[] = [];
        let killed = false;
        let sent = 0;

        /**
         * One client, until the server dies: create a user, PATCH its title, create the next one.
         * A create's answer needs no read after the write, so it is the first thing an early
         * acknowledgement would show.
         */
        async function client(n: number): Promise<void> {
          try {
            for (let i = 0; !killed; i++) {
              const userName = `durable-${n}-${i}@example.com`;
              sent++;
              const response = await fetch(`${server.origin}/scim/v2/Users`, {
                method: 'POST',
                headers,
                body: JSON.stringify({
                  schemas: [SCHEMA],
                  userName,
                  emails: [{ value: userName }],
                }),
              });
              if (response.status !== 201) {
                throw new Error(`create answered ${response.status}: ${await response.text()}`);
              }
              const body = (await response.json()) as { id: string };
              const user: Tracked = {
                id: body.id,
                userName,
                acknowledged: [],
                inFlight: undefined,
              };
              created.push(user);
              const title = `title ${n}.${i}`;
              user.inFlight = title;
              sent++;
              const patched = await fetch(`${server.origin}/scim/v2/Users/${user.id}`, {
                method: 'PATCH',
                headers,
                body: JSON.stringify({
                  schemas: [PATCH_OP],
                  Operations: [{ op: 'replace', path: 'title', value: title }],
                }),
              });
              if (patched.status !== 200) {
                throw new Error(`PATCH answered ${patched.status}: ${await patched.text()}`);
              }
              const answered = (await patched.json()) as {
                title?: string;
                meta: { version: string };
              };
              if (answered.title !== title) {
                throw new Error(`PATCH answered 200 with title ${answered.title}, not ${title}`);
              }
              user.acknowledged.push(title);
              user.inFlight = undefined;
            }
          } catch (error) {
            // Only the kill may end a client: a refused write would be a failure of its own.
            if (!killed) throw error;
          }
        }

        const clients = Array.from({ length: 40 }, (_, n) => client(n));
        // Kill once plenty of writes are in, with 40 of them in flight.
        while (sent < 400) await new Promise((resolve) => setTimeout(resolve, 10));
        killed = true;
        server.process.kill('SIGKILL');
        await Promise.all(clients);
        await server.stop();

        const acknowledgedPatches = created.reduce((sum, u) => sum + u.acknowledged.length, 0);
        expect(created.length).toBeGreaterThanOrEqual(100);
        expect(acknowledgedPatches).toBeGreaterThanOrEqual(100);

        const restarted = await startServer(['--database', database, '--demo-token', TOKEN]);
        try {
          for (const user of created) {
            const response = await fetch(`${restarted.origin}/scim/v2/Users/${user.id}`, {
              headers,
            });
            expect(response.status, user.userName).toBe(200);
            const stored = (await response.json()) as { userName: string; title?: string };
            expect(stored.userName).toBe(user.userName);
            // The last acknowledged title (none before the first), or the one in flight if it
            // committed before the kill.
            const before = user.acknowledged.at(-1);
            const allowed = user.inFlight === undefined ? [before] : [before, user.inFlight];
            expect(allowed, user.userName).toContain(stored.title);
          }
        } finally {
          await restarted.stop();
        }
      },
    );
  },
);
