/** Contract for what the mass-deprovisioning brake counts, and active-user counts. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { makeAccount, makeUser, newId } from './fixtures.ts';

export function deprovisionBrakeContract(store: () => Store): void {
  describe('deprovision brake', () => {
    it('counts deactivations strictly after a time, per account', async () => {
      const account = makeAccount();
      const other = makeAccount();
      await store().accounts.insert(account);
      await store().accounts.insert(other);
      const record = (accountId: string, at: string) =>
        store().deprovisionBrake.recordDeactivation({ id: newId('d'), accountId, userId: 'u', at });
      await record(account.id, '2026-01-01T10:00:00.000Z');
      await record(account.id, '2026-01-01T10:30:00.000Z');
      await record(account.id, '2026-01-01T11:00:00.000Z');
      await record(other.id, '2026-01-01T10:45:00.000Z');
      const since = (at: string) =>
        store().deprovisionBrake.countDeactivationsSince(account.id, at);
      expect(await since('2025-12-31T00:00:00.000Z')).toBe(3);
      expect(await since('2026-01-01T10:00:00.000Z')).toBe(2);
      expect(await since('2026-01-01T11:00:00.000Z')).toBe(0);
    });

    it('keeps the latest release per account, and counts the window from the later of it and the window start', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const record = (at: string) =>
        store().deprovisionBrake.recordDeactivation({
          id: newId('d'),
          accountId: account.id,
          userId: 'u',
          at,
        });
      for (const at of ['10:00', '10:30', '11:00', '12:30'])
        await record(`2026-01-01T${at}:00.000Z`);
      const window = (start: string, atMost?: number) =>
        store().deprovisionBrake.countWindow(account.id, `2026-01-01T${start}:00.000Z`, atMost);
      // Never released: the window start applies.
      expect(await window('09:00')).toEqual({ releasedAt: undefined, count: 4 });
      expect(await window('10:00')).toEqual({ releasedAt: undefined, count: 3 });
      expect(await window('09:00', 2)).toEqual({ releasedAt: undefined, count: 2 });
      await store().deprovisionBrake.release(account.id, '2026-01-01T10:00:00.000Z');
      await store().deprovisionBrake.release(account.id, '2026-01-01T11:00:00.000Z');
      const released = '2026-01-01T11:00:00.000Z';
      // A release after the window start starts the window; one before it does not.
      expect(await window('09:00')).toEqual({ releasedAt: released, count: 1 });
      expect(await window('12:00')).toEqual({ releasedAt: released, count: 1 });
      expect(await window('12:30')).toEqual({ releasedAt: released, count: 0 });
      expect(await window('08:00', 0)).toEqual({ releasedAt: released, count: 0 });
      // Another account's release is not this one's.
      const other = makeAccount();
      await store().accounts.insert(other);
      expect(
        await store().deprovisionBrake.countWindow(other.id, '2026-01-01T09:00:00.000Z'),
      ).toEqual({ releasedAt: undefined, count: 0 });
    });

    it('records a deactivation only while the window count plus a margin stays under a limit', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const brake = store().deprovisionBrake;
      const deactivation = (at: string) => ({
        id: newId('d'),
        accountId: account.id,
        userId: 'u',
        at: `2026-01-01T${at}:00.000Z`,
      });
      const window = (start: string) =>
        brake.countWindow(account.id, `2026-01-01T${start}:00.000Z`);
      const start = '2026-01-01T09:00:00.000Z';
      // 0 + 1 < 3, 1 + 1 < 3, then 2 + 1 is not: two recorded, the third refused.
      expect(await brake.recordIfBelow(deactivation('10:00'), start, 3, 1)).toBe(true);
      expect(await brake.recordIfBelow(deactivation('10:10'), start, 3, 1)).toBe(true);
      expect(await brake.recordIfBelow(deactivation('10:20'), start, 3, 1)).toBe(false);
      expect((await window('09:00')).count).toBe(2);
      // A later window start, or a release, leaves fewer in the window: room again.
      expect(
        await brake.recordIfBelow(deactivation('10:30'), '2026-01-01T10:05:00.000Z', 3, 1),
      ).toBe(true);
      await brake.release(account.id, '2026-01-01T10:40:00.000Z');
      expect(await brake.recordIfBelow(deactivation('10:50'), start, 2, 1)).toBe(true);
      expect(await brake.recordIfBelow(deactivation('11:00'), start, 2, 1)).toBe(false);
      expect((await window('09:00')).count).toBe(1);
      // No margin, a limit of 0: nothing is ever recorded.
      expect(await brake.recordIfBelow(deactivation('11:10'), start, 0, 0)).toBe(false);
      expect((await window('08:00')).count).toBe(1);
    });

    it('counts active users only', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      await store().users.insert(makeUser(account.id, { active: true }));
      await store().users.insert(makeUser(account.id, { active: false }));
      await store().users.insert(makeUser(account.id, { active: true }));
      expect(await store().users.countActive(account.id)).toBe(2);
      expect(await store().users.count(account.id)).toBe(3);
    });
  });
}
