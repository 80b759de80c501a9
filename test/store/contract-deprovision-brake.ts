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

    it('keeps the latest release per account', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      expect(await store().deprovisionBrake.releasedAt(account.id)).toBeUndefined();
      await store().deprovisionBrake.release(account.id, '2026-01-01T10:00:00.000Z');
      await store().deprovisionBrake.release(account.id, '2026-01-01T12:00:00.000Z');
      expect(await store().deprovisionBrake.releasedAt(account.id)).toBe(
        '2026-01-01T12:00:00.000Z',
      );
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
