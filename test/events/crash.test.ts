/**
 * Issue 11's promise, shown by a crash: IdP traffic (user creates, PATCHes, group creates and
 * member additions, /Bulk) from several concurrent clients runs against `roster serve` as a real
 * process, which is killed with SIGKILL mid-stream and started again. Then every acknowledged
 * change has exactly one event in the feed, and every event reports a change that is in the
 * database (nothing of a rolled-back or lost write). SQLite: one instance. PostgreSQL: two
 * instances on one database, one of them killed while the other keeps serving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';
import { createPostgresDatabase, postgresAvailable } from '../helpers/test-store.ts';

const OPERATOR_KEY = 'crash-test-operator-key-0123456789abcdef';
const DEMO_TOKEN = 'crash-test-demo-token-0123456789abcdef-0123';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/** Changes acknowledged per run before the kill (all clients together). */
const ACKNOWLEDGED_BEFORE_KILL = 120;
const CLIENTS = 6;

interface FeedItem {
  type: string;
  sequence: number;
  subject: string;
  data: Record<string, unknown>;
}

/** One acknowledged change and how to find its event. */
interface Acked {
  readonly what: string;
  readonly matches: (event: FeedItem) => boolean;
}

/** Rate limits out of the way: the test counts changes, not requests per second. */
const ENV = {
  ROSTER_ADMIN_KEY: OPERATOR_KEY,
  ROSTER_DEMO_TOKEN: DEMO_TOKEN,
  ROSTER_RATE_LIMIT_PER_SECOND: '100000',
  ROSTER_ADMIN_RATE_LIMIT_PER_SECOND: '100000',
};

const server$ = (origin: string) => ({
  async scim(method: string, path: string, body?: unknown) {
    const response = await fetch(`${origin}/scim/v2${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${DEMO_TOKEN}`,
        'Content-Type': 'application/scim+json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  },
  async api(path: string) {
    const response = await fetch(`${origin}/api/v1${path}`, {
      headers: { Authorization: `Bearer ${OPERATOR_KEY}` },
    });
    // biome-ignore lint/suspicious/noExplicitAny: the test reads JSON fields by name
    return { status: response.status, body: (await response.json()) as any };
  },
});

let serial = 0;
const unique = (prefix: string) =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${serial++}`;

/**
 * One client's loop: create a user, rename it, create a group holding it, add another user to
 * the group, and a /Bulk create; records what the server acknowledged, until the server dies.
 */
async function client(origin: string, acked: Acked[], stopped: () => boolean) {
  const target = () => server$(origin);
  let previous: string | undefined;
  while (!stopped()) {
    try {
      const local = unique('crash');
      const created = await target().scim('POST', '/Users', {
        schemas: [USER],
        userName: `${local}@crash.example`,
        emails: [{ value: `${local}@crash.example`, primary: true }],
      });
      if (created.status !== 201) throw new Error(`create answered ${created.status}`);
      const userId = created.body.id as string;
      acked.push({
        what: `user.created ${userId}`,
        matches: (e) => e.type === 'user.created' && e.subject === `user:${userId}`,
      });
      const shown = unique('Shown');
      const renamed = await target().scim('PATCH', `/Users/${userId}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'displayName', value: shown }],
      });
      if (renamed.status !== 200) throw new Error(`patch answered ${renamed.status}`);
      acked.push({
        what: `user.updated ${userId} ${shown}`,
        matches: (e) =>
          e.type === 'user.updated' &&
          e.subject === `user:${userId}` &&
          (e.data.changes as Record<string, { after: unknown }>).displayName?.after === shown,
      });
      const group = await target().scim('POST', '/Groups', {
        schemas: [GROUP],
        displayName: unique('Crew'),
        members: [{ value: userId }],
      });
      if (group.status !== 201) throw new Error(`group create answered ${group.status}`);
      const groupId = group.body.id as string;
      acked.push({
        what: `group.created ${groupId}`,
        matches: (e) => e.type === 'group.created' && e.subject === `group:${groupId}`,
      });
      if (previous !== undefined) {
        const other = previous;
        const added = await target().scim('PATCH', `/Groups/${groupId}`, {
          schemas: [PATCH],
          Operations: [{ op: 'add', path: 'members', value: [{ value: other }] }],
        });
        if (added.status !== 200 && added.status !== 204) {
          throw new Error(`member add answered ${added.status}`);
        }
        acked.push({
          what: `group.members_added ${groupId} ${other}`,
          matches: (e) =>
            e.type === 'group.members_added' &&
            e.subject === `group:${groupId}` &&
            (e.data.userIds as string[]).includes(other),
        });
      }
      previous = userId;
      const bulkLocal = unique('bulk');
      const bulk = await target().scim('POST', '/Bulk', {
        schemas: [BULK],
        Operations: [
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'b',
            data: {
              schemas: [USER],
              userName: `${bulkLocal}@crash.example`,
              emails: [{ value: `${bulkLocal}@crash.example`, primary: true }],
            },
          },
        ],
      });
      if (bulk.status !== 200) throw new Error(`bulk answered ${bulk.status}`);
      const [op] = bulk.body.Operations as { status: string; location?: string }[];
      if (op?.status === '201' && op.location) {
        const bulkUser = op.location.split('/').at(-1) as string;
        acked.push({
          what: `user.created ${bulkUser} (bulk)`,
          matches: (e) => e.type === 'user.created' && e.subject === `user:${bulkUser}`,
        });
      }
    } catch {
      // The server died under the request (or answered it with an error): its outcome is
      // unknown, so it is not counted as acknowledged. Clients stop with their server.
      return;
    }
  }
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
};

async function readFeed(origin: string, accountId: string): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  let after = '0';
  for (;;) {
    const page = await server$(origin).api(
      `/accounts/${accountId}/events?after=${after}&limit=1000`,
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    items.push(...page.body.items);
    if (page.body.items.length === 0) return items;
    after = page.body.next;
  }
}

/** What the crash test checks, once the servers are up again. */
async function checkPromise(origin: string, acked: readonly Acked[]) {
  const accounts = await server$(origin).api('/accounts');
  const accountId = accounts.body.items[0].id as string;
  const events = await readFeed(origin, accountId);
  // Gap-free, from 1.
  expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
  // Every acknowledged change: exactly one event.
  const missing: string[] = [];
  const doubled: string[] = [];
  for (const change of acked) {
    const found = events.filter(change.matches).length;
    if (found === 0) missing.push(change.what);
    if (found > 1) doubled.push(change.what);
  }
  expect(missing).toEqual([]);
  expect(doubled).toEqual([]);
  // No event without its committed change: what was created exists.
  const api = server$(origin);
  for (const event of events) {
    if (event.type === 'user.created') {
      const id = event.subject.slice('user:'.length);
      expect((await api.scim('GET', `/Users/${id}`)).status, event.subject).toBe(200);
    }
    if (event.type === 'group.created') {
      const id = event.subject.slice('group:'.length);
      expect((await api.scim('GET', `/Groups/${id}`)).status, event.subject).toBe(200);
    }
    if (event.type === 'user.updated' && event.data.changes) {
      const shown = (event.data.changes as Record<string, { after: unknown }>).displayName?.after;
      if (typeof shown === 'string') {
        const id = event.subject.slice('user:'.length);
        const user = await api.scim('GET', `/Users/${id}`);
        expect(user.status, event.subject).toBe(200);
        // Each rename is the user's only one in this test: the stored name is the event's.
        expect(user.body.displayName, event.subject).toBe(shown);
      }
    }
  }
  return { events: events.length, acknowledged: acked.length };
}

/** Runs clients on `origins` until enough changes are acknowledged, then kills `victim`. */
async function trafficThenKill(
  origins: readonly string[],
  victim: ServerProcess,
  acked: Acked[],
  stopped: () => boolean,
) {
  const clients = Array.from({ length: CLIENTS }, (_, i) =>
    client(origins[i % origins.length] as string, acked, stopped),
  );
  await until(() => acked.length >= ACKNOWLEDGED_BEFORE_KILL);
  // Mid-stream: every client has a request in flight.
  const exited = new Promise((done) => victim.process.once('exit', done));
  victim.process.kill('SIGKILL');
  await exited;
  return clients;
}

describe('events survive a crash', { timeout: 180_000 }, () => {
  it('SQLite: every acknowledged change has exactly one event after SIGKILL and restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-crash-'));
    const env = ENV;
    const database = join(dir, 'roster.db');
    let server = await startServer(['--database', database], env);
    try {
      const acked: Acked[] = [];
      const clients = await trafficThenKill([server.origin], server, acked, () => false);
      // Every client was on the killed server: each ends with its failed request.
      await Promise.all(clients);
      server = await startServer(['--database', database], env);
      const counts = await checkPromise(server.origin, acked);
      expect(counts.acknowledged).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL, two instances: one killed mid-stream, the other serving; all events once', async (ctx) => {
    if (!(await postgresAvailable())) return ctx.skip();
    const database = await createPostgresDatabase();
    const env = ENV;
    const args = ['--database', database.url];
    let first = await startServer(args, env);
    const second = await startServer(args, env);
    try {
      const acked: Acked[] = [];
      let stopped = false;
      const clients = await trafficThenKill(
        [first.origin, second.origin],
        first,
        acked,
        () => stopped,
      );
      // The survivor's clients keep going while the other instance is down and comes back.
      const before = acked.length;
      first = await startServer(args, env);
      await until(() => acked.length >= before + 30);
      stopped = true;
      await Promise.all(clients);
      // Read through the instance that was killed: it sequences what the others committed.
      const counts = await checkPromise(first.origin, acked);
      expect(counts.acknowledged).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);
    } finally {
      await first.stop();
      await second.stop();
      await database.drop();
    }
  });
});
