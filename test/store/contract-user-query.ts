/** Contract for `users.query` conditions: every operator on columns, profile paths and elements. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { ALL, ENTERPRISE, useQueryFixture } from './query-fixture.ts';
import { col, el, prof, some } from './query-helpers.ts';

export function userQueryContract(store: () => Store): void {
  describe('users.query conditions', () => {
    const { f, names } = useQueryFixture(store);

    it('returns whole users in creation order', async () => {
      const page = await store().users.query({
        accountId: f.accountId,
        condition: { kind: 'all' },
        page: { kind: 'index', offset: 0, limit: 100 },
      });
      expect(page.total).toBe(6);
      expect(page.users).toEqual(f.users);
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
      const dave = f.users[3]!;
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
      await expect(names(el(['value'], 'eq', 'x'))).rejects.toThrow('outside');
    });

    it('finds nothing for text with NUL, which PostgreSQL cannot store, on both dialects', async () => {
      expect(await names(col('userName', 'eq', 'alice\u0000'))).toEqual([]);
      expect(await names(col('userName', 'co', '\u0000'))).toEqual([]);
      expect(await names(col('userName', 'ne', 'alice\u0000'))).toHaveLength(6);
      expect(await names(col('userName', 'gt', 'carol\u0000x'))).toEqual([
        'carol_100%',
        'Dave',
        'ÉMILE',
        'carolx100y',
      ]);
      expect(await names(col('userName', 'le', 'bob\u0000'))).toEqual(['alice', 'bob']);
      expect(await store().users.findById(f.accountId, 'a\u0000b')).toBeUndefined();
      expect(
        await store().users.findByIdentity(f.accountId, { userName: 'a\u0000', email: 'b\u0000' }),
      ).toEqual([]);
    });
  });
}
