/** Contract for what the admin API keeps: teams, seat pools, admin keys, audit, deletions. */
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/directory/model.ts';
import { ConflictError } from '../../src/store/errors.ts';
import type { Store } from '../../src/store/store.ts';
import { makeAccount, makeUser, newId, tick } from './fixtures.ts';

export function administrationContract(store: () => Store): void {
  async function account() {
    const a = makeAccount();
    await store().accounts.insert(a);
    return a;
  }

  describe('administration records', () => {
    it('accounts: update writes every field and reports a missing account', async () => {
      const a = await account();
      const changed = { ...a, name: 'Renamed', tier: 'starter' as const, ssoEnabled: false };
      expect(await store().accounts.update(changed)).toBe(true);
      expect(await store().accounts.findById(a.id)).toEqual(changed);
      expect(await store().accounts.update({ ...a, id: newId('acc') })).toBe(false);
    });

    it('permission sets: update and delete stay within the account; counts holders', async () => {
      const a = await account();
      const other = await account();
      const set = {
        id: newId('ps'),
        accountId: a.id,
        name: 'Sales Rep',
        isMinimal: false,
        permissions: ['a'],
        paidSeat: null,
        createdAt: tick(),
      };
      await store().permissionSets.insert(set);
      await store().permissionSets.insert({ ...set, id: newId('ps'), name: 'Other' });
      expect(await store().permissionSets.update({ ...set, accountId: other.id, name: 'X' })).toBe(
        false,
      );
      const renamed = {
        ...set,
        name: 'Sales  Rep',
        permissions: ['b'],
        paidSeat: 'sales' as const,
      };
      expect(await store().permissionSets.update(renamed)).toBe(true);
      expect(await store().permissionSets.findById(a.id, set.id)).toEqual(renamed);
      const error = await store()
        .permissionSets.update({ ...renamed, name: 'Other' })
        .catch((e: unknown) => e);
      expect((error as ConflictError).constraint).toBe('permissionSet.name');
      await store().users.insert(makeUser(a.id, { permissionSetId: set.id }));
      expect(await store().users.countWithPermissionSet(a.id, set.id)).toBe(1);
      expect(await store().users.countWithPermissionSet(other.id, set.id)).toBe(0);
      expect(await store().permissionSets.delete(other.id, set.id)).toBe(false);
      expect(await store().permissionSets.delete(a.id, set.id)).toBe(true);
      expect(await store().permissionSets.findById(a.id, set.id)).toBeUndefined();
    });

    it('teams: names unique per account, memberships replaced whole, deleted with the team or user', async () => {
      const a = await account();
      const other = await account();
      const red = { id: newId('team'), accountId: a.id, name: 'Red', createdAt: tick() };
      const blue = { ...red, id: newId('team'), name: 'Blue', createdAt: tick() };
      await store().teams.insert(red);
      await store().teams.insert(blue);
      await store().teams.insert({ ...red, id: newId('team'), accountId: other.id });
      const error = await store()
        .teams.insert({ ...red, id: newId('team') })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).constraint).toBe('team.name');
      expect((await store().teams.list(a.id)).map((t) => t.name)).toEqual(['Red', 'Blue']);
      expect(await store().teams.findById(other.id, red.id)).toBeUndefined();

      const user = makeUser(a.id);
      const second = makeUser(a.id);
      await store().users.insertMany([user, second]);
      await store().teams.setMemberships(a.id, user.id, [
        { teamId: red.id, userId: user.id, accountId: a.id, isPrimary: true },
        { teamId: blue.id, userId: user.id, accountId: a.id, isPrimary: false },
      ]);
      await store().teams.setMemberships(a.id, second.id, [
        { teamId: red.id, userId: second.id, accountId: a.id, isPrimary: false },
      ]);
      expect(await store().teams.memberCounts(a.id)).toEqual(
        new Map([
          [red.id, 2],
          [blue.id, 1],
        ]),
      );
      await store().teams.setMemberships(a.id, user.id, [
        { teamId: blue.id, userId: user.id, accountId: a.id, isPrimary: true },
      ]);
      expect(await store().teams.membershipsOf(a.id, [user.id])).toEqual([
        { teamId: blue.id, userId: user.id, accountId: a.id, isPrimary: true },
      ]);
      expect(await store().teams.update({ ...blue, name: 'Navy' })).toBe(true);
      expect(await store().teams.delete(a.id, blue.id)).toBe(true);
      expect(await store().teams.membershipsOf(a.id, [user.id])).toEqual([]);
      expect(await store().users.delete(a.id, second.id)).toBe(true);
      expect(await store().users.delete(a.id, second.id)).toBe(false);
      expect(await store().users.findById(a.id, second.id)).toBeUndefined();
      expect(await store().teams.memberCounts(a.id)).toEqual(new Map());
      expect(await store().users.delete(other.id, user.id)).toBe(false);
    });

    it('seat pools: never more seats taken than purchased, even by concurrent takers', async () => {
      const a = await account();
      expect(await store().seatPools.take(a.id, 'sales')).toBe(false);
      expect(await store().seatPools.setPurchased(a.id, 'sales', 3)).toBe(true);
      const takes = await Promise.all(
        Array.from({ length: 8 }, () =>
          store().transaction((session) => session.seatPools.take(a.id, 'sales')),
        ),
      );
      expect(takes.filter(Boolean)).toHaveLength(3);
      expect(await store().seatPools.list(a.id)).toEqual([
        { accountId: a.id, seatType: 'sales', purchased: 3, assigned: 3 },
      ]);
      expect(await store().seatPools.setPurchased(a.id, 'sales', 2)).toBe(false);
      await store().seatPools.release(a.id, 'sales');
      expect(await store().seatPools.setPurchased(a.id, 'sales', 2)).toBe(true);
      const user = makeUser(a.id);
      await store().users.insert(user);
      await store().seatPools.setSeat(a.id, user.id, 'sales', tick());
      expect(await store().seatPools.seatsOf(a.id, [user.id])).toEqual(
        new Map([[user.id, 'sales']]),
      );
      await store().seatPools.setSeat(a.id, user.id, null, tick());
      expect(await store().seatPools.seatsOf(a.id, [user.id])).toEqual(new Map());
    });

    it('admin keys: found by hash, listed per account, revoked once and only in their account', async () => {
      const a = await account();
      const other = await account();
      const key = {
        id: newId('key'),
        accountId: a.id,
        name: 'ci',
        prefix: 'roster_admin_abcdef',
        hash: newId('hash'),
        createdAt: tick(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await store().adminKeys.insert(key);
      expect(await store().adminKeys.findByHash(key.hash)).toEqual(key);
      const duplicate = await store()
        .adminKeys.insert({ ...key, id: newId('key') })
        .catch((e: unknown) => e);
      expect((duplicate as ConflictError).constraint).toBe('adminKey.hash');
      expect(await store().adminKeys.revoke(other.id, key.id, tick())).toBe(false);
      const first = tick();
      expect(await store().adminKeys.revoke(a.id, key.id, first)).toBe(true);
      expect(await store().adminKeys.revoke(a.id, key.id, tick())).toBe(true);
      expect((await store().adminKeys.list(a.id))[0]?.revokedAt).toBe(first);
      expect(await store().adminKeys.list(other.id)).toEqual([]);
    });

    it('audit: newest first, per account, by action, paged with before', async () => {
      const a = await account();
      const entry = (action: string, accountId: string | null = a.id): AuditEntry => ({
        id: newId('audit'),
        accountId,
        at: tick(),
        actor: { kind: 'admin-key', keyId: 'k', prefix: 'roster_admin_x' },
        action,
        targetType: 'user',
        targetId: 'u',
        status: 200,
        outcome: 'success',
        errorCode: null,
        request: '{"a":1}',
      });
      const entries = [entry('user.create'), entry('user.update'), entry('user.delete')];
      for (const e of entries) await store().audit.insert(e);
      await store().audit.insert(entry('account.create', null));
      const listed = await store().audit.list({ accountId: a.id, limit: 10 });
      expect(listed).toEqual([...entries].reverse());
      expect(
        await store().audit.list({ accountId: a.id, limit: 10, action: 'user.update' }),
      ).toEqual([entries[1]]);
      expect(
        await store().audit.list({ accountId: a.id, limit: 10, before: entries[2]?.id }),
      ).toEqual([entries[1], entries[0]]);
      expect(await store().audit.list({ accountId: a.id, limit: 10, before: 'nope' })).toEqual([]);
    });

    it('audit: finds one entry by id, in any account, and nothing for an unknown id', async () => {
      const a = await account();
      const entry: AuditEntry = {
        id: newId('audit'),
        accountId: a.id,
        at: tick(),
        actor: { kind: 'operator' },
        action: 'account.update',
        targetType: 'account',
        targetId: a.id,
        status: 200,
        outcome: 'success',
        errorCode: null,
        request: null,
      };
      await store().audit.insert(entry);
      expect(await store().audit.find(entry.id)).toEqual(entry);
      expect(await store().audit.find(newId('audit'))).toBeUndefined();
      expect(await store().audit.find('nul\u0000id')).toBeUndefined();
    });
  });
}
