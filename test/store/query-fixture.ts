/** The six users the query contracts filter, sort and page; tests name them by userName. */
import { beforeAll } from 'vitest';
import type { User } from '../../src/directory/model.ts';
import type { UserCondition, UserPageRequest, UserSort } from '../../src/directory/user-query.ts';
import type { Store } from '../../src/store/store.ts';
import { makeAccount, makeUser } from './fixtures.ts';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Six users in creation order; each test names the expected users by userName, in order. */
export function fixtureUsers(accountId: string): User[] {
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

export const ALL = ['alice', 'bob', 'carol_100%', 'Dave', 'ÉMILE', 'carolx100y'];

export interface QueryFixture {
  accountId: string;
  users: User[];
}

/**
 * Registers a beforeAll that loads the fixture into a fresh account (and a copy into another
 * account, whose users must never show up), and returns a query helper naming the result.
 */
export function useQueryFixture(store: () => Store) {
  const f: QueryFixture = { accountId: '', users: [] };
  beforeAll(async () => {
    const account = makeAccount();
    const other = makeAccount();
    await store().accounts.insert(account);
    await store().accounts.insert(other);
    f.accountId = account.id;
    f.users = fixtureUsers(account.id);
    await store().users.insertMany(f.users);
    await store().users.insertMany(fixtureUsers(other.id));
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
  return { f, names };
}
