/** Contract for webhook endpoints, their delivery log and the delivery engine's leases. */
import { describe, expect, it } from 'vitest';
import type { WebhookDelivery, WebhookEndpoint } from '../../src/directory/model.ts';
import type { Store } from '../../src/store/store.ts';
import { makeAccount, newId, tick } from './fixtures.ts';

function endpoint(accountId: string, overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  const at = tick();
  return {
    id: newId('whe'),
    accountId,
    url: 'https://app.example.com/hook',
    description: null,
    eventTypes: [],
    secret: 'whsec_c2VjcmV0',
    previousSecret: null,
    previousSecretExpiresAt: null,
    enabled: true,
    disabledAt: null,
    disabledReason: null,
    cursor: 0,
    attempts: 0,
    nextAttemptAt: null,
    failingSince: null,
    lastError: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

function delivery(e: WebhookEndpoint, overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id: newId('whd'),
    endpointId: e.id,
    accountId: e.accountId,
    eventId: newId('evt'),
    eventType: 'user.created',
    eventSequence: 1,
    attempt: 1,
    trigger: 'automatic',
    statusCode: 204,
    error: null,
    latencyMs: 3,
    responseExcerpt: null,
    deliveredAt: tick(),
    success: true,
    ...overrides,
  };
}

async function withEvents(store: Store, accountId: string, count: number): Promise<void> {
  await store.transaction((s) =>
    s.events.append(
      Array.from({ length: count }, () => ({
        id: newId('evt'),
        accountId,
        type: 'user.created',
        occurredAt: tick(),
        actor: { kind: 'system' as const },
        subject: 'user:x',
        data: {},
      })),
    ),
  );
  while ((await store.events.sequencePending(1000)).count > 0);
}

export function webhooksContract(store: () => Store): void {
  describe('webhooks', () => {
    it('keeps endpoints per account and applies only the changes given', async () => {
      const a = makeAccount();
      const b = makeAccount();
      await store().accounts.insert(a);
      await store().accounts.insert(b);
      const e = endpoint(a.id, { eventTypes: ['user.created'], description: 'billing' });
      await store().webhooks.insertEndpoint(e);
      expect(await store().webhooks.findEndpoint(a.id, e.id)).toEqual(e);
      expect(await store().webhooks.findEndpoint(b.id, e.id)).toBeUndefined();
      expect(await store().webhooks.findEndpoint(a.id, 'whe_\u0000')).toBeUndefined();
      const watched = await store().webhooks.accountsWithEnabledEndpoints();
      expect(watched).toContain(a.id);
      expect(watched).not.toContain(b.id);
      const changed = await store().webhooks.updateEndpoint(a.id, e.id, {
        enabled: false,
        disabledReason: 'why',
        description: null,
        eventTypes: [],
      });
      expect(changed).toEqual({
        ...e,
        enabled: false,
        disabledReason: 'why',
        description: null,
        eventTypes: [],
      });
      // Disabled: its account no longer wakes the engine.
      expect(await store().webhooks.accountsWithEnabledEndpoints()).not.toContain(a.id);
      expect(await store().webhooks.updateEndpoint(b.id, e.id, { enabled: true })).toBeUndefined();
      expect(await store().webhooks.listEndpoints(b.id)).toEqual([]);
      expect(await store().webhooks.deleteEndpoint(b.id, e.id)).toBe(false);
      await store().webhooks.insertDelivery(delivery(e));
      expect(await store().webhooks.deleteEndpoint(a.id, e.id)).toBe(true);
      expect(await store().webhooks.listEndpoints(a.id)).toEqual([]);
    });

    it('claims only due endpoints behind their account, once, and writes only under the lease', async () => {
      const a = makeAccount();
      await store().accounts.insert(a);
      await withEvents(store(), a.id, 2);
      const now = '2030-01-01T00:00:00.000Z';
      const later = '2030-01-01T00:00:30.000Z';
      const due = endpoint(a.id);
      const caughtUp = endpoint(a.id, { cursor: 2 });
      const disabled = endpoint(a.id, { enabled: false });
      const waiting = endpoint(a.id, { nextAttemptAt: '2030-01-01T00:00:10.000Z' });
      for (const e of [due, caughtUp, disabled, waiting]) await store().webhooks.insertEndpoint(e);
      const claim = (owner: string, at: string) =>
        store().webhooks.claimDue({ owner, now: at, leaseUntil: later, limit: 100 });
      const mine = (await claim('one', now)).filter((e) => e.accountId === a.id);
      expect(mine.map((e) => e.id)).toEqual([due.id]);
      expect(mine[0]).toMatchObject({ leaseOwner: 'one', leaseExpiresAt: later });
      // Held: nobody else gets it until the lease expires.
      expect((await claim('two', now)).map((e) => e.id)).not.toContain(due.id);
      expect(await store().webhooks.updateLeased(due.id, 'two', { cursor: 2 }, null)).toBe(false);
      expect(await store().webhooks.updateLeased(due.id, 'one', { cursor: 1 }, later)).toBe(true);
      expect((await store().webhooks.findEndpoint(a.id, due.id))?.cursor).toBe(1);
      // The retry becomes due, and the lease expires: both are claimed by another owner.
      const after = (await claim('two', '2030-01-01T00:00:31.000Z')).map((e) => e.id);
      expect(after).toEqual(expect.arrayContaining([due.id, waiting.id]));
      expect(after).not.toContain(caughtUp.id);
      expect(after).not.toContain(disabled.id);
      // Released: no owner left.
      expect(await store().webhooks.updateLeased(due.id, 'two', {}, null)).toBe(true);
      expect(await store().webhooks.findEndpoint(a.id, due.id)).toMatchObject({
        leaseOwner: null,
        leaseExpiresAt: null,
      });
    });

    it('pages the delivery log newest first, finds events by id, counts the backlog, and prunes by age', async () => {
      const a = makeAccount();
      await store().accounts.insert(a);
      await withEvents(store(), a.id, 3);
      const e = endpoint(a.id, { cursor: 1 });
      await store().webhooks.insertEndpoint(e);
      const logged = [
        delivery(e),
        delivery(e, { success: false, statusCode: null, error: 'timeout' }),
        delivery(e),
      ];
      for (const d of logged) await store().webhooks.insertDelivery(d);
      const first = await store().webhooks.listDeliveries(a.id, e.id, { limit: 2 });
      expect(first.map((d) => d.id)).toEqual([logged[2]?.id, logged[1]?.id]);
      expect(first[1]).toEqual(logged[1]);
      const rest = await store().webhooks.listDeliveries(a.id, e.id, {
        limit: 2,
        before: first[1]?.id,
      });
      expect(rest.map((d) => d.id)).toEqual([logged[0]?.id]);
      expect(await store().webhooks.listDeliveries(makeAccount().id, e.id, { limit: 5 })).toEqual(
        [],
      );
      expect(await store().webhooks.findDelivery(a.id, e.id, logged[0]?.id ?? '')).toEqual(
        logged[0],
      );

      const [event] = await store().events.listAfter(a.id, 1, { limit: 1 });
      expect(await store().webhooks.findEvent(a.id, event?.id ?? '')).toEqual(event);
      expect(await store().webhooks.findEvent(makeAccount().id, event?.id ?? '')).toBeUndefined();

      const backlog = await store().webhooks.backlog();
      expect(backlog.events).toBeGreaterThanOrEqual(2);
      expect(backlog.oldestOccurredAt).not.toBeNull();

      const pruned = await store().webhooks.pruneDeliveries(logged[1]?.deliveredAt ?? '');
      expect(pruned).toBeGreaterThanOrEqual(1);
      expect(
        (await store().webhooks.listDeliveries(a.id, e.id, { limit: 5 })).map((d) => d.id),
      ).toEqual([logged[2]?.id, logged[1]?.id]);
    });
  });
}
