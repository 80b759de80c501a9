/**
 * Concurrent PATCHes to one group never lose a member (issue 5; peers.md §3 item 9): many add
 * and remove requests in flight at once, in every dialect, then the exact final membership.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createGroup,
  createUsers,
  memberIds,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

describe.each(STORE_KINDS)('group membership under concurrency (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('60 concurrent adds and removes plus renames: the final membership is exact', async () => {
    const app = getApp();
    const users = await createUsers(app, 'conc', 60);
    const initial = users.slice(0, 30);
    const group = await createGroup(app, unique('Concurrent'), initial);
    const added = users.slice(30);
    const removed = users.slice(0, 15);
    const send = (operations: unknown[]) =>
      app.request('PATCH', `${SCIM}/Groups/${group.id}`, { body: patchOp(...operations) });
    const requests = [
      // Okta style: value + display.
      ...added
        .slice(0, 15)
        .map((id) => send([{ op: 'add', path: 'members', value: [{ value: id, display: id }] }])),
      // Entra style: capitalised op, $ref null.
      ...added
        .slice(15)
        .map((id) => send([{ op: 'Add', path: 'members', value: [{ $ref: null, value: id }] }])),
      // Okta / Entra-with-flag removal by filter, and Entra / JumpCloud removal by value.
      ...removed.map((id, i) =>
        send([
          i % 2 === 0
            ? { op: 'remove', path: `members[value eq "${id}"]` }
            : { op: 'Remove', path: 'members', value: [{ value: id }] },
        ]),
      ),
      // Okta re-sends the name with every membership push.
      ...Array.from({ length: 5 }, () =>
        send([{ op: 'replace', value: { id: group.id, displayName: group.displayName } }]),
      ),
    ];
    // Shuffled, so adds, removes and renames interleave.
    const responses = await Promise.all(requests.sort(() => Math.random() - 0.5));
    for (const response of responses) expect(response.status, response.text).toBe(204);

    const expected = [...users.slice(15)].sort();
    expect(await memberIds(app, group.id)).toEqual(expected);
    const stored = await app.directory.store.groups.findById(app.accountId, group.id);
    expect(stored?.memberCount).toBe(45);
    // Every effective membership change bumped the version once; the renames changed nothing.
    expect(stored?.version).toBe(1 + added.length + removed.length);
  });

  it('concurrent replaces and adds: the result is one of the serial outcomes', async () => {
    const app = getApp();
    const users = await createUsers(app, 'rep', 12);
    const group = await createGroup(app, unique('Replace race'), users.slice(0, 4));
    const replacement = users.slice(4, 8);
    const extra = users.slice(8);
    await Promise.all([
      app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
        body: patchOp({
          op: 'replace',
          path: 'members',
          value: replacement.map((value) => ({ value })),
        }),
      }),
      ...extra.map((id) =>
        app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
          body: patchOp({ op: 'add', path: 'members', value: [{ value: id }] }),
        }),
      ),
    ]);
    const members = await memberIds(app, group.id);
    // The replace ran at some point in the serial order: every member is either the replacement
    // or an add, the replacement is whole, and the adds that came after it are present.
    expect(members).toEqual(expect.arrayContaining(replacement));
    for (const id of members) expect([...replacement, ...extra]).toContain(id);
    const stored = await app.directory.store.groups.findById(app.accountId, group.id);
    expect(stored?.memberCount).toBe(members.length);
  });

  it('users deleted while they are being added to groups end up in none; counts stay exact', async () => {
    const app = getApp();
    const users = await createUsers(app, 'gone', 16);
    const first = await createGroup(app, unique('Deleted members A'), users.slice(0, 8));
    const second = await createGroup(app, unique('Deleted members B'));
    const doomed = users.filter((_, i) => i % 2 === 0);
    const responses = await Promise.all(
      [
        ...users.map((value) =>
          app.request('PATCH', `${SCIM}/Groups/${second.id}`, {
            body: patchOp({ op: 'add', path: 'members', value: [{ value }] }),
          }),
        ),
        ...users.slice(8).map((value) =>
          app.request('PATCH', `${SCIM}/Groups/${first.id}`, {
            body: patchOp({ op: 'add', path: 'members', value: [{ value }] }),
          }),
        ),
        ...doomed.map((id) => app.request('DELETE', `${SCIM}/Users/${id}`)),
      ].sort(() => Math.random() - 0.5),
    );
    for (const response of responses) expect([204]).toContain(response.status);
    const kept = users.filter((_, i) => i % 2 === 1).sort();
    for (const group of [first, second]) {
      expect(await memberIds(app, group.id)).toEqual(kept);
      const stored = await app.directory.store.groups.findById(app.accountId, group.id);
      expect(stored?.memberCount).toBe(kept.length);
    }
  });
});
