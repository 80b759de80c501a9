/**
 * Contract for the counted listings (migration 0011): an unfiltered listing's total comes from
 * `user_counts`, which every write path keeps exact, and index pages resume where the page before
 * ended without ever answering other rows than LIMIT/OFFSET would.
 */
import { describe, expect, it } from 'vitest';
import type { UserCondition } from '../../src/directory/user-query.ts';
import type { Store } from '../../src/store/store.ts';
import { makeAccount, makeUser } from './fixtures.ts';

const SCIM_MANAGED: UserCondition = {
  kind: 'compare',
  field: { kind: 'column', column: 'managedBy' },
  op: 'eq',
  value: 'scim',
  caseExact: true,
};

export function userCountsContract(store: () => Store): void {
  describe('user counts and resumed index pages', () => {
    const totals = async (accountId: string) => {
      const query = (condition: UserCondition) =>
        store()
          .users.query({ accountId, condition, page: { kind: 'index', offset: 0, limit: 0 } })
          .then((p) => p.total);
      return {
        all: await query({ kind: 'all' }),
        scim: await query(SCIM_MANAGED),
        app: await query({ ...SCIM_MANAGED, value: 'app' } as UserCondition),
        counted: await store().users.count(accountId),
      };
    };

    it('follow inserts, bulk loads, changes of manager and deletes, in transactions too', async () => {
      const account = makeAccount();
      const other = makeAccount();
      await store().accounts.insert(account);
      await store().accounts.insert(other);
      const users = Array.from({ length: 7 }, () => makeUser(account.id));
      for (const user of users.slice(0, 2)) await store().users.insert(user);
      await store().users.insertMany(users.slice(2));
      await store().users.insert(makeUser(other.id));
      await store().users.insert(makeUser(account.id, { managedBy: 'app' }));
      expect(await totals(account.id)).toEqual({ all: 8, scim: 7, app: 1, counted: 8 });
      // A change of manager (an IdP's DELETE unlinks) moves a user between the listings.
      const unlinked = { ...(users[0] as (typeof users)[0]), managedBy: 'app' as const };
      expect(await store().users.update({ ...unlinked, version: 2 }, 1)).toBe(true);
      expect(await totals(account.id)).toEqual({ all: 8, scim: 6, app: 2, counted: 8 });
      // A write that changes other columns only changes no count.
      const renamed = { ...(users[1] as (typeof users)[0]), displayName: 'Renamed', version: 2 };
      expect(await store().users.update(renamed, 1)).toBe(true);
      expect(await store().users.delete(account.id, (users[2] as (typeof users)[0]).id)).toBe(true);
      expect(await totals(account.id)).toEqual({ all: 7, scim: 5, app: 2, counted: 7 });
      // A rolled-back transaction leaves the counts as they were.
      await expect(
        store().transaction(async (session) => {
          await session.users.insert(makeUser(account.id));
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await totals(account.id)).toEqual({ all: 7, scim: 5, app: 2, counted: 7 });
      expect((await totals(other.id)).all).toBe(1);
    });

    it('resume index pages where the last ended, and answer what OFFSET would after deletes', async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      const users = Array.from({ length: 25 }, (_, n) =>
        makeUser(account.id, { userName: `walk${String(n).padStart(2, '0')}` }),
      );
      await store().users.insertMany(users);
      const page = async (offset: number, limit = 10) =>
        (
          await store().users.query({
            accountId: account.id,
            condition: SCIM_MANAGED,
            page: { kind: 'index', offset, limit },
          })
        ).users.map((u) => u.userName);
      const expected = (names: string[], offset: number, limit = 10) =>
        names.slice(offset, offset + limit);
      let names = users.map((u) => u.userName);
      // A walk, page after page: each later page starts where the last ended.
      expect(await page(0)).toEqual(expected(names, 0));
      expect(await page(10)).toEqual(expected(names, 10));
      // A new user appends; the next page still follows on.
      const late = makeUser(account.id, { userName: 'walk25' });
      await store().users.insert(late);
      names = [...names, 'walk25'];
      expect(await page(20)).toEqual(expected(names, 20));
      // A delete before the walk's position shifts every later row: remembered positions are
      // stale, and the pages are again exactly what OFFSET gives.
      expect(await store().users.delete(account.id, (users[3] as (typeof users)[0]).id)).toBe(true);
      names = names.filter((n) => n !== 'walk03');
      expect(await page(10)).toEqual(expected(names, 10));
      expect(await page(20)).toEqual(expected(names, 20));
      // A jump nobody walked to, and the same page asked twice.
      expect(await page(7, 3)).toEqual(expected(names, 7, 3));
      expect(await page(7, 3)).toEqual(expected(names, 7, 3));
      expect(await page(0, 30)).toEqual(names);
    });
  });
}
