/**
 * The brake's window: deactivations older than the window stop counting, so a steady trickle of
 * leavers never engages it, while a burst does.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/directory/clock.ts';
import { createDirectory } from '../../src/directory/directory.ts';
import { SYSTEM_ACTOR } from '../../src/directory/events.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

function manualClock(start: string): Clock & { advanceMinutes(minutes: number): void } {
  let now = Date.parse(start);
  return {
    now: () => new Date(now).toISOString(),
    advanceMinutes: (minutes) => {
      now += minutes * 60_000;
    },
  };
}

const draft = (n: number) => {
  const email = `leaver${n}@example.com`;
  return {
    userName: email,
    externalId: null,
    email,
    displayName: null,
    givenName: null,
    familyName: null,
    active: true,
    profile: {},
    multiValued: { emails: [{ value: email, primary: true }] },
  };
};

describe.each(STORE_KINDS)('deprovision brake window (%s)', (kind) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('counts only the deactivations inside the window', async (context) => {
    opened = await openTestStore(kind);
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const clock = manualClock('2026-03-01T09:00:00.000Z');
    const directory = createDirectory({
      store: opened.store,
      clock,
      deprovisionBrake: { share: 0.1, minUsers: 2, windowMinutes: 60, retryAfterSeconds: 30 },
    });
    const { account } = await directory.accounts.ensureDemoAccount('brake-window-token-0123456');
    const accountId = account?.id as string;
    const ids: string[] = [];
    for (let n = 0; n < 6; n++)
      ids.push(
        (await directory.users.provision(accountId, draft(n), { actor: SYSTEM_ACTOR })).user.id,
      );
    const deactivate = (id: string) =>
      directory.users.update(accountId, id, (current) => ({ ...current, active: false }), {
        actor: SYSTEM_ACTOR,
      });

    // One leaver every 70 minutes: never two inside one hour, never held.
    for (const id of ids.slice(0, 3)) {
      await deactivate(id);
      clock.advanceMinutes(70);
    }
    // A burst: the second inside the window reaches the minimum, the third is held.
    await deactivate(ids[3] as string);
    clock.advanceMinutes(1);
    await deactivate(ids[4] as string);
    const eventsOf = async (id: string) => {
      await directory.eventSequencer.settle();
      const events = await opened!.store.events.listAfter(accountId, 0, { limit: 1000 });
      return events.filter((e) => e.subject === `user:${id}`).map((e) => e.type);
    };
    expect(await eventsOf(ids[4] as string)).toContain('user.deactivated');
    await expect(deactivate(ids[5] as string)).rejects.toMatchObject({
      code: 'user.deactivation_held',
      retryAfterSeconds: 30,
    });
    expect((await directory.users.get(accountId, ids[5] as string)).active).toBe(true);
    // Held, the change and its events rolled back together: no event tells of it.
    expect(await eventsOf(ids[5] as string)).toEqual(['user.created']);

    // An hour later the burst has left the window.
    clock.advanceMinutes(61);
    await deactivate(ids[5] as string);
    expect((await directory.users.get(accountId, ids[5] as string)).active).toBe(false);
  });

  it.for([
    // The minimum is the limit.
    { users: 200, share: 0.01, minUsers: 150 },
    // A share of a larger account is: shared holds reach past the minimum, up to what the
    // engaging count of its active users allows.
    { users: 400, share: 0.4, minUsers: 10 },
  ])(
    'holds the limit exactly while deactivations share the brake, with every transaction in flight at the boundary (%o)',
    async ({ users, share, minUsers }, context) => {
      opened = await openTestStore(kind);
      if (!opened) return context.skip('PostgreSQL is not reachable here');
      const { store } = opened;
      // The real store, with a pause after each window count (alone or with its record): every
      // connection of the pool is then between its count and its commit at once, where a shared holder that counted only
      // itself would let the others through too.
      const paused: typeof store = {
        ...store,
        transaction: (work) =>
          store.transaction((session) =>
            work({
              ...session,
              deprovisionBrake: {
                ...session.deprovisionBrake,
                async countWindow(...args) {
                  const window = await session.deprovisionBrake.countWindow(...args);
                  await new Promise((resolve) => setTimeout(resolve, 5));
                  return window;
                },
                async recordIfBelow(...args) {
                  const recorded = await session.deprovisionBrake.recordIfBelow(...args);
                  await new Promise((resolve) => setTimeout(resolve, 5));
                  return recorded;
                },
              },
            }),
          ),
      };
      const clock = manualClock('2026-03-01T09:00:00.000Z');
      const policy = { share, minUsers, windowMinutes: 60, retryAfterSeconds: 30 };
      const directory = createDirectory({ store: paused, clock, deprovisionBrake: policy });
      const { account } = await directory.accounts.ensureDemoAccount('brake-shared-token-0123456');
      const accountId = account?.id as string;
      const ids: string[] = [];
      for (let n = 0; n < users; n++)
        ids.push(
          (await directory.users.provision(accountId, draft(n), { actor: SYSTEM_ACTOR })).user.id,
        );
      const results = await Promise.allSettled(
        ids.map((id) =>
          directory.users.update(accountId, id, (current) => ({ ...current, active: false }), {
            actor: SYSTEM_ACTOR,
          }),
        ),
      );
      const held = results.filter(
        (r) =>
          r.status === 'rejected' &&
          (r.reason as { code?: string }).code === 'user.deactivation_held',
      );
      const admitted = results.filter((r) => r.status === 'fulfilled').length;
      expect(held).toHaveLength(users - admitted);
      // The exact brake stops where the count meets the limit it sets, not one past it.
      const status = await directory.deprovisionBrake.status(store, accountId);
      expect(status).toMatchObject({ deactivations: admitted, limit: admitted, engaged: true });
      if (minUsers === 150) expect(admitted).toBe(150);
      else expect(admitted).toBeGreaterThan(200);
    },
  );
});
