/** Contract for `users.query`: conditions, sorting, index and cursor paging, totals. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/directory/model.ts';
import type { UserCondition, UserPageRequest, UserSort } from '../../src/directory/user-query.ts';
import type { Store } from '../../src/store/store.ts';
import { makeAccount, makeUser } from './fixtures.ts';
import { col, el, type Fixture, prof, some } from './query-helpers.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Six users in creation order; each test names the expected users by userName, in order. */
function fixtureUsers(accountId: string): User[] {
  return [
    makeUser(accountId, {
      userName: 'alice',
      email: 'Alice@X.com',
      externalId: 'ext-1',
      displayName: 'Alice Liddell',
      givenName: 'Alice',
      profile: {
        title: 'Engineer',
        level: 3,
        remote: true,
        [ENTERPRISE]: { department: 'R&D', manager: { value: 'm1' } },
      },
      multiValued: {
        emails: [
          { value: 'alice@x.com', type: 'work', primary: true },
          { value: 'alice@home.org', type: 'home' },
        ],
      },
    }),
    makeUser(accountId, {
      userName: 'bob',
      active: false,
      profile: {
        title: 'engineer manager',
        level: 10,
        remote: false,
        [ENTERPRISE]: { department: 'Sales' },
      },
      // A work email and an @x.com email, but not one element that is both.
      multiValued: {
        emails: [
          { value: 'bob@home.org', type: 'work' },
          { value: 'bob@x.com', type: 'home' },
        ],
      },
    }),
    // `remote: 1` is a number, not true: boolean comparisons must not match it.
    makeUser(accountId, {
      userName: 'carol_100%',
      email: 'carol@x.com',
      externalId: 'EXT-1',
      displayName: 'Carol',
      profile: { remote: 1 },
    }),
    makeUser(accountId, {
      userName: 'Dave',
      email: 'dave@y.com',
      displayName: 'dave',
      profile: { title: '', [ENTERPRISE]: { department: null } },
      multiValued: {
        emails: [{ value: 'Dave@X.COM', type: 'Work', primary: true, display: 'D' }],
        addresses: [{ type: 'work', streetAddress: '1 Main St', postalCode: '12345' }],
      },
    }),
    makeUser(accountId, {
      userName: 'ÉMILE',
      email: 'Émile@x.com',
      displayName: 'Émile',
      profile: { title: 'Engineer' },
    }),
    makeUser(accountId, { userName: 'carolx100y', displayName: 'Carol' }),
  ];
}

const ALL = ['alice', 'bob', 'carol_100%', 'Dave', 'ÉMILE', 'carolx100y'];

export function userQueryContract(store: () => Store): void {
  describe('users.query', () => {
    const f: Fixture = { accountId: '', byId: new Map() };
    beforeAll(async () => {
      const account = makeAccount();
      await store().accounts.insert(account);
      f.accountId = account.id;
      const users = fixtureUsers(account.id);
      await store().users.insertMany(users);
      for (const u of users) f.byId.set(u.id, u);
      // Another account's users never show up.
      await store().users.insertMany(fixtureUsers((await insertAccount(store)).id));
    });

    const names = async (condition: UserCondition, sort?: UserSort, page?: UserPageRequest) => {
      const result = await store().users.query({
        accountId: f.accountId,
        condition,
        sort,
        page: page ?? { kind: 'index', offset: 0, limit: 100 },
      });
      return result.users.map((u) => u.userName);
    };

    it('returns whole users in creation order', async () => {
      const page = await store().users.query({
        accountId: f.accountId,
        condition: { kind: 'all' },
        page: { kind: 'index', offset: 0, limit: 100 },
      });
      expect(page.total).toBe(6);
      expect(page.users).toEqual([...f.byId.values()]);
      expect(await names({ kind: 'none' })).toEqual([]);
    });

    it('compares columns case-insensitively or case-exactly', async () => {
      expect(await names(col('userName', 'eq', 'ALICE'))).toEqual(['alice']);
      expect(await names(col('userName', 'eq', 'ALICE', true))).toEqual([]);
      expect(await names(col('userName', 'eq', 'émile'))).toEqual(['ÉMILE']);
      expect(await names(col('displayName', 'eq', 'émile'))).toEqual(['ÉMILE']);
      expect(await names(col('externalId', 'eq', 'ext-1', true))).toEqual(['alice']);
      expect(await names(col('externalId', 'eq', 'EXT-1'))).toEqual(['alice', 'carol_100%']);
      expect(await names(col('email', 'eq', 'alice@x.com', true))).toEqual([]);
      expect(await names(col('email', 'eq', 'alice@x.com'))).toEqual(['alice']);
    });

    it('orders strings bytewise for gt/ge/lt/le', async () => {
      expect(await names(col('userName', 'gt', 'c'))).toEqual([
        'carol_100%',
        'Dave',
        'ÉMILE',
        'carolx100y',
      ]);
      expect(await names(col('userName', 'gt', 'c', true))).toEqual([
        'carol_100%',
        'ÉMILE',
        'carolx100y',
      ]);
      expect(await names(col('userName', 'le', 'bob'))).toEqual(['alice', 'bob']);
      expect(await names(col('userName', 'lt', 'bob'))).toEqual(['alice']);
      expect(await names(col('userName', 'ge', 'dave'))).toEqual(['Dave', 'ÉMILE']);
      const dave = [...f.byId.values()][3]!;
      expect(await names(col('createdAt', 'ge', dave.createdAt, true))).toEqual([
        'Dave',
        'ÉMILE',
        'carolx100y',
      ]);
      expect(await names(col('displayName', 'lt', 'b'))).toEqual(['alice']);
    });

    it('matches co/sw/ew with % and _ taken literally', async () => {
      expect(await names(col('email', 'sw', 'ALICE'))).toEqual(['alice']);
      expect(await names(col('email', 'ew', '@X.COM'))).toEqual(['alice', 'carol_100%', 'ÉMILE']);
      expect(await names(col('email', 'ew', '@X.com', true))).toEqual(['alice']);
      expect(await names(col('email', 'co', 'X', true))).toEqual(['alice']);
      expect(await names(col('userName', 'co', '_100%'))).toEqual(['carol_100%']);
      expect(await names(col('userName', 'co', 'l_1'))).toEqual(['carol_100%']);
      expect(await names(col('userName', 'ew', '%'))).toEqual(['carol_100%']);
      expect(await names(col('userName', 'sw', 'É'))).toEqual(['ÉMILE']);
      expect(await names(col('userName', 'sw', 'é'))).toEqual(['ÉMILE']);
      expect(await names(col('userName', 'sw', 'é', true))).toEqual([]);
    });

    it('treats absent values with two-valued logic', async () => {
      expect(await names(col('displayName', 'ne', 'Alice Liddell', true))).toEqual([
        'bob',
        'carol_100%',
        'Dave',
        'ÉMILE',
        'carolx100y',
      ]);
      expect(await names(col('displayName', 'ne', 'carol'))).toEqual([
        'alice',
        'bob',
        'Dave',
        'ÉMILE',
      ]);
      expect(await names({ kind: 'not', condition: col('displayName', 'eq', 'carol') })).toEqual([
        'alice',
        'bob',
        'Dave',
        'ÉMILE',
      ]);
      expect(await names({ kind: 'not', condition: col('displayName', 'gt', 'b') })).toEqual([
        'alice',
        'bob',
      ]);
      expect(await names({ kind: 'not', condition: col('email', 'co', 'x') })).toEqual([
        'bob',
        'Dave',
        'carolx100y',
      ]);
      expect(await names(col('email', 'eq', null))).toEqual(['bob', 'carolx100y']);
      expect(await names(col('email', 'ne', null))).toEqual([
        'alice',
        'carol_100%',
        'Dave',
        'ÉMILE',
      ]);
      expect(await names({ kind: 'present', field: { kind: 'column', column: 'email' } })).toEqual([
        'alice',
        'carol_100%',
        'Dave',
        'ÉMILE',
      ]);
      expect(
        await names({
          kind: 'not',
          condition: { kind: 'present', field: { kind: 'column', column: 'externalId' } },
        }),
      ).toEqual(['bob', 'Dave', 'ÉMILE', 'carolx100y']);
      expect(await names(col('userName', 'gt', null))).toEqual([]);
    });

    it('compares booleans and combines with and/or/not', async () => {
      expect(await names(col('active', 'eq', false))).toEqual(['bob']);
      expect(await names({ kind: 'not', condition: col('active', 'eq', true) })).toEqual(['bob']);
      expect(await names(col('active', 'eq', 'true'))).toEqual([]);
      expect(
        await names({
          kind: 'or',
          conditions: [col('userName', 'eq', 'alice'), col('active', 'eq', false)],
        }),
      ).toEqual(['alice', 'bob']);
      expect(
        await names({
          kind: 'not',
          condition: {
            kind: 'or',
            conditions: [col('userName', 'eq', 'alice'), col('active', 'eq', false)],
          },
        }),
      ).toEqual(['carol_100%', 'Dave', 'ÉMILE', 'carolx100y']);
      expect(
        await names({
          kind: 'and',
          conditions: [
            col('displayName', 'sw', 'c'),
            {
              kind: 'not',
              condition: { kind: 'present', field: { kind: 'column', column: 'email' } },
            },
          ],
        }),
      ).toEqual(['carolx100y']);
      expect(await names({ kind: 'and', conditions: [] })).toEqual(ALL);
      expect(await names({ kind: 'or', conditions: [] })).toEqual([]);
    });

    it('reads profile paths, including URN keys, numbers and booleans', async () => {
      expect(await names(prof(['title'], 'eq', 'engineer'))).toEqual(['alice', 'ÉMILE']);
      expect(await names(prof(['title'], 'eq', 'engineer', true))).toEqual([]);
      expect(await names(prof(['title'], 'co', 'engineer'))).toEqual(['alice', 'bob', 'ÉMILE']);
      expect(await names(prof([ENTERPRISE, 'department'], 'eq', 'r&d'))).toEqual(['alice']);
      expect(await names(prof([ENTERPRISE, 'manager', 'value'], 'eq', 'm1', true))).toEqual([
        'alice',
      ]);
      expect(await names(prof([ENTERPRISE, 'department'], 'eq', null))).toEqual([
        'carol_100%',
        'Dave',
        'ÉMILE',
        'carolx100y',
      ]);
      expect(await names(prof(['level'], 'gt', 5))).toEqual(['bob']);
      expect(await names(prof(['level'], 'eq', 3))).toEqual(['alice']);
      expect(await names(prof(['level'], 'eq', '3'))).toEqual([]);
      expect(await names(prof(['remote'], 'eq', true))).toEqual(['alice']);
      expect(await names(prof(['remote'], 'eq', false))).toEqual(['bob']);
      expect(await names(prof(['remote'], 'ne', true))).toEqual([
        'bob',
        'carol_100%',
        'Dave',
        'ÉMILE',
        'carolx100y',
      ]);
      expect(await names({ kind: 'present', field: { kind: 'profile', path: ['title'] } })).toEqual(
        ['alice', 'bob', 'ÉMILE'],
      );
      expect(
        await names({ kind: 'present', field: { kind: 'profile', path: ['remote'] } }),
      ).toEqual(['alice', 'bob', 'carol_100%']);
    });

    it('matches element conditions within one element', async () => {
      const workAtX = {
        kind: 'and' as const,
        conditions: [el(['type'], 'eq', 'work'), el(['value'], 'co', '@x.com')],
      };
      expect(await names(some('emails', workAtX))).toEqual(['alice', 'Dave']);
      expect(
        await names(
          some('emails', {
            ...workAtX,
            conditions: [el(['type'], 'eq', 'work', true), el(['value'], 'co', '@x.com')],
          }),
        ),
      ).toEqual(['alice']);
      expect(await names(some('emails', el(['value'], 'eq', 'DAVE@x.com')))).toEqual(['Dave']);
      expect(await names(some('emails', el(['value'], 'eq', 'DAVE@x.com', true)))).toEqual([]);
      expect(await names(some('emails', el(['primary'], 'eq', true)))).toEqual(['alice', 'Dave']);
      expect(
        await names(
          some('emails', { kind: 'present', field: { kind: 'element', path: ['display'] } }),
        ),
      ).toEqual(['Dave']);
      expect(await names(some('addresses', el(['postalCode'], 'eq', '12345', true)))).toEqual([
        'Dave',
      ]);
      expect(await names(some('addresses', el(['postalCode'], 'eq', 12345)))).toEqual([]);
      expect(
        await names({ kind: 'not', condition: some('emails', el(['type'], 'eq', 'work')) }),
      ).toEqual(['carol_100%', 'ÉMILE', 'carolx100y']);
      expect(
        await names(some('emails', { kind: 'not', condition: el(['type'], 'eq', 'work') })),
      ).toEqual(['alice', 'bob']);
      expect(await names(some('emails', { kind: 'all' }))).toEqual(['alice', 'bob', 'Dave']);
    });

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

async function insertAccount(store: () => Store) {
  const account = makeAccount();
  await store().accounts.insert(account);
  return account;
}
