/** Contract for `users.query` ordering: sorts, index paging, cursor paging and totals. */
import { describe, expect, it } from 'vitest';
import type { UserSort } from '../../src/directory/user-query.ts';
import type { Store } from '../../src/store/store.ts';
import { useQueryFixture } from './query-fixture.ts';
import { col } from './query-helpers.ts';

export function userPagingContract(store: () => Store): void {
  describe('users.query sorting and paging', () => {
    const { f, names } = useQueryFixture(store);

    it('sorts ascending and descending with NULLs last and ties in creation order', async () => {
      const byDisplay = (descending: boolean, caseExact = false): UserSort => ({
        field: { kind: 'column', column: 'displayName' },
        descending,
        caseExact,
      });
      expect(await names({ kind: 'all' }, byDisplay(false))).toEqual([
        'alice',
        'carol_100%',
        'carolx100y',
        'Dave',
        'ÉMILE',
        'bob',
      ]);
      expect(await names({ kind: 'all' }, byDisplay(true))).toEqual([
        'ÉMILE',
        'Dave',
        'carol_100%',
        'carolx100y',
        'alice',
        'bob',
      ]);
      // Case-exact and bytewise: 'Alice…' < 'Carol' < 'dave' < 'Émile'; bob (NULL) last.
      expect(await names({ kind: 'all' }, byDisplay(false, true))).toEqual([
        'alice',
        'carol_100%',
        'carolx100y',
        'Dave',
        'ÉMILE',
        'bob',
      ]);
      const byTitle: UserSort = {
        field: { kind: 'profile', path: ['title'] },
        descending: false,
        caseExact: true,
      };
      expect(await names({ kind: 'all' }, byTitle)).toEqual([
        'Dave',
        'alice',
        'ÉMILE',
        'bob',
        'carol_100%',
        'carolx100y',
      ]);
      expect(await names({ kind: 'all' }, { ...byTitle, descending: true })).toEqual([
        'bob',
        'alice',
        'ÉMILE',
        'Dave',
        'carol_100%',
        'carolx100y',
      ]);
      const byUserName: UserSort = {
        field: { kind: 'column', column: 'userName' },
        descending: false,
        caseExact: false,
      };
      expect(await names({ kind: 'all' }, byUserName)).toEqual([
        'alice',
        'bob',
        'carol_100%',
        'carolx100y',
        'Dave',
        'ÉMILE',
      ]);
      expect(await names({ kind: 'all' }, { ...byUserName, caseExact: true })).toEqual([
        'Dave',
        'alice',
        'bob',
        'carol_100%',
        'carolx100y',
        'ÉMILE',
      ]);
    });

    it('pages by index with totals', async () => {
      const page = (offset: number, limit: number) =>
        store().users.query({
          accountId: f.accountId,
          condition: { kind: 'all' },
          page: { kind: 'index', offset, limit },
        });
      const p = await page(1, 2);
      expect(p.users.map((u) => u.userName)).toEqual(['bob', 'carol_100%']);
      expect(p.total).toBe(6);
      expect(p.nextKey).toBeUndefined();
      expect(await page(4, 10).then((x) => x.users.map((u) => u.userName))).toEqual([
        'ÉMILE',
        'carolx100y',
      ]);
      expect(await page(0, 0)).toEqual({ users: [], total: 6 });
      expect(await page(10, 5)).toEqual({ users: [], total: 6 });
      // Out-of-range numbers never reach the database.
      expect(await page(1e20, 5)).toEqual({ users: [], total: 6 });
      expect((await page(0, 1e20)).users.map((u) => u.userName)).toHaveLength(6);
      const filtered = await store().users.query({
        accountId: f.accountId,
        condition: col('active', 'eq', true),
        page: { kind: 'index', offset: 0, limit: 1 },
      });
      expect(filtered.total).toBe(5);
    });

    it('walks every row exactly once with cursors', async () => {
      const sorts: (UserSort | undefined)[] = [
        undefined,
        { field: { kind: 'column', column: 'displayName' }, descending: false, caseExact: false },
        { field: { kind: 'column', column: 'displayName' }, descending: true, caseExact: false },
        { field: { kind: 'profile', path: ['title'] }, descending: true, caseExact: true },
        { field: { kind: 'column', column: 'active' }, descending: false, caseExact: true },
      ];
      for (const sort of sorts) {
        const expected = await names({ kind: 'all' }, sort);
        for (const limit of [1, 2, 4, 6, 7]) {
          const seen: string[] = [];
          let after: string | undefined;
          for (let pages = 0; pages < 10; pages++) {
            const page = await store().users.query({
              accountId: f.accountId,
              condition: { kind: 'all' },
              sort,
              page: { kind: 'cursor', after, limit },
            });
            expect(page.total).toBe(6);
            seen.push(...page.users.map((u) => u.userName));
            after = page.nextKey;
            if (after === undefined) break;
          }
          expect(seen, `sort ${JSON.stringify(sort)} limit ${limit}`).toEqual(expected);
        }
      }
      const filtered = await store().users.query({
        accountId: f.accountId,
        condition: col('active', 'eq', true),
        page: { kind: 'cursor', limit: 4 },
      });
      expect(filtered.users.map((u) => u.userName)).toEqual([
        'alice',
        'carol_100%',
        'Dave',
        'ÉMILE',
      ]);
      const rest = await store().users.query({
        accountId: f.accountId,
        condition: col('active', 'eq', true),
        page: { kind: 'cursor', limit: 4, after: filtered.nextKey },
      });
      expect(rest.users.map((u) => u.userName)).toEqual(['carolx100y']);
      expect(rest.nextKey).toBeUndefined();
    });

    it('rejects a cursor from another sort or not from the store', async () => {
      const first = await store().users.query({
        accountId: f.accountId,
        condition: { kind: 'all' },
        page: { kind: 'cursor', limit: 1 },
      });
      const sort: UserSort = {
        field: { kind: 'column', column: 'userName' },
        descending: false,
        caseExact: false,
      };
      await expect(
        store().users.query({
          accountId: f.accountId,
          condition: { kind: 'all' },
          sort,
          page: { kind: 'cursor', limit: 1, after: first.nextKey },
        }),
      ).rejects.toThrow('invalid cursor');
      await expect(
        store().users.query({
          accountId: f.accountId,
          condition: { kind: 'all' },
          page: { kind: 'cursor', limit: 1, after: 'garbage' },
        }),
      ).rejects.toThrow('invalid cursor');
    });
  });
}
