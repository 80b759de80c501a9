/**
 * Issue 11's promise with a webhook receiver attached: IdP traffic (user creates, PATCHes, group
 * creates and member additions, /Bulk) from concurrent clients runs against `roster serve`
 * processes, one is killed with SIGKILL mid-stream and started again. Then every acknowledged
 * change has exactly one event in the feed, the receiver got every event of the feed at least
 * once (counted by `webhook-id`, each signature verified), nothing the feed does not hold, and
 * the first arrivals came in sequence order. SQLite: one instance. PostgreSQL: two instances on
 * one database, one killed while the other keeps serving and delivering.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';
import { createPostgresDatabase, postgresAvailable } from '../helpers/test-store.ts';
import { type Receiver, startReceiver } from '../webhooks/webhook-kit.ts';

const OPERATOR_KEY = 'webhook-crash-operator-key-0123456789abcdef';
const DEMO_TOKEN = 'webhook-crash-demo-token-0123456789abcdef-01';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/** Changes acknowledged (all clients together) before the kill. */
const BEFORE_KILL = 120;
const CLIENTS = 6;

const ENV = {
  ROSTER_ADMIN_KEY: OPERATOR_KEY,
  ROSTER_DEMO_TOKEN: DEMO_TOKEN,
  ROSTER_RATE_LIMIT_PER_SECOND: '100000',
  ROSTER_ADMIN_RATE_LIMIT_PER_SECOND: '100000',
  ROSTER_DOMAIN_RECHECK_SECONDS: '0',
  // Leases last three timeouts: a killed instance's endpoint is taken over after 6 s.
  ROSTER_WEBHOOK_TIMEOUT_SECONDS: '2',
};

interface FeedEvent {
  id: string;
  type: string;
  sequence: number;
  subject: string;
  data: Record<string, unknown>;
}

/** An acknowledged change, and how to know its event. */
interface Acked {
  readonly what: string;
  readonly matches: (event: FeedEvent) => boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: the test reads JSON fields by name
type Json = any;

async function call(
  origin: string,
  method: string,
  path: string,
  body?: unknown,
  bearer = DEMO_TOKEN,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

let serial = 0;
const unique = (prefix: string) =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${serial++}`;

/** One IdP client: its changes, recorded once acknowledged, until its server goes away. */
async function idpClient(origins: () => readonly string[], acked: Acked[], pick: number) {
  const origin = () => {
    const list = origins();
    if (list.length === 0) throw new Error('traffic stopped');
    return list[pick % list.length] as string;
  };
  const scim = (method: string, path: string, body?: unknown) =>
    call(origin(), method, `/scim/v2${path}`, body);
  let previous: string | undefined;
  try {
    for (;;) {
      const local = unique('hook');
      const created = await scim('POST', '/Users', {
        schemas: [USER],
        userName: `${local}@crash.example`,
        emails: [{ value: `${local}@crash.example`, primary: true }],
      });
      if (created.status !== 201) return;
      const userId = created.body.id as string;
      acked.push({
        what: `user.created ${userId}`,
        matches: (e) => e.type === 'user.created' && e.subject === `user:${userId}`,
      });
      const shown = unique('Shown');
      const renamed = await scim('PATCH', `/Users/${userId}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'displayName', value: shown }],
      });
      if (renamed.status !== 200) return;
      acked.push({
        what: `user.updated ${userId}`,
        matches: (e) =>
          e.type === 'user.updated' &&
          e.subject === `user:${userId}` &&
          (e.data.changes as Record<string, { after: unknown }>).displayName?.after === shown,
      });
      const group = await scim('POST', '/Groups', {
        schemas: [GROUP],
        displayName: unique('Crew'),
        members: [{ value: userId }],
      });
      if (group.status !== 201) return;
      const groupId = group.body.id as string;
      acked.push({
        what: `group.created ${groupId}`,
        matches: (e) => e.type === 'group.created' && e.subject === `group:${groupId}`,
      });
      if (previous !== undefined) {
        const other = previous;
        const added = await scim('PATCH', `/Groups/${groupId}`, {
          schemas: [PATCH],
          Operations: [{ op: 'add', path: 'members', value: [{ value: other }] }],
        });
        if (added.status !== 200 && added.status !== 204) return;
        acked.push({
          what: `group.members_added ${groupId}`,
          matches: (e) =>
            e.type === 'group.members_added' &&
            e.subject === `group:${groupId}` &&
            (e.data.userIds as string[]).includes(other),
        });
      }
      previous = userId;
      const bulkLocal = unique('bulk');
      const bulk = await scim('POST', '/Bulk', {
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
      if (bulk.status !== 200) return;
      const [op] = bulk.body.Operations as { status: string; location?: string }[];
      if (op?.status === '201' && op.location) {
        const id = op.location.split('/').at(-1) as string;
        acked.push({
          what: `user.created ${id} (bulk)`,
          matches: (e) => e.type === 'user.created' && e.subject === `user:${id}`,
        });
      }
    }
  } catch {
    // The server died under the request: its outcome is unknown, so it is not acknowledged.
  }
}

async function readFeed(origin: string, accountId: string): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  let after = '0';
  for (;;) {
    const page = await call(
      origin,
      'GET',
      `/api/v1/accounts/${accountId}/events?after=${after}&limit=1000`,
      undefined,
      OPERATOR_KEY,
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    events.push(...page.body.items);
    if (page.body.items.length === 0) return events;
    after = page.body.next;
  }
}

/** Creates the demo account's endpoint (all types); its secret. */
async function attach(origin: string, receiver: Receiver) {
  const accounts = await call(origin, 'GET', '/api/v1/accounts', undefined, OPERATOR_KEY);
  const accountId = accounts.body.items[0].id as string;
  const created = await call(
    origin,
    'POST',
    `/api/v1/accounts/${accountId}/webhooks`,
    { url: `${receiver.url}/crash` },
    OPERATOR_KEY,
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { accountId, secret: created.body.secret as string, webhookId: created.body.id as string };
}

/** Traffic until `BEFORE_KILL` changes are acknowledged, then SIGKILL of `victim`. */
async function trafficThenKill(
  origins: () => readonly string[],
  victim: ServerProcess,
  acked: Acked[],
) {
  const clients = Array.from({ length: CLIENTS }, (_, i) => idpClient(origins, acked, i));
  while (acked.length < BEFORE_KILL) await new Promise((resolve) => setTimeout(resolve, 10));
  const exited = new Promise((done) => victim.process.once('exit', done));
  victim.process.kill('SIGKILL');
  await exited;
  return clients;
}

/** Waits until the receiver holds every id, or gives up after `ms` (the checks then say what). */
async function delivered(receiver: Receiver, ids: readonly string[], ms = 45_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    if (ids.every((id) => got.has(id)) || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function checkPromise(
  origin: string,
  attached: { accountId: string; secret: string },
  receiver: Receiver,
  acked: readonly Acked[],
) {
  const events = await readFeed(origin, attached.accountId);
  expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
  // Every acknowledged change has exactly one event.
  const missing = acked.filter((change) => events.filter(change.matches).length === 0);
  const doubled = acked.filter((change) => events.filter(change.matches).length > 1);
  expect(missing.map((c) => c.what)).toEqual([]);
  expect(doubled.map((c) => c.what)).toEqual([]);
  // No event without its committed change: what events say was created exists.
  for (const event of events) {
    if (event.type === 'user.created' || event.type === 'group.created') {
      const [kind, id] = event.subject.split(':');
      const path = kind === 'user' ? `/scim/v2/Users/${id}` : `/scim/v2/Groups/${id}`;
      expect((await call(origin, 'GET', path)).status, event.subject).toBe(200);
    }
    const shown = (event.data.changes as Record<string, { after: unknown }> | undefined)
      ?.displayName?.after;
    if (event.type === 'user.updated' && typeof shown === 'string') {
      const user = await call(origin, 'GET', `/scim/v2/Users/${event.subject.slice(5)}`);
      expect(user.status, event.subject).toBe(200);
      // Each rename is the user's only one in this test: the stored name is the event's.
      expect(user.body.displayName, event.subject).toBe(shown);
    }
  }
  // The receiver got every event at least once, each signed, and nothing else.
  await delivered(
    receiver,
    events.map((e) => e.id),
  );
  const verifier = new Webhook(attached.secret);
  const firsts: number[] = [];
  const seen = new Map<string, number>();
  for (const request of receiver.received) {
    const payload = verifier.verify(
      request.body,
      request.headers as Record<string, string>,
    ) as Json;
    const id = request.headers['webhook-id'] as string;
    expect(payload.data.id).toBe(id);
    if (!seen.has(id)) firsts.push(payload.data.sequence);
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  const feedIds = new Set(events.map((e) => e.id));
  expect([...seen.keys()].filter((id) => !feedIds.has(id))).toEqual([]);
  expect(events.filter((e) => !seen.has(e.id)).map((e) => `${e.sequence} ${e.type}`)).toEqual([]);
  // In order per endpoint: each event first arrived after every event before it.
  expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  return { events: events.length, acknowledged: acked.length, duplicates };
}

describe('webhooks survive a crash', { timeout: 180_000 }, () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('SQLite: every acknowledged change is delivered at least once after SIGKILL and restart', async () => {
    receiver.received.length = 0;
    const dir = mkdtempSync(join(tmpdir(), 'roster-webhook-crash-'));
    const args = ['--database', join(dir, 'roster.db')];
    let server = await startServer(args, ENV);
    try {
      const attached = await attach(server.origin, receiver);
      const acked: Acked[] = [];
      const origin = server.origin;
      await Promise.all(await trafficThenKill(() => [origin], server, acked));
      server = await startServer(args, ENV);
      const counts = await checkPromise(server.origin, attached, receiver, acked);
      expect(counts.acknowledged).toBeGreaterThanOrEqual(BEFORE_KILL);
      process.stdout.write(`webhook crash (sqlite): ${JSON.stringify(counts)}\n`);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL, two instances: one killed mid-stream, the other delivering; every event arrives', async (ctx) => {
    if (!(await postgresAvailable())) return ctx.skip();
    receiver.received.length = 0;
    const database = await createPostgresDatabase();
    const args = ['--database', database.url];
    let first = await startServer(args, ENV);
    const second = await startServer(args, ENV);
    try {
      const attached = await attach(first.origin, receiver);
      const acked: Acked[] = [];
      let origins = [first.origin, second.origin];
      const clients = await trafficThenKill(() => origins, first, acked);
      // The survivor keeps taking traffic (and delivering) while the other is down: clients
      // whose request died with the killed instance start again against it.
      origins = [second.origin];
      const survivors = Array.from({ length: 2 }, (_, i) => idpClient(() => origins, acked, i));
      const until = Date.now() + 20_000;
      while (acked.length < BEFORE_KILL + 40 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      first = await startServer(args, ENV);
      // Traffic stops: every client ends at its next request.
      origins = [];
      await Promise.all([...clients, ...survivors]);
      const counts = await checkPromise(first.origin, attached, receiver, acked);
      expect(counts.acknowledged).toBeGreaterThanOrEqual(BEFORE_KILL + 40);
      process.stdout.write(`webhook crash (postgres): ${JSON.stringify(counts)}\n`);
    } finally {
      await first.stop();
      await second.stop();
      await database.drop();
    }
  });
});
