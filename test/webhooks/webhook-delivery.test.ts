/**
 * The delivery engine on both stores, against a real HTTP receiver on loopback, with a manual
 * clock: order and at-least-once, the retry schedule, the disable after 3 days and re-enabling,
 * redelivery, the test event, type filters, a dead endpoint beside a healthy one, and leases
 * (a crashed instance's claim taken over after it expires).
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDirectory } from '../../src/directory/directory.ts';
import {
  DISABLE_AFTER_MS,
  MAX_RETRY_MS,
  retryDelayMs,
} from '../../src/directory/webhook-delivery.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { type ManualClock, manualClock } from '../helpers/manual-clock.ts';
import {
  emit,
  newAccountId,
  openWorld,
  type Receiver,
  startReceiver,
  type WebhookWorld,
} from './webhook-kit.ts';

describe('retryDelayMs', () => {
  it('doubles from 10 s, caps at 4 h, and jitters within ±25 %', () => {
    const middle = () => 0.5;
    const schedule = Array.from({ length: 14 }, (_, i) => retryDelayMs(i + 1, middle) / 1000);
    expect(schedule).toEqual([
      10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 14400, 14400, 14400,
    ]);
    expect(retryDelayMs(1, () => 0)).toBe(7500);
    expect(retryDelayMs(1, () => 0.999_999)).toBeLessThanOrEqual(12_500);
    expect(retryDelayMs(1, () => 0.999_999)).toBeGreaterThan(12_499);
    expect(retryDelayMs(40, () => 0)).toBe(MAX_RETRY_MS * 0.75);
    expect(retryDelayMs(40, () => 0.999_999)).toBeLessThanOrEqual(MAX_RETRY_MS * 1.25);
  });
});

for (const kind of STORE_KINDS) {
  describe(`webhook delivery (${kind})`, () => {
    let world: WebhookWorld | undefined;
    let receiver: Receiver;
    // The clock starts at the real time so the standardwebhooks package's 5-minute timestamp
    // tolerance accepts the first deliveries' signatures.
    const clock: ManualClock = manualClock(new Date().toISOString());
    beforeAll(async () => {
      receiver = await startReceiver();
      world = await openWorld(kind, clock, { random: () => 0.5, timeoutMs: 5000 });
    });
    afterAll(async () => {
      await world?.cleanup();
      await receiver.close();
    });
    const at = (path: string) => receiver.received.filter((r) => r.path === path);
    beforeEach(() => clock.set(new Date().toISOString()));

    it('delivers events after the endpoint was created, in order, signed per Standard Webhooks', async (ctx) => {
      if (!world) return ctx.skip();
      const { store, directory } = world;
      const accountId = await newAccountId(store);
      await emit(store, clock, accountId, 2);
      const endpoint = await directory.webhooks.create(accountId, {
        url: `${receiver.url}/order`,
      });
      expect(endpoint.cursor).toBe(2);
      const events = await emit(store, clock, accountId, 5);
      await directory.webhookDelivery.deliverDue();
      const got = at('/order');
      expect(got.map((r) => r.headers['webhook-id'])).toEqual(events.map((e) => e.id));
      const verifier = new Webhook(endpoint.secret);
      for (const [i, request] of got.entries()) {
        expect(verifier.verify(request.body, request.headers as Record<string, string>)).toEqual(
          request.json,
        );
        expect(request.json).toEqual({
          type: 'user.created',
          timestamp: events[i]?.occurredAt,
          data: {
            id: events[i]?.id,
            type: 'user.created',
            accountId,
            sequence: 3 + i,
            occurredAt: events[i]?.occurredAt,
            actor: { kind: 'system' },
            subject: events[i]?.subject,
            data: events[i]?.data,
          },
        });
      }
      // A wrong secret does not verify.
      const stranger = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
      expect(() =>
        stranger.verify(got[0]?.body ?? '', got[0]?.headers as Record<string, string>),
      ).toThrow();
      const after = await directory.webhooks.get(accountId, endpoint.id);
      expect(after).toMatchObject({ cursor: 7, attempts: 0, leaseOwner: null, failingSince: null });
      const log = await directory.webhooks.deliveries(accountId, endpoint.id, { limit: 10 });
      expect(log.map((d) => d.eventSequence)).toEqual([7, 6, 5, 4, 3]);
      expect(log.every((d) => d.success && d.statusCode === 204 && d.trigger === 'automatic')).toBe(
        true,
      );
      // Nothing more to do: a second pass sends nothing.
      await directory.webhookDelivery.deliverDue();
      expect(at('/order')).toHaveLength(5);
    });

    it('retries the same event on schedule (10 s, 20 s, 40 s …), keeping later events back', async (ctx) => {
      if (!world) return ctx.skip();
      const { store, directory } = world;
      const accountId = await newAccountId(store);
      const endpoint = await directory.webhooks.create(accountId, { url: `${receiver.url}/retry` });
      receiver.answer('/retry', 'fail');
      const events = await emit(store, clock, accountId, 3);
      const delays: number[] = [];
      await directory.webhookDelivery.deliverDue();
      for (let attempt = 1; attempt <= 4; attempt++) {
        const state = await directory.webhooks.get(accountId, endpoint.id);
        expect(state.attempts).toBe(attempt);
        const wait = Date.parse(state.nextAttemptAt ?? '') - Date.parse(clock.now());
        delays.push(wait);
        // Not a millisecond early.
        clock.advance(wait - 1);
        await directory.webhookDelivery.deliverDue();
        expect(at('/retry')).toHaveLength(attempt);
        clock.advance(1);
        await directory.webhookDelivery.deliverDue();
        expect(at('/retry')).toHaveLength(attempt + 1);
      }
      expect(delays).toEqual([10_000, 20_000, 40_000, 80_000]);
      // Every attempt was the first event, with the same webhook-id.
      expect(new Set(at('/retry').map((r) => r.headers['webhook-id']))).toEqual(
        new Set([events[0]?.id]),
      );
      const failing = await directory.webhooks.get(accountId, endpoint.id);
      expect(failing.lastError).toBe('HTTP 500');
      const [last] = await directory.webhooks.deliveries(accountId, endpoint.id, { limit: 1 });
      expect(last).toMatchObject({ success: false, statusCode: 500, attempt: 5 });
      // The receiver's NUL and escape are not kept as such.
      expect(last?.responseExcerpt).toBe('receiver is down\ufffd\ufffd[31m');

      receiver.answer('/retry', 'ok');
      clock.advance(Date.parse(failing.nextAttemptAt ?? '') - Date.parse(clock.now()));
      await directory.webhookDelivery.deliverDue();
      const ids = at('/retry').map((r) => r.headers['webhook-id']);
      expect(ids.slice(-3)).toEqual(events.map((e) => e.id));
      expect(await directory.webhooks.get(accountId, endpoint.id)).toMatchObject({
        cursor: 3,
        attempts: 0,
        failingSince: null,
        nextAttemptAt: null,
      });
    });

    it('disables an endpoint that failed for 3 days, says why, and resumes at its cursor when re-enabled', async (ctx) => {
      if (!world) return ctx.skip();
      const { store, directory } = world;
      const accountId = await newAccountId(store);
      const endpoint = await directory.webhooks.create(accountId, { url: `${receiver.url}/dead` });
      receiver.answer('/dead', 'fail');
      const [first] = await emit(store, clock, accountId, 2);
      const start = Date.parse(clock.now());
      await directory.webhookDelivery.deliverDue();
      let state = await directory.webhooks.get(accountId, endpoint.id);
      const attemptTimes = [Date.parse(clock.now())];
      while (state.enabled) {
        clock.set(state.nextAttemptAt ?? '');
        await directory.webhookDelivery.deliverDue();
        attemptTimes.push(Date.parse(clock.now()));
        state = await directory.webhooks.get(accountId, endpoint.id);
        expect(attemptTimes.length).toBeLessThan(100);
      }
      const span = (attemptTimes.at(-1) ?? 0) - start;
      expect(span).toBeGreaterThanOrEqual(DISABLE_AFTER_MS);
      expect((attemptTimes.at(-2) ?? 0) - start).toBeLessThan(DISABLE_AFTER_MS);
      // 10 s doubling to the 4-hour cap (12 attempts, 5.7 hours), then every 4 hours until 3
      // days have passed since the first: 29 attempts.
      expect(attemptTimes).toHaveLength(29);
      expect(state.disabledReason).toBe('disabled after 3 days of failures; last error: HTTP 500');
      expect(state.disabledAt).toBe(clock.now());
      // Disabled: nothing more is sent, however long.
      const sent = at('/dead').length;
      clock.advance(MAX_RETRY_MS * 2);
      await directory.webhookDelivery.deliverDue();
      expect(at('/dead')).toHaveLength(sent);

      receiver.answer('/dead', 'ok');
      const enabled = await directory.webhooks.update(accountId, endpoint.id, { enabled: true });
      expect(enabled).toMatchObject({ enabled: true, disabledReason: null, attempts: 0 });
      await directory.webhookDelivery.deliverDue();
      const resumed = at('/dead').slice(sent);
      expect(resumed.map((r) => r.json.data.sequence)).toEqual([1, 2]);
      expect(resumed[0]?.headers['webhook-id']).toBe(first?.id);
    });

    it('redelivers one event without moving the cursor, and sends a test event on demand', async (ctx) => {
      if (!world) return ctx.skip();
      const { store, directory } = world;
      const accountId = await newAccountId(store);
      const endpoint = await directory.webhooks.create(accountId, { url: `${receiver.url}/again` });
      const events = await emit(store, clock, accountId, 3);
      await directory.webhookDelivery.deliverDue();
      expect(at('/again')).toHaveLength(3);
      const again = await directory.webhooks.redeliver(accountId, endpoint.id, {
        eventId: events[0]?.id,
      });
      expect(again).toMatchObject({ trigger: 'redelivery', success: true, eventSequence: 1 });
      expect(at('/again').at(-1)?.headers['webhook-id']).toBe(events[0]?.id);
      const [logged] = await directory.webhooks.deliveries(accountId, endpoint.id, { limit: 10 });
      expect(logged?.id).toBe(again.id);
      const byDelivery = await directory.webhooks.redeliver(accountId, endpoint.id, {
        deliveryId: again.id,
      });
      expect(byDelivery.eventId).toBe(events[0]?.id);
      expect((await directory.webhooks.get(accountId, endpoint.id)).cursor).toBe(3);

      const test = await directory.webhooks.test(accountId, endpoint.id);
      expect(test).toMatchObject({ trigger: 'test', eventType: 'webhook.test', success: true });
      const sent = at('/again').at(-1);
      expect(sent?.json).toMatchObject({
        type: 'webhook.test',
        data: { type: 'webhook.test', accountId, data: { endpointId: endpoint.id } },
      });
      expect(sent?.headers['webhook-id']).toBe(test.eventId);
      expect(
        new Webhook(endpoint.secret).verify(
          sent?.body ?? '',
          sent?.headers as Record<string, string>,
        ),
      ).toBeTruthy();
      // Another account's event is not found from this account.
      const other = await newAccountId(store);
      const [foreign] = await emit(store, clock, other, 1);
      await expect(
        directory.webhooks.redeliver(accountId, endpoint.id, { eventId: foreign?.id }),
      ).rejects.toMatchObject({ code: 'webhook.event_not_found' });
      await expect(
        directory.webhooks.redeliver(accountId, endpoint.id, { deliveryId: test.id }),
      ).rejects.toMatchObject({ code: 'webhook.event_not_found' });
    });

    it('sends only the chosen types and moves the cursor past the others', async (ctx) => {
      if (!world) return ctx.skip();
      const { store, directory } = world;
      const accountId = await newAccountId(store);
      const endpoint = await directory.webhooks.create(accountId, {
        url: `${receiver.url}/typed`,
        eventTypes: ['user.deactivated'],
      });
      await emit(store, clock, accountId, 2);
      const [gone] = await emit(store, clock, accountId, 1, 'user.deactivated');
      await emit(store, clock, accountId, 2);
      await directory.webhookDelivery.deliverDue();
      expect(at('/typed').map((r) => r.headers['webhook-id'])).toEqual([gone?.id]);
      expect((await directory.webhooks.get(accountId, endpoint.id)).cursor).toBe(5);
    });

    it('keeps delivering to a healthy endpoint while another one hangs', async (ctx) => {
      if (!world) return ctx.skip();
      const { store, directory } = world;
      const accountId = await newAccountId(store);
      const otherAccount = await newAccountId(store);
      await directory.webhooks.create(accountId, { url: `${receiver.url}/hang` });
      await directory.webhooks.create(accountId, { url: `${receiver.url}/healthy` });
      await directory.webhooks.create(otherAccount, { url: `${receiver.url}/other` });
      receiver.answer('/hang', 'hang');
      await emit(store, clock, accountId, 10);
      await emit(store, clock, otherAccount, 10);
      const engine = directory.webhookDelivery;
      engine.start();
      // The hanging request is never answered until every healthy delivery has arrived: a
      // program that let it hold back the others would never get there.
      await Promise.all([receiver.waitFor('/healthy', 10), receiver.waitFor('/other', 10)]);
      expect(at('/hang')).toHaveLength(1);
      receiver.release();
      receiver.answer('/hang', 'ok');
      await receiver.waitFor('/hang', 10);
      expect(new Set(at('/hang').map((r) => r.json.data.sequence)).size).toBe(10);
    });

    it('keeps a caught-up endpoint claimed for its next events, and releases it with the cursor written on stop', async (ctx) => {
      if (!world) return ctx.skip();
      const { store } = world;
      // The engine the hanging test started would claim this endpoint too.
      await world.directory.webhookDelivery.stop();
      const lingering = createDirectory({
        store,
        clock,
        webhooks: { random: () => 0.5, lingerMs: 600_000, owner: 'lingering' },
      });
      const accountId = await newAccountId(store);
      const endpoint = await lingering.webhooks.create(accountId, {
        url: `${receiver.url}/linger`,
      });
      await lingering.webhookDelivery.start();
      await emit(store, clock, accountId, 3);
      lingering.webhookDelivery.wake();
      await receiver.waitFor('/linger', 3);
      // Caught up and still claimed, its deliveries written.
      await expect
        .poll(async () => (await lingering.webhooks.get(accountId, endpoint.id)).cursor, {
          timeout: 60_000,
        })
        .toBe(3);
      expect((await lingering.webhooks.get(accountId, endpoint.id)).leaseOwner).toBe('lingering');
      await emit(store, clock, accountId, 2);
      lingering.webhookDelivery.wake();
      await receiver.waitFor('/linger', 5);
      await lingering.webhookDelivery.stop();
      expect(await lingering.webhooks.get(accountId, endpoint.id)).toMatchObject({
        cursor: 5,
        leaseOwner: null,
      });
      expect(at('/linger').map((r) => r.json.data.sequence)).toEqual([1, 2, 3, 4, 5]);
    });

    it("takes over a crashed instance's lease once it expires", async (ctx) => {
      if (!world) return ctx.skip();
      const { store, directory } = world;
      await directory.webhookDelivery.stop();
      const accountId = await newAccountId(store);
      const endpoint = await directory.webhooks.create(accountId, { url: `${receiver.url}/lease` });
      await emit(store, clock, accountId, 2);
      // An instance that claims the endpoint and dies: its lease is never renewed or released.
      const crashed = await store.webhooks.claimDue({
        owner: 'crashed-instance',
        now: clock.now(),
        leaseUntil: new Date(Date.parse(clock.now()) + 30_000).toISOString(),
        limit: 1000,
      });
      expect(crashed.map((e) => e.id)).toContain(endpoint.id);
      // A second engine (its own owner name), as another instance would run.
      const second = createDirectory({ store, clock, webhooks: { random: () => 0.5 } });
      await second.webhookDelivery.deliverDue();
      expect(at('/lease')).toHaveLength(0);
      clock.advance(30_001);
      await second.webhookDelivery.deliverDue();
      expect(at('/lease').map((r) => r.json.data.sequence)).toEqual([1, 2]);
      // The crashed owner's late write is refused: it no longer holds the lease.
      expect(
        await store.webhooks.updateLeased(endpoint.id, 'crashed-instance', { cursor: 0 }, null),
      ).toBe(false);
      expect((await directory.webhooks.get(accountId, endpoint.id)).cursor).toBe(2);
    });

    it('looks for work after a commit only where an account has an enabled endpoint, and delivers there at once', async (ctx) => {
      if (!world) return ctx.skip();
      const { store } = world;
      await world.directory.webhookDelivery.stop();
      // The real store, counting the engine's claims (each one a store transaction).
      let claims = 0;
      const counted = {
        ...store,
        webhooks: {
          ...store.webhooks,
          claimDue: (claim: Parameters<typeof store.webhooks.claimDue>[0]) => {
            claims += 1;
            return store.webhooks.claimDue(claim);
          },
        },
      };
      // A tick far away: only wake-ups can deliver within this test.
      const instance = createDirectory({
        store: counted,
        clock,
        webhooks: { random: () => 0.5, tickMs: 3_600_000, owner: 'waking' },
      });
      const quiet = await newAccountId(store);
      const busy = await newAccountId(store);
      // Created on another instance before this one starts: known from the start.
      const before = await createDirectory({ store, clock }).webhooks.create(busy, {
        url: `${receiver.url}/wake-before`,
      });
      await instance.webhookDelivery.start();
      await instance.webhookDelivery.deliverDue();
      const settled = claims;
      // The directory's own store: each commit tells the sequencer, which wakes the engine.
      const sequencer = instance.eventSequencer;
      await emit(instance.store, clock, quiet, 3, 'user.created', sequencer);
      await emit(instance.store, clock, quiet, 2, 'user.created', sequencer);
      expect(claims).toBe(settled);
      await emit(instance.store, clock, busy, 2, 'user.created', sequencer);
      expect(claims).toBe(settled + 1);
      await receiver.waitFor('/wake-before', 2);
      // An endpoint created on this instance is woken for at once, without waiting for a tick.
      const late = await instance.webhooks.create(quiet, { url: `${receiver.url}/wake-late` });
      expect(late.cursor).toBe(5);
      await emit(instance.store, clock, quiet, 1, 'user.created', sequencer);
      await receiver.waitFor('/wake-late', 1);
      await instance.webhookDelivery.stop();
      expect(at('/wake-late').map((r) => r.json.data.sequence)).toEqual([6]);
      expect(at('/wake-before')).toHaveLength(2);
      expect((await instance.webhooks.get(busy, before.id)).cursor).toBe(2);
    });
  });
}
