/**
 * Group PATCH in every membership dialect (checklist 61–64; peers.md §3 items 1, 9, 10) and the
 * rule for unknown member ids (docs/idp-compatibility.md, "Groups").
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createGroup,
  createUsers,
  expectScimError,
  memberIds,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

describe.each(STORE_KINDS)('group PATCH (%s)', (kind) => {
  const getApp = useTestApp(kind);
  const patch = (groupId: string, ...operations: unknown[]) =>
    getApp().request('PATCH', `${SCIM}/Groups/${groupId}`, { body: patchOp(...operations) });

  it('bounds one PATCH: at most 1,000 operations and 10 member filters that read every member', async () => {
    const app = getApp();
    const [a] = (await createUsers(app, 'bound', 1)) as [string];
    const group = await createGroup(app, unique('Bounded'), [a]);
    // Found by fuzzing: 2,000 filtered removals held the group (and its lock) for 21 s.
    const scanning = Array.from({ length: 11 }, (_, i) => ({
      op: 'remove',
      path: `members[display co "x${i}"]`,
    }));
    const tooManyScans = await patch(group.id, ...scanning);
    expect(tooManyScans.status, tooManyScans.text).toBe(400);
    expect(tooManyScans.body.detail).toMatch(/at most 10 member filters/);
    const many = Array.from({ length: 1001 }, () => ({
      op: 'replace',
      path: 'displayName',
      value: group.displayName,
    }));
    const tooMany = await patch(group.id, ...many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.detail).toMatch(/at most 1000 operations/);
    // Ten filters, and value eq by the hundred, are fine.
    expect((await patch(group.id, ...scanning.slice(0, 10))).status).toBe(204);
    const named = Array.from({ length: 200 }, (_, i) => ({
      op: 'remove',
      path: `members[value eq "no-such-${i}"]`,
    }));
    expect((await patch(group.id, ...named)).status).toBe(204);
    expect(await memberIds(app, group.id)).toEqual([a]);
  });

  it('#61 Add members with one value, with value+display, and several in one PATCH → 204', async () => {
    const app = getApp();
    const [a, b, c, d] = (await createUsers(app, 'add', 4)) as [string, string, string, string];
    const group = await createGroup(app, unique('Add'));
    const one = await patch(group.id, {
      op: 'Add',
      path: 'members',
      value: [{ $ref: null, value: a }],
    });
    expect(one.status, one.text).toBe(204);
    expect(one.text).toBe('');
    expect(one.headers.get('etag')).toBe('W/"2"');
    await patch(group.id, {
      op: 'add',
      path: 'members',
      value: [{ value: b, display: 'ignored display' }],
    });
    await patch(
      group.id,
      { op: 'add', path: 'members', value: [{ value: c }] },
      { op: 'add', path: 'members', value: [{ value: d }] },
    );
    expect(await memberIds(app, group.id)).toEqual([a, b, c, d].sort());
  });

  it('peers §3.10: adding a present member or removing an absent one succeeds and changes nothing', async () => {
    const app = getApp();
    const [a, b] = (await createUsers(app, 'idem', 2)) as [string, string];
    const group = await createGroup(app, unique('Idempotent'), [a]);
    const again = await patch(group.id, { op: 'add', path: 'members', value: [{ value: a }] });
    expect(again.status).toBe(204);
    expect(again.headers.get('etag')).toBe('W/"1"');
    const absent = await patch(group.id, { op: 'remove', path: `members[value eq "${b}"]` });
    expect(absent.status).toBe(204);
    expect(absent.headers.get('etag')).toBe('W/"1"');
    expect(await memberIds(app, group.id)).toEqual([a]);
  });

  it('#62 Entra/JumpCloud remove with a value array removes only those members', async () => {
    const app = getApp();
    const ids = (await createUsers(app, 'rmv', 4)) as [string, string, string, string];
    const group = await createGroup(app, unique('Remove values'), ids);
    const response = await patch(group.id, {
      op: 'Remove',
      path: 'members',
      value: [{ value: ids[1] }, { value: ids[3] }],
    });
    expect(response.status, response.text).toBe(204);
    expect(await memberIds(app, group.id)).toEqual([ids[0], ids[2]].sort());
    // An empty value array removes nothing: never an accidental "empty the group".
    await patch(group.id, { op: 'remove', path: 'members', value: [] });
    expect(await memberIds(app, group.id)).toEqual([ids[0], ids[2]].sort());
  });

  it('#62 remove members[value eq "id"] removes one; an or-filter removes several', async () => {
    const app = getApp();
    const ids = (await createUsers(app, 'rmf', 4)) as [string, string, string, string];
    const group = await createGroup(app, unique('Remove filter'), ids);
    await patch(group.id, { op: 'remove', path: `members[value eq "${ids[0]}"]` });
    expect(await memberIds(app, group.id)).toEqual([ids[1], ids[2], ids[3]].sort());
    await patch(group.id, {
      op: 'remove',
      path: `members[value eq "${ids[1]}" or value eq "${ids[2]}"]`,
    });
    expect(await memberIds(app, group.id)).toEqual([ids[3]]);
  });

  it('remove by a filter on another sub-attribute removes the members it matches', async () => {
    const app = getApp();
    const ids = (await createUsers(app, 'rmd', 3)) as [string, string, string];
    const group = await createGroup(app, unique('Remove display'), ids);
    await app.request('PATCH', `${SCIM}/Users/${ids[0]}`, {
      body: patchOp({ op: 'replace', path: 'displayName', value: 'Leaving Soon' }),
    });
    const response = await patch(group.id, {
      op: 'remove',
      path: 'members[display sw "Leaving"]',
    });
    expect(response.status, response.text).toBe(204);
    expect(await memberIds(app, group.id)).toEqual([ids[1], ids[2]].sort());
    expectScimError(
      await patch(group.id, { op: 'remove', path: 'members[nickName eq "x"]' }),
      400,
      'invalidFilter',
    );
    expect(await memberIds(app, group.id)).toEqual([ids[1], ids[2]].sort());
  });

  it('#62 remove members with no value empties the group', async () => {
    const app = getApp();
    const ids = await createUsers(app, 'rma', 3);
    const group = await createGroup(app, unique('Remove all'), ids);
    expect((await patch(group.id, { op: 'remove', path: 'members' })).status).toBe(204);
    const after = await app.request('GET', `${SCIM}/Groups/${group.id}`);
    expect(after.body).not.toHaveProperty('members');
    expect(after.body.meta.version).toBe('W/"2"');
  });

  it('#63 replace members sets the exact list; Okta pushes it path-less too', async () => {
    const app = getApp();
    const ids = (await createUsers(app, 'rpl', 4)) as [string, string, string, string];
    const group = await createGroup(app, unique('Replace'), [ids[0], ids[1]]);
    await patch(group.id, {
      op: 'replace',
      path: 'members',
      value: [{ value: ids[1] }, { value: ids[2] }],
    });
    expect(await memberIds(app, group.id)).toEqual([ids[1], ids[2]].sort());
    await patch(group.id, { op: 'replace', value: { members: [{ value: ids[3] }] } });
    expect(await memberIds(app, group.id)).toEqual([ids[3]]);
    await patch(group.id, { op: 'add', value: { members: [{ value: ids[0] }] } });
    expect(await memberIds(app, group.id)).toEqual([ids[0], ids[3]].sort());
  });

  it('#63 Okta rename: path-less replace echoing the group id renames, a different id is refused', async () => {
    const app = getApp();
    const [member] = (await createUsers(app, 'ren', 1)) as [string];
    const group = await createGroup(app, unique('Okta'), [member]);
    const name = unique('Okta renamed');
    const renamed = await patch(group.id, {
      op: 'replace',
      value: { id: group.id, displayName: name },
    });
    expect(renamed.status, renamed.text).toBe(204);
    const read = await app.request('GET', `${SCIM}/Groups/${group.id}`);
    expect(read.body.displayName).toBe(name);
    expect(read.body.members.map((m: { value: string }) => m.value)).toEqual([member]);
    expectScimError(
      await patch(group.id, { op: 'replace', value: { id: 'another-id', displayName: 'x' } }),
      400,
      'mutability',
    );
    // Entra renames with a path.
    const entraName = unique('Entra renamed');
    await patch(group.id, { op: 'Replace', path: 'displayName', value: entraName });
    expect((await app.request('GET', `${SCIM}/Groups/${group.id}`)).body.displayName).toBe(
      entraName,
    );
  });

  it('#64 PATCH answers 200 with the group (members as asked) when attributes are requested', async () => {
    const app = getApp();
    const [a] = (await createUsers(app, 'r200', 1)) as [string];
    const group = await createGroup(app, unique('Two hundred'));
    const response = await app.request(
      'PATCH',
      `${SCIM}/Groups/${group.id}?excludedAttributes=members`,
      { body: patchOp({ op: 'add', path: 'members', value: [{ value: a }] }) },
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: group.id, meta: { version: 'W/"2"' } });
    expect(response.body).not.toHaveProperty('members');
  });

  it('unknown member ids are skipped and logged as a warning; the rest of the PATCH applies', async () => {
    const app = getApp();
    const [a, b] = (await createUsers(app, 'unk', 2)) as [string, string];
    const group = await createGroup(app, unique('Unknown'), [b]);
    const response = await patch(
      group.id,
      { op: 'add', path: 'members', value: [{ value: a }, { value: 'no-such-user' }] },
      { op: 'replace', path: 'displayName', value: `${group.displayName} renamed` },
      { op: 'remove', path: 'members', value: [{ value: b }, { value: 'also-unknown' }] },
    );
    expect(response.status, response.text).toBe(204);
    const read = await app.request('GET', `${SCIM}/Groups/${group.id}`);
    expect(read.body.displayName).toBe(`${group.displayName} renamed`);
    expect(read.body.members.map((m: { value: string }) => m.value)).toEqual([a]);
    await app.flushLog();
    const events = await app.directory.provisioningLog.list({
      accountId: app.accountId,
      limit: 20,
    });
    const event = events.find((e) => e.method === 'PATCH' && e.path.includes(group.id));
    expect(event?.outcome).toBe('warning');
    expect(event?.explanation).toContain("'no-such-user'");
    expect(event?.explanation).not.toContain('also-unknown');
    // POST with an unknown member creates the group with the known ones, also with a warning.
    const created = await app.request('POST', `${SCIM}/Groups`, {
      body: { displayName: unique('Created'), members: [{ value: a }, { value: 'ghost' }] },
    });
    expect(created.status).toBe(201);
    expect(created.body.members.map((m: { value: string }) => m.value)).toEqual([a]);
  });

  it('a PATCH is atomic: a bad operation after good ones leaves the group untouched', async () => {
    const app = getApp();
    const [a, b] = (await createUsers(app, 'atm', 2)) as [string, string];
    const group = await createGroup(app, unique('Atomic'), [a]);
    for (const bad of [
      { op: 'remove' },
      { op: 'add', path: 'members[value eq "x"]', value: [{ value: b }] },
      { op: 'replace', path: 'members[value eq "x"].display', value: 'x' },
      { op: 'add', path: 'members', value: [{ display: 'no value' }] },
      { op: 'replace', path: 'displayName', value: null },
      { op: 'frobnicate', path: 'members' },
    ]) {
      const response = await patch(
        group.id,
        { op: 'add', path: 'members', value: [{ value: b }] },
        { op: 'remove', path: 'members' },
        bad,
      );
      expect(response.status, `${JSON.stringify(bad)}: ${response.text}`).toBe(400);
      expect(await memberIds(app, group.id)).toEqual([a]);
    }
    const read = await app.request('GET', `${SCIM}/Groups/${group.id}`);
    expect(read.body.meta.version).toBe('W/"1"');
  });
});
