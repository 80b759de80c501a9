/** Contract for groups, memberships and group → permission set mappings. */
import { describe, expect, it } from 'vitest';
import type { Group, PermissionSet } from '../../src/directory/model.ts';
import { ConflictError } from '../../src/store/errors.ts';
import type { Store } from '../../src/store/store.ts';
import { makeAccount, makeUser, newId, tick } from './fixtures.ts';

function makeGroup(accountId: string, overrides: Partial<Group> = {}): Group {
  const at = tick();
  return {
    id: newId('grp'),
    accountId,
    displayName: `Group ${newId('')}`,
    externalId: null,
    memberCount: 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
}

async function seed(store: Store, users = 3) {
  const account = makeAccount();
  await store.accounts.insert(account);
  const members = Array.from({ length: users }, (_, i) =>
    makeUser(account.id, { displayName: i === 0 ? null : `Member ${i}` }),
  );
  await store.users.insertMany(members);
  return { account, users: members };
}

export function groupsContract(store: () => Store): void {
  describe('groups', () => {
    it('round-trips and keeps displayName unique per account, case-insensitively', async () => {
      const { account } = await seed(store(), 0);
      const other = makeAccount();
      await store().accounts.insert(other);
      const group = makeGroup(account.id, { displayName: 'Sales EMEA', externalId: 'ext-1' });
      await store().groups.insert(group);
      expect(await store().groups.findById(account.id, group.id)).toEqual(group);
      expect(await store().groups.findById(other.id, group.id)).toBeUndefined();
      expect(await store().groups.findById(account.id, 'bad\u0000id')).toBeUndefined();

      const duplicate = await store()
        .groups.insert(makeGroup(account.id, { displayName: 'SALES emea' }))
        .catch((e: unknown) => e);
      expect(duplicate).toBeInstanceOf(ConflictError);
      expect((duplicate as ConflictError).constraint).toBe('group.displayName');
      // Another account may use the same name.
      await store().groups.insert(makeGroup(other.id, { displayName: 'Sales EMEA' }));
    });

    it('reads a user with its groups in one call, as findById and groupsOf give them', async () => {
      const { account, users } = await seed(store());
      const [member, loner] = users as [(typeof users)[0], (typeof users)[0]];
      // Names out of order and of mixed case: groupsOf orders by the lowercased name.
      const zeta = makeGroup(account.id, { displayName: 'zeta "quoted"', version: 3 });
      const alpha = makeGroup(account.id, { displayName: 'Alpha' });
      const beta = makeGroup(account.id, { displayName: 'beta' });
      for (const group of [zeta, alpha, beta]) await store().groups.insert(group);
      for (const group of [zeta, alpha, beta]) {
        await store().groupMembers.add(account.id, group.id, [member.id]);
      }
      const found = await store().users.findByIdWithGroups(account.id, member.id);
      expect(found?.user).toEqual(await store().users.findById(account.id, member.id));
      const memberships = await store().groupMembers.groupsOf(account.id, [member.id]);
      expect(memberships.map((m) => m.groupName)).toEqual(['Alpha', 'beta', 'zeta "quoted"']);
      expect(found?.memberships).toEqual(memberships);
      expect(await store().users.findByIdWithGroups(account.id, loner.id)).toEqual({
        user: await store().users.findById(account.id, loner.id),
        memberships: [],
      });
      const other = makeAccount();
      await store().accounts.insert(other);
      expect(await store().users.findByIdWithGroups(other.id, member.id)).toBeUndefined();
      expect(await store().users.findByIdWithGroups(account.id, 'bad\u0000id')).toBeUndefined();
    });

    it('gives a query its users’ groups, as groupsOf does, for a lookup and for a page', async () => {
      const { account, users } = await seed(store(), 3);
      const [member, loner, third] = users as [
        (typeof users)[0],
        (typeof users)[0],
        (typeof users)[0],
      ];
      const zeta = makeGroup(account.id, { displayName: 'zeta', version: 4 });
      const alpha = makeGroup(account.id, { displayName: 'Alpha' });
      for (const group of [zeta, alpha]) await store().groups.insert(group);
      await store().groupMembers.add(account.id, zeta.id, [member.id, third.id]);
      await store().groupMembers.add(account.id, alpha.id, [member.id]);
      const expected = async (id: string) =>
        store().groupMembers.groupsOf(account.id, [id]) as Promise<unknown[]>;
      const page = { kind: 'index', offset: 0, limit: 10 } as const;
      const byName = (userName: string) =>
        ({
          kind: 'compare',
          op: 'eq',
          field: { kind: 'column', column: 'userName' },
          value: userName,
          caseExact: false,
        }) as const;

      // A lookup pins a unique key: the groups come in the user's own row.
      const found = await store().users.query({
        accountId: account.id,
        condition: byName(member.userName),
        page,
        withGroups: true,
      });
      expect(found.users.map((u) => u.id)).toEqual([member.id]);
      expect(found.memberships?.get(member.id)).toEqual(await expected(member.id));
      expect(found.memberships?.get(member.id)?.map((m) => m.groupName)).toEqual(['Alpha', 'zeta']);
      const alone = await store().users.query({
        accountId: account.id,
        condition: byName(loner.userName),
        page,
        withGroups: true,
      });
      expect(alone.users).toHaveLength(1);
      expect(alone.memberships?.size).toBe(0);
      // A page of several users: the same groups, read for the page at once.
      const all = await store().users.query({
        accountId: account.id,
        condition: { kind: 'all' },
        page,
        withGroups: true,
      });
      expect(all.users).toHaveLength(3);
      expect(all.memberships?.get(member.id)).toEqual(await expected(member.id));
      expect(all.memberships?.get(third.id)).toEqual(await expected(third.id));
      expect(all.memberships?.has(loner.id)).toBe(false);
      // Without asking, no groups are read.
      const plain = await store().users.query({
        accountId: account.id,
        condition: byName(member.userName),
        page,
      });
      expect(plain.memberships).toBeUndefined();
      expect(plain.users).toEqual(found.users);
    });

    it('updates with compare-and-set and deletes with the memberships', async () => {
      const { account, users } = await seed(store());
      const group = makeGroup(account.id);
      await store().groups.insert(group);
      const renamed = { ...group, displayName: 'Renamed', version: 2 };
      expect(await store().groups.update(renamed, 1)).toBe(true);
      expect(await store().groups.update({ ...renamed, version: 3 }, 1)).toBe(false);
      expect((await store().groups.findById(account.id, group.id))?.displayName).toBe('Renamed');

      await store().groupMembers.add(
        account.id,
        group.id,
        users.map((u) => u.id),
      );
      expect(await store().groups.delete(account.id, group.id)).toBe(true);
      expect(await store().groups.delete(account.id, group.id)).toBe(false);
      expect(await store().groupMembers.groupsOf(account.id, [users[0]!.id])).toEqual([]);
    });

    it('locks a group inside a transaction and reads it outside one', async () => {
      const { account } = await seed(store(), 0);
      const group = makeGroup(account.id);
      await store().groups.insert(group);
      expect(await store().groups.lock(account.id, group.id)).toEqual(group);
      const inside = await store().transaction((s) => s.groups.lock(account.id, group.id));
      expect(inside).toEqual(group);
    });
  });

  describe('group members', () => {
    it('adds once, removes what exists and counts the rows it changed', async () => {
      const { account, users } = await seed(store(), 4);
      const group = makeGroup(account.id);
      await store().groups.insert(group);
      const [a, b, c, d] = users.map((u) => u.id) as [string, string, string, string];
      expect(await store().groupMembers.add(account.id, group.id, [a, b])).toBe(2);
      expect(await store().groupMembers.add(account.id, group.id, [a, b, c, c])).toBe(1);
      expect(await store().groupMembers.remove(account.id, group.id, [b, d])).toBe(1);
      expect(
        (await store().groupMembers.membersAmong(account.id, group.id, [a, b, c, d])).sort(),
      ).toEqual([a, c].sort());
      expect(await store().groupMembers.removeAll(account.id, group.id)).toBe(2);
      expect(await store().groupMembers.page(account.id, group.id, undefined, 10)).toEqual([]);
    });

    it('pages members in user id order with their display', async () => {
      const { account, users } = await seed(store(), 5);
      const group = makeGroup(account.id);
      await store().groups.insert(group);
      await store().groupMembers.add(
        account.id,
        group.id,
        users.map((u) => u.id),
      );
      const sorted = [...users].sort((x, y) => (x.id < y.id ? -1 : 1));
      const first = await store().groupMembers.page(account.id, group.id, undefined, 2);
      const rest = await store().groupMembers.page(account.id, group.id, first.at(-1)?.userId, 10);
      expect([...first, ...rest].map((m) => m.userId)).toEqual(sorted.map((u) => u.id));
      const byId = new Map([...first, ...rest].map((m) => [m.userId, m.display]));
      for (const user of users) expect(byId.get(user.id)).toBe(user.displayName ?? user.userName);
    });

    it('candidates are the account’s SCIM-visible users only', async () => {
      const { account, users } = await seed(store(), 2);
      const other = await seed(store(), 1);
      const gone = makeUser(account.id, { managedBy: 'app', deprovisionedAt: tick() });
      await store().users.insert(gone);
      const found = await store().groupMembers.candidates(account.id, [
        users[0]!.id,
        users[1]!.id,
        other.users[0]!.id,
        gone.id,
        'unknown',
      ]);
      expect(found.map((m) => m.userId).sort()).toEqual([users[0]!.id, users[1]!.id].sort());
    });

    it('lists a user’s groups and removes a user from all of them', async () => {
      const { account, users } = await seed(store(), 2);
      const [u, v] = users as [(typeof users)[0], (typeof users)[0]];
      const g1 = makeGroup(account.id, { displayName: 'b group' });
      const g2 = makeGroup(account.id, { displayName: 'A group' });
      await store().groups.insert(g1);
      await store().groups.insert(g2);
      await store().groupMembers.add(account.id, g1.id, [u.id, v.id]);
      await store().groupMembers.add(account.id, g2.id, [u.id]);
      expect(await store().groupMembers.groupsOf(account.id, [u.id, v.id])).toEqual(
        [
          { userId: u.id, groupId: g2.id, groupName: 'A group', groupVersion: g2.version },
          { userId: u.id, groupId: g1.id, groupName: 'b group', groupVersion: g1.version },
          { userId: v.id, groupId: g1.id, groupName: 'b group', groupVersion: g1.version },
        ].sort((x, y) => (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0)),
      );
      expect((await store().groupMembers.removeUser(account.id, u.id)).sort()).toEqual(
        [g1.id, g2.id].sort(),
      );
      expect(await store().groupMembers.groupsOf(account.id, [u.id])).toEqual([]);
      expect(await store().groupMembers.membersAmong(account.id, g1.id, [v.id])).toEqual([v.id]);
    });

    it('no membership is lost when many writers add and remove concurrently', async () => {
      const { account, users } = await seed(store(), 40);
      const group = makeGroup(account.id);
      await store().groups.insert(group);
      const ids = users.map((u) => u.id);
      // Everyone is added; every third user is then removed, all in separate transactions.
      await Promise.all(
        ids.map((id) => store().transaction((s) => s.groupMembers.add(account.id, group.id, [id]))),
      );
      await Promise.all(
        ids
          .filter((_, i) => i % 3 === 0)
          .map((id) =>
            store().transaction((s) => s.groupMembers.remove(account.id, group.id, [id])),
          ),
      );
      const members: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store().groupMembers.page(account.id, group.id, after, 7);
        if (page.length === 0) break;
        members.push(...page.map((m) => m.userId));
        after = page.at(-1)?.userId;
      }
      expect(members.sort()).toEqual(ids.filter((_, i) => i % 3 !== 0).sort());
    });
  });

  describe('group queries', () => {
    it('filters by name case-insensitively, by member, and pages by creation order', async () => {
      const { account, users } = await seed(store(), 2);
      const groups = ['Alpha', 'beta', 'Gamma'].map((name) =>
        makeGroup(account.id, { displayName: name, externalId: `ext-${name}` }),
      );
      for (const g of groups) await store().groups.insert(g);
      await store().groupMembers.add(account.id, groups[1]!.id, [users[0]!.id]);
      const names = async (condition: Parameters<Store['groups']['query']>[0]['condition']) =>
        (
          await store().groups.query({
            accountId: account.id,
            condition,
            page: { kind: 'index', offset: 0, limit: 10 },
          })
        ).groups.map((g) => g.displayName);
      expect(
        await names({
          kind: 'compare',
          field: { kind: 'column', column: 'displayName' },
          op: 'eq',
          value: 'ALPHA',
          caseExact: false,
        }),
      ).toEqual(['Alpha']);
      expect(
        await names({
          kind: 'some',
          attribute: 'members',
          condition: {
            kind: 'compare',
            field: { kind: 'element', path: ['value'] },
            op: 'eq',
            value: users[0]!.id,
            caseExact: true,
          },
        }),
      ).toEqual(['beta']);
      expect(
        await names({
          kind: 'not',
          condition: { kind: 'some', attribute: 'members', condition: { kind: 'all' } },
        }),
      ).toEqual(['Alpha', 'Gamma']);

      const first = await store().groups.query({
        accountId: account.id,
        condition: { kind: 'all' },
        page: { kind: 'cursor', limit: 2 },
      });
      expect(first.total).toBe(3);
      const second = await store().groups.query({
        accountId: account.id,
        condition: { kind: 'all' },
        page: { kind: 'cursor', after: first.nextKey, limit: 2 },
      });
      expect([...first.groups, ...second.groups].map((g) => g.displayName)).toEqual([
        'Alpha',
        'beta',
        'Gamma',
      ]);
      expect(second.nextKey).toBeUndefined();
      const sorted = await store().groups.query({
        accountId: account.id,
        condition: { kind: 'all' },
        sort: {
          field: { kind: 'column', column: 'displayName' },
          descending: true,
          caseExact: false,
        },
        page: { kind: 'index', offset: 1, limit: 1 },
      });
      expect(sorted.groups.map((g) => g.displayName)).toEqual(['beta']);
      expect(sorted.total).toBe(3);
    });
  });

  describe('group permission sets', () => {
    it('decides each user’s set by the lowest-priority mapped group they belong to', async () => {
      const { account, users } = await seed(store(), 3);
      const sets: PermissionSet[] = ['Sales', 'Admins'].map((name) => ({
        id: newId('ps'),
        accountId: account.id,
        name,
        isMinimal: false,
        permissions: [],
        createdAt: tick(),
      }));
      for (const set of sets) await store().permissionSets.insert(set);
      const sales = makeGroup(account.id);
      const admins = makeGroup(account.id);
      await store().groups.insert(sales);
      await store().groups.insert(admins);
      expect(await store().groupPermissionSets.any(account.id)).toBe(false);
      await store().groupPermissionSets.put({
        accountId: account.id,
        groupId: sales.id,
        permissionSetId: sets[0]!.id,
        priority: 20,
        createdAt: tick(),
      });
      await store().groupPermissionSets.put({
        accountId: account.id,
        groupId: admins.id,
        permissionSetId: sets[1]!.id,
        priority: 10,
        createdAt: tick(),
      });
      expect(await store().groupPermissionSets.any(account.id)).toBe(true);
      const [u, v, w] = users.map((x) => x.id) as [string, string, string];
      await store().groupMembers.add(account.id, sales.id, [u, v]);
      await store().groupMembers.add(account.id, admins.id, [v]);
      const decided = await store().groupPermissionSets.decisive(account.id, [u, v, w]);
      expect(decided.get(u)?.permissionSetId).toBe(sets[0]!.id);
      expect(decided.get(v)?.permissionSetId).toBe(sets[1]!.id);
      expect(decided.has(w)).toBe(false);
      expect((await store().groupPermissionSets.list(account.id)).map((m) => m.groupId)).toEqual([
        admins.id,
        sales.id,
      ]);
      expect(await store().groupPermissionSets.remove(account.id, admins.id)).toBe(true);
      expect((await store().groupPermissionSets.decisive(account.id, [v])).get(v)?.groupId).toBe(
        sales.id,
      );
    });

    it('assigns a permission set with one write, bumping the version only on change', async () => {
      const { account, users } = await seed(store(), 1);
      const user = users[0]!;
      const at = tick();
      expect(await store().users.assignPermissionSet(account.id, user.id, 'ps_other', at)).toBe(
        true,
      );
      expect(await store().users.assignPermissionSet(account.id, user.id, 'ps_other', at)).toBe(
        false,
      );
      const stored = await store().users.findById(account.id, user.id);
      expect(stored?.permissionSetId).toBe('ps_other');
      expect(stored?.version).toBe(user.version + 1);
      expect(stored?.updatedAt).toBe(at);
    });
  });
}
