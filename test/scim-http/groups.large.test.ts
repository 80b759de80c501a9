/**
 * Large groups: members beyond one page (1,000) are streamed page by page, in user id order,
 * and every member arrives exactly once; membership PATCHes still name only their members.
 */
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/directory/model.ts';
import { STORE_KINDS, type TestApp } from '../helpers/create-test-app.ts';
import { createGroup, patchOp, SCIM, unique, useTestApp } from './scim-test-kit.ts';

const SIZE = 2_500;

async function seedMembers(app: TestApp, groupId: string, count: number): Promise<string[]> {
  const minimal = await app.directory.store.permissionSets.findMinimal(app.accountId);
  const now = new Date().toISOString();
  const prefix = unique('big');
  const users: User[] = Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${String(i).padStart(5, '0')}`,
    accountId: app.accountId,
    userName: `${prefix}-${i}@example.com`,
    externalId: null,
    email: `${prefix}-${i}@example.com`,
    displayName: `Member ${i}`,
    givenName: null,
    familyName: null,
    active: true,
    superAdmin: false,
    permissionSetId: minimal?.id ?? '',
    managedBy: 'scim',
    deprovisionedAt: null,
    profile: {},
    multiValued: {},
    createdAt: now,
    updatedAt: now,
    version: 1,
  }));
  await app.directory.store.users.insertMany(users);
  const ids = users.map((u) => u.id);
  await app.directory.store.groupMembers.add(app.accountId, groupId, ids);
  const group = await app.directory.store.groups.findById(app.accountId, groupId);
  if (!group) throw new Error('group vanished');
  await app.directory.store.groups.update(
    { ...group, memberCount: group.memberCount + count, version: group.version + 1 },
    group.version,
  );
  return ids;
}

describe.each(STORE_KINDS)('large groups (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('GET streams every member of a group larger than one page, once each, in id order', async () => {
    const app = getApp();
    const group = await createGroup(app, unique('Big'));
    const ids = await seedMembers(app, group.id, SIZE);
    const response = await app.request('GET', `${SCIM}/Groups/${group.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('W/"2"');
    const members = response.body.members as { value: string; display: string }[];
    expect(members).toHaveLength(SIZE);
    expect(members.map((m) => m.value)).toEqual([...ids].sort());
    expect(members[0]?.display).toBe('Member 0');
    expect(response.body).toMatchObject({ id: group.id, displayName: group.displayName });

    // Member pages read, counted on the real store (calls pass through).
    const memberStore = app.directory.store.groupMembers;
    const page = memberStore.page;
    let pagesRead = 0;
    memberStore.page = (...args) => {
      pagesRead++;
      return page.apply(memberStore, args);
    };
    try {
      const excluded = await app.request(
        'GET',
        `${SCIM}/Groups/${group.id}?excludedAttributes=members`,
      );
      expect(excluded.body).not.toHaveProperty('members');
      expect(excluded.text.length).toBeLessThan(1000);
      const named = await app.request('GET', `${SCIM}/Groups/${group.id}?attributes=displayName`);
      expect(named.body).not.toHaveProperty('members');
      expect(pagesRead).toBe(0);
      await app.request('GET', `${SCIM}/Groups/${group.id}`);
      // 2,500 members: three pages of at most 1,000, never the whole group at once.
      expect(pagesRead).toBe(3);
    } finally {
      memberStore.page = page;
    }

    const listed = await app.request(
      'GET',
      `${SCIM}/Groups?filter=${encodeURIComponent(`displayName eq "${group.displayName}"`)}`,
    );
    expect(listed.body.totalResults).toBe(1);
    expect(listed.body.Resources[0].members).toHaveLength(SIZE);
  });

  it('PATCH add and remove of one member in a large group keep the rest and the count', async () => {
    const app = getApp();
    const group = await createGroup(app, unique('Big patch'));
    const ids = await seedMembers(app, group.id, SIZE);
    const [newcomer] = await seedMembers(app, (await createGroup(app, unique('Elsewhere'))).id, 1);
    const add = await app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
      body: patchOp({ op: 'add', path: 'members', value: [{ value: newcomer }] }),
    });
    expect(add.status).toBe(204);
    const remove = await app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
      body: patchOp({ op: 'remove', path: `members[value eq "${ids[7]}"]` }),
    });
    expect(remove.status).toBe(204);
    const stored = await app.directory.store.groups.findById(app.accountId, group.id);
    expect(stored?.memberCount).toBe(SIZE);
    const response = await app.request(
      'GET',
      `${SCIM}/Groups/${group.id}?attributes=members.value`,
    );
    const values = (response.body.members as { value: string }[]).map((m) => m.value);
    expect(values).toHaveLength(SIZE);
    expect(values).toContain(newcomer);
    expect(values).not.toContain(ids[7]);
  });
});
