/** Contract for user writes: round-trips, uniqueness, compare-and-set, transactions, bulk load. */

import { describe, expect, it } from 'vitest';
import type { User } from '../../src/directory/model.ts';
import { ConflictError } from '../../src/store/errors.ts';
import type { Store } from '../../src/store/store.ts';
import { makeAccount, makeUser } from './fixtures.ts';

async function conflict(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConflictError);
  return (error as ConflictError).constraint;
}

export function usersContract(store: () => Store): void {
  const newAccount = async () => {
    const account = makeAccount();
    await store().accounts.insert(account);
    return account.id;
  };

  describe('users', () => {
    it('round-trips every field and multi-valued element in order', async () => {
      const accountId = await newAccount();
      const user = makeUser(accountId, {
        userName: 'Ada@X.com',
        externalId: 'ext-ADA',
        email: 'Ada@X.com',
        displayName: 'Ada Lovelace',
        givenName: 'Ada',
        familyName: 'Lovelace',
        active: false,
        superAdmin: true,
        managedBy: 'app',
        deprovisionedAt: '2026-03-04T05:06:07.089Z',
        profile: {
          title: 'Countess',
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
            department: 'Math',
            manager: { value: 'm1' },
          },
        },
        multiValued: {
          emails: [
            { value: 'ada@home.org', type: 'home' },
            { value: 'Ada@X.com', type: 'work', primary: true, display: 'Work' },
          ],
          addresses: [
            { type: 'work', streetAddress: '1 Main St', locality: 'London', primary: false },
          ],
          roles: [{ value: 'admin' }, { value: 'dev', primary: true }, { value: 'ops' }],
        },
        version: 7,
      });
      await store().users.insert(user);
      expect(await store().users.findById(accountId, user.id)).toEqual(user);
      expect(await store().users.findById(await newAccount(), user.id)).toBeUndefined();
    });

    it('rejects userName and email duplicates case-insensitively, including non-ASCII', async () => {
      const accountId = await newAccount();
      await store().users.insert(
        makeUser(accountId, { userName: 'Ada@X.com', email: 'Ada@X.com' }),
      );
      await store().users.insert(
        makeUser(accountId, { userName: 'ÉMILE@x.com', email: 'ÉMILE@x.com' }),
      );
      expect(
        await conflict(store().users.insert(makeUser(accountId, { userName: 'ada@x.com' }))),
      ).toBe('user.userName');
      expect(
        await conflict(store().users.insert(makeUser(accountId, { email: 'ADA@x.COM' }))),
      ).toBe('user.email');
      expect(
        await conflict(store().users.insert(makeUser(accountId, { userName: 'émile@x.com' }))),
      ).toBe('user.userName');
      expect(
        await conflict(store().users.insert(makeUser(accountId, { email: 'émile@X.com' }))),
      ).toBe('user.email');
      // Several users without email, and the same names in another account, are fine.
      await store().users.insert(makeUser(accountId));
      await store().users.insert(makeUser(accountId));
      const other = await newAccount();
      await store().users.insert(makeUser(other, { userName: 'ada@x.com', email: 'ada@x.com' }));
      expect(await store().users.count(accountId)).toBe(4);
    });

    it('finds users by identity, case-insensitively', async () => {
      const accountId = await newAccount();
      const a = makeUser(accountId, { userName: 'Émile', email: 'e@x.com' });
      const b = makeUser(accountId, { userName: 'bob', email: 'Bob@X.com' });
      await store().users.insertMany([a, b]);
      const find = (identity: { userName?: string; email?: string }) =>
        store()
          .users.findByIdentity(accountId, identity)
          .then((us) => us.map((u) => u.userName));
      expect(await find({ userName: 'émile' })).toEqual(['Émile']);
      expect(await find({ email: 'BOB@x.com' })).toEqual(['bob']);
      expect(await find({ userName: 'ÉMILE', email: 'bob@x.com' })).toEqual(['Émile', 'bob']);
      expect(await find({ userName: 'nobody' })).toEqual([]);
      expect(await find({})).toEqual([]);
    });

    it('updates compare-and-set on version and replaces elements', async () => {
      const accountId = await newAccount();
      const user = makeUser(accountId, {
        multiValued: { emails: [{ value: 'a@x.com' }, { value: 'b@x.com' }] },
      });
      await store().users.insert(user);
      const next: User = {
        ...user,
        displayName: 'Changed',
        version: 2,
        multiValued: { phoneNumbers: [{ value: '+1 555', type: 'mobile' }] },
      };
      expect(await store().users.update(next, 1)).toBe(true);
      expect(await store().users.findById(accountId, user.id)).toEqual(next);
      expect(await store().users.update({ ...next, displayName: 'Stale', version: 3 }, 1)).toBe(
        false,
      );
      expect(await store().users.findById(accountId, user.id)).toEqual(next);
      expect(
        await store().users.update({ ...next, accountId: await newAccount(), version: 3 }, 2),
      ).toBe(false);
    });

    it('writes only what differs from the previous version, elements included', async () => {
      const accountId = await newAccount();
      const user = makeUser(accountId, {
        multiValued: { emails: [{ value: 'keep@x.com', type: 'work' }] },
      });
      await store().users.insert(user);
      const byEmail = async (value: string) =>
        (
          await store().users.query({
            accountId,
            condition: {
              kind: 'some',
              attribute: 'emails',
              condition: {
                kind: 'compare',
                field: { kind: 'element', path: ['value'] },
                op: 'eq',
                value,
                caseExact: false,
              },
            },
            page: { kind: 'index', offset: 0, limit: 10 },
          })
        ).users.map((u) => u.id);
      // A deactivation: the elements are not rewritten, and still found.
      const deactivated: User = { ...user, active: false, version: 2, updatedAt: 'later' };
      expect(await store().users.update(deactivated, 1, user)).toBe(true);
      expect(await store().users.findById(accountId, user.id)).toEqual(deactivated);
      expect(await byEmail('keep@x.com')).toEqual([user.id]);
      // New elements replace the old ones.
      const moved: User = {
        ...deactivated,
        version: 3,
        multiValued: { emails: [{ value: 'new@x.com', type: 'work' }] },
      };
      expect(await store().users.update(moved, 2, deactivated)).toBe(true);
      expect(await store().users.findById(accountId, user.id)).toEqual(moved);
      expect(await byEmail('keep@x.com')).toEqual([]);
      expect(await byEmail('new@x.com')).toEqual([user.id]);
      // Compare-and-set still holds.
      expect(await store().users.update({ ...moved, version: 4 }, 2, deactivated)).toBe(false);
    });

    it('rejects an update that takes another user’s email', async () => {
      const accountId = await newAccount();
      const a = makeUser(accountId, { email: 'a@x.com' });
      const b = makeUser(accountId, { email: 'b@x.com' });
      await store().users.insertMany([a, b]);
      expect(await conflict(store().users.update({ ...b, email: 'A@X.COM', version: 2 }, 1))).toBe(
        'user.email',
      );
      expect(await store().users.findById(accountId, b.id)).toEqual(b);
    });

    it('stores and finds long externalIds and element values (certificates)', async () => {
      const accountId = await newAccount();
      const certificate = 'MII'.padEnd(12_000, 'AbCd');
      const externalId = 'ext-'.padEnd(6000, 'x');
      const user = makeUser(accountId, {
        externalId,
        multiValued: { x509Certificates: [{ value: certificate }] },
      });
      await store().users.insert(user);
      const byExternalId = await store().users.query({
        accountId,
        condition: {
          kind: 'compare',
          field: { kind: 'column', column: 'externalId' },
          op: 'eq',
          value: externalId,
          caseExact: true,
        },
        page: { kind: 'index', offset: 0, limit: 10 },
      });
      expect(byExternalId.users).toEqual([user]);
      const byCertificate = await store().users.query({
        accountId,
        condition: {
          kind: 'some',
          attribute: 'x509Certificates',
          condition: {
            kind: 'compare',
            field: { kind: 'element', path: ['value'] },
            op: 'eq',
            value: certificate,
            caseExact: false,
          },
        },
        page: { kind: 'index', offset: 0, limit: 10 },
      });
      expect(byCertificate.users.map((u) => u.id)).toEqual([user.id]);
    });

    it('rolls a transaction back when its work throws', async () => {
      const accountId = await newAccount();
      const kept = makeUser(accountId, { displayName: 'kept' });
      await store().users.insert(kept);
      const failure = new Error('boom');
      await expect(
        store().transaction(async (session) => {
          await session.users.insert(
            makeUser(accountId, { multiValued: { emails: [{ value: 'x@x.com' }] } }),
          );
          expect(
            await session.users.update({ ...kept, displayName: 'changed', version: 2 }, 1),
          ).toBe(true);
          expect(await session.users.count(accountId)).toBe(2);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store().users.count(accountId)).toBe(1);
      expect(await store().users.findById(accountId, kept.id)).toEqual(kept);
    });

    it('keeps concurrent transactions apart: failures leave nothing, the rest all commit', async () => {
      const accountId = await newAccount();
      const attempts = Array.from({ length: 40 }, (_, i) =>
        store().transaction(async (session) => {
          const user = makeUser(accountId, { userName: `concurrent-${i}` });
          await session.users.insert(user);
          // Every third fails after writing; every fifth collides on userName with user 0.
          if (i % 3 === 1) throw new Error(`fail ${i}`);
          if (i % 5 === 4)
            await session.users.insert(makeUser(accountId, { userName: 'concurrent-0' }));
          return user.id;
        }),
      );
      const settled = await Promise.allSettled(attempts);
      const committed = settled.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      const expected = [...Array(40).keys()].filter((i) => i % 3 !== 1 && i % 5 !== 4);
      expect(committed).toEqual(expected);
      settled.forEach((r, i) => {
        if (r.status === 'rejected' && i % 3 === 1) expect(String(r.reason)).toContain(`fail ${i}`);
        if (r.status === 'rejected' && i % 3 !== 1) expect(r.reason).toBeInstanceOf(ConflictError);
      });
      expect(await store().users.count(accountId)).toBe(expected.length);
      for (const i of expected) {
        const found = await store().users.findByIdentity(accountId, {
          userName: `concurrent-${i}`,
        });
        expect(found.map((u) => u.id)).toEqual([
          (settled[i] as PromiseFulfilledResult<string>).value,
        ]);
      }
    });

    it('commits a transaction and returns its result', async () => {
      const accountId = await newAccount();
      const user = makeUser(accountId);
      const result = await store().transaction(async (session) => {
        await session.users.insertMany([user]);
        return session.users.findById(accountId, user.id);
      });
      expect(result).toEqual(user);
      expect(await store().users.count(accountId)).toBe(1);
    });

    it('writes nothing from an insertMany that conflicts', async () => {
      const accountId = await newAccount();
      const batch = [
        makeUser(accountId, { userName: 'same' }),
        makeUser(accountId),
        makeUser(accountId, { userName: 'SAME' }),
      ];
      expect(await conflict(store().users.insertMany(batch))).toBe('user.userName');
      expect(await store().users.count(accountId)).toBe(0);
    });

    it('bulk-loads 10,000 users, then finds one by userName', async () => {
      const accountId = await newAccount();
      const users = Array.from({ length: 10_000 }, (_, i) =>
        makeUser(accountId, {
          userName: `bulk${i}@x.com`,
          email: `bulk${i}@x.com`,
          multiValued: { emails: [{ value: `bulk${i}@x.com`, type: 'work', primary: true }] },
        }),
      );
      await store().users.insertMany(users);
      expect(await store().users.count(accountId)).toBe(10_000);
      const page = await store().users.query({
        accountId,
        condition: {
          kind: 'compare',
          field: { kind: 'column', column: 'userName' },
          op: 'eq',
          value: 'BULK4321@x.com',
          caseExact: false,
        },
        page: { kind: 'index', offset: 0, limit: 10 },
      });
      expect(page.total).toBe(1);
      expect(page.users).toEqual([users[4321]]);
    });
  });
}
