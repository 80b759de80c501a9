/**
 * Two delivery engines on two store connections to one PostgreSQL database, as two instances
 * run: they split the endpoints through their leases (`FOR UPDATE SKIP LOCKED`), every event
 * arrives exactly once in normal operation, and each endpoint gets its events in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectory, type Directory } from '../../src/directory/directory.ts';
import { httpWebhookSender } from '../../src/directory/webhook-sender.ts';
import { createPostgresStore } from '../../src/store/postgres.ts';
import type { Store } from '../../src/store/store.ts';
import { manualClock } from '../helpers/manual-clock.ts';
import { createPostgresDatabase, postgresAvailable } from '../helpers/test-store.ts';
import { emit, newAccountId, type Receiver, startReceiver } from './webhook-kit.ts';

describe('webhook delivery by two instances on one PostgreSQL database', () => {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let stores: Store[] = [];
  let directories: Directory[] = [];
  let receiver: Receiver;
  const clock = manualClock(new Date().toISOString());
  const sent = [0, 0];

  beforeAll(async () => {
    receiver = await startReceiver();
    if (!(await postgresAvailable())) return;
    database = await createPostgresDatabase();
    stores = [0, 1].map(() =>
      createPostgresStore({ connectionString: database?.url ?? '', poolSize: 4 }),
    );
    await stores[0]?.migrate();
    directories = stores.map((store, i) =>
      createDirectory({
        store,
        clock,
        webhooks: {
          owner: `instance-${i}`,
          concurrency: 4,
          sender: (request) => {
            sent[i] = (sent[i] ?? 0) + 1;
            return httpWebhookSender(request);
          },
        },
      }),
    );
  });
  afterAll(async () => {
    for (const directory of directories) await directory.webhookDelivery.stop();
    for (const store of stores) await store.close();
    await database?.drop();
    await receiver.close();
  });

  it('delivers each event once, in order per endpoint, with both engines working', async (ctx) => {
    const [a, b] = directories;
    const store = stores[0];
    if (!a || !b || !store) return ctx.skip();
    const endpoints: { id: string; path: string; accountId: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const accountId = await newAccountId(store);
      const path = `/instance-${i}`;
      const endpoint = await a.webhooks.create(accountId, { url: `${receiver.url}${path}` });
      endpoints.push({ id: endpoint.id, path, accountId });
    }
    for (let round = 0; round < 3; round++) {
      for (const { accountId } of endpoints) await emit(store, clock, accountId, 10);
      await Promise.all([a.webhookDelivery.deliverDue(), b.webhookDelivery.deliverDue()]);
    }
    for (const { path, id, accountId } of endpoints) {
      const got = receiver.received.filter((r) => r.path === path);
      expect(got.map((r) => r.json.data.sequence)).toEqual(
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      expect((await a.webhooks.get(accountId, id)).cursor).toBe(30);
    }
    // Exactly once in all, and both instances did part of it.
    expect(receiver.received).toHaveLength(180);
    expect((sent[0] ?? 0) + (sent[1] ?? 0)).toBe(180);
    expect(sent[0]).toBeGreaterThan(0);
    expect(sent[1]).toBeGreaterThan(0);
  });
});
