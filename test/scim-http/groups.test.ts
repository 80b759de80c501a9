/**
 * /Groups CRUD, filters, projection and the User resource's `groups` (checklist 58–60, 64, 65;
 * peers.md §3 items 7, 8).
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createGroup,
  createOtherTenant,
  createUser,
  createUsers,
  expectListResponse,
  expectScimError,
  GROUP_SCHEMA,
  memberIds,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

describe.each(STORE_KINDS)('groups (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('#59 POST with members: [] and the extra Entra URN → 201 with Location, ETag and meta', async () => {
    const app = getApp();
    const name = unique('Sales EMEA');
    const response = await app.request('POST', `${SCIM}/Groups`, {
      body: {
        schemas: [
          GROUP_SCHEMA,
          'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
        ],
        externalId: 'entra-object-id',
        displayName: name,
        members: [],
      },
    });
    expect(response.status, response.text).toBe(201);
    const group = response.body;
    expect(group).toMatchObject({
      schemas: [GROUP_SCHEMA],
      displayName: name,
      externalId: 'entra-object-id',
      meta: { resourceType: 'Group', version: 'W/"1"' },
    });
    expect(group).not.toHaveProperty('members');
    expect(response.headers.get('location')).toBe(group.meta.location);
    expect(group.meta.location).toMatch(new RegExp(`/scim/v2/Groups/${group.id}$`));
    expect(response.headers.get('etag')).toBe('W/"1"');
  });

  it('#59 a duplicate displayName, in any case, is 409 uniqueness; a missing one is 400', async () => {
    const app = getApp();
    const name = unique('Dup');
    await createGroup(app, name);
    expectScimError(
      await app.request('POST', `${SCIM}/Groups`, {
        body: { schemas: [GROUP_SCHEMA], displayName: name.toUpperCase() },
      }),
      409,
      'uniqueness',
    );
    expectScimError(
      await app.request('POST', `${SCIM}/Groups`, { body: { schemas: [GROUP_SCHEMA] } }),
      400,
      'invalidValue',
    );
    // A rename onto another group's name is a conflict too, and changes nothing.
    const other = await createGroup(app, unique('Other'));
    expectScimError(
      await app.request('PATCH', `${SCIM}/Groups/${other.id}`, {
        body: patchOp({ op: 'replace', path: 'displayName', value: name }),
      }),
      409,
      'uniqueness',
    );
    const after = await app.request('GET', `${SCIM}/Groups/${other.id}`);
    expect(after.body.displayName).toBe(other.displayName);
    expect(after.body.meta.version).toBe('W/"1"');
  });

  it('peers §3.8: members in a POST body are applied, with display, $ref and type', async () => {
    const app = getApp();
    const ada = await createUser(app, unique('ada'), { displayName: 'Ada Lovelace' });
    const bob = await createUser(app, unique('bob'));
    const group = await createGroup(app, unique('Engineers'), [ada.id, bob.id]);
    const byId = new Map((group.members as { value: string }[]).map((m) => [m.value, m] as const));
    expect(byId.get(ada.id)).toEqual({
      value: ada.id,
      display: 'Ada Lovelace',
      $ref: `http://roster.test/scim/v2/Users/${ada.id}`,
      type: 'User',
    });
    expect(byId.get(bob.id)).toMatchObject({ value: bob.id, display: bob.userName });
    expect(await memberIds(app, group.id)).toEqual([ada.id, bob.id].sort());
  });

  it('#58 list and filter by displayName (case-insensitively), externalId and member', async () => {
    const app = getApp();
    const [member] = await createUsers(app, 'flt', 1);
    const name = unique('Filter Target');
    const target = await createGroup(app, name, [member as string]);
    await createGroup(app, unique('Filter Other'));
    const find = (filter: string, extra = '') =>
      app.request('GET', `${SCIM}/Groups?filter=${encodeURIComponent(filter)}${extra}`);

    const byName = await find(`displayName eq "${name.toUpperCase()}"`);
    expectListResponse(byName);
    expect(byName.body.Resources.map((g: { id: string }) => g.id)).toEqual([target.id]);
    expect(byName.body.totalResults).toBe(1);

    const byMember = await find(`members[value eq "${member}"]`);
    expect(byMember.body.Resources.map((g: { id: string }) => g.id)).toEqual([target.id]);
    const byMemberValue = await find(`members.value eq "${member}"`);
    expect(byMemberValue.body.Resources.map((g: { id: string }) => g.id)).toEqual([target.id]);

    const entraProbe = await find('displayName eq "no such group"', '&excludedAttributes=members');
    expectListResponse(entraProbe);
    expect(entraProbe.body).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });

    const searched = await app.request('POST', `${SCIM}/Groups/.search`, {
      body: { filter: `displayName eq "${name}"`, excludedAttributes: ['members'] },
    });
    expectListResponse(searched);
    expect(searched.body.Resources.map((g: { id: string }) => g.id)).toEqual([target.id]);
    expect(searched.body.Resources[0]).not.toHaveProperty('members');

    expectScimError(await find('displayName eq'), 400, 'invalidFilter');
    expectScimError(await find('userName eq "x"'), 400, 'invalidFilter');
    expectScimError(await find('members[nope eq "x"]'), 400, 'invalidFilter');
  });

  it('#58 pages through every group by index and by cursor, stably', async () => {
    const app = getApp();
    const prefix = unique('Page');
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createGroup(app, `${prefix} ${i}`)).id);
    const filter = encodeURIComponent(`displayName sw "${prefix}"`);
    const seen: string[] = [];
    for (let start = 1; start <= 5; start += 2) {
      const page = await app.request(
        'GET',
        `${SCIM}/Groups?filter=${filter}&startIndex=${start}&count=2`,
      );
      expectListResponse(page);
      expect(page.body.totalResults).toBe(5);
      seen.push(...page.body.Resources.map((g: { id: string }) => g.id));
    }
    expect(seen).toEqual(created);

    const walked: string[] = [];
    let cursor = '';
    for (;;) {
      const page = await app.request(
        'GET',
        `${SCIM}/Groups?filter=${filter}&count=2&cursor=${encodeURIComponent(cursor)}`,
      );
      expectListResponse(page);
      walked.push(...page.body.Resources.map((g: { id: string }) => g.id));
      if (!page.body.nextCursor) break;
      cursor = page.body.nextCursor;
    }
    expect(walked).toEqual(created);

    const sorted = await app.request(
      'GET',
      `${SCIM}/Groups?filter=${filter}&sortBy=displayName&sortOrder=descending&count=1`,
    );
    expect(sorted.body.Resources[0].id).toBe(created[4]);
  });

  it('#60 excludedAttributes=members and attributes are honoured on reads and lists', async () => {
    const app = getApp();
    const [member] = await createUsers(app, 'proj', 1);
    const group = await createGroup(app, unique('Projected'), [member as string]);
    const excluded = await app.request(
      'GET',
      `${SCIM}/Groups/${group.id}?excludedAttributes=members`,
    );
    expect(excluded.status).toBe(200);
    expect(excluded.body).not.toHaveProperty('members');
    expect(excluded.body).toMatchObject({ id: group.id, displayName: group.displayName });

    const only = await app.request('GET', `${SCIM}/Groups/${group.id}?attributes=members.value`);
    expect(only.body).toEqual({
      schemas: [GROUP_SCHEMA],
      id: group.id,
      members: [{ value: member }],
    });

    const listed = await app.request(
      'GET',
      `${SCIM}/Groups?filter=${encodeURIComponent(`id eq "${group.id}"`)}&excludedAttributes=members`,
    );
    expect(listed.body.Resources).toHaveLength(1);
    expect(listed.body.Resources[0]).not.toHaveProperty('members');
    const listedFull = await app.request(
      'GET',
      `${SCIM}/Groups?filter=${encodeURIComponent(`id eq "${group.id}"`)}`,
    );
    expect(listedFull.body.Resources[0].members).toEqual([
      expect.objectContaining({ value: member }),
    ]);
  });

  it('#66 ETags: If-None-Match → 304, a stale If-Match → 412 and nothing changes', async () => {
    const app = getApp();
    const group = await createGroup(app, unique('Tagged'));
    const notModified = await app.request('GET', `${SCIM}/Groups/${group.id}`, {
      headers: { 'If-None-Match': 'W/"1"' },
    });
    expect(notModified.status).toBe(304);
    const renamed = unique('Renamed');
    const patched = await app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
      headers: { 'If-Match': 'W/"1"' },
      body: patchOp({ op: 'replace', path: 'displayName', value: renamed }),
    });
    expect(patched.status, patched.text).toBe(204);
    expect(patched.headers.get('etag')).toBe('W/"2"');
    expectScimError(
      await app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
        headers: { 'If-Match': 'W/"1"' },
        body: patchOp({ op: 'replace', path: 'displayName', value: unique('Lost') }),
      }),
      412,
    );
    expectScimError(
      await app.request('DELETE', `${SCIM}/Groups/${group.id}`, {
        headers: { 'If-Match': 'W/"1"' },
      }),
      412,
    );
    const current = await app.request('GET', `${SCIM}/Groups/${group.id}`);
    expect(current.body.displayName).toBe(renamed);
    expect(current.headers.get('etag')).toBe('W/"2"');
  });

  it('PUT replaces name and members exactly, members applied from the body', async () => {
    const app = getApp();
    const [a, b, c] = (await createUsers(app, 'put', 3)) as [string, string, string];
    const group = await createGroup(app, unique('Put'), [a, b]);
    const name = unique('Put renamed');
    const put = await app.request('PUT', `${SCIM}/Groups/${group.id}`, {
      body: {
        schemas: [GROUP_SCHEMA],
        id: group.id,
        displayName: name,
        members: [{ value: b }, { value: c }],
        meta: { resourceType: 'Group' },
      },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.displayName).toBe(name);
    expect(put.body.meta.version).toBe('W/"2"');
    expect((put.body.members as { value: string }[]).map((m) => m.value).sort()).toEqual(
      [b, c].sort(),
    );
    expect(await memberIds(app, group.id)).toEqual([b, c].sort());
    // The same PUT again changes nothing, so the version stays.
    const again = await app.request('PUT', `${SCIM}/Groups/${group.id}`, {
      body: { schemas: [GROUP_SCHEMA], displayName: name, members: [{ value: c }, { value: b }] },
    });
    expect(again.body.meta.version).toBe('W/"2"');
  });

  it('#64 DELETE → 204, then 404 for GET, PATCH and DELETE; the name is free again', async () => {
    const app = getApp();
    const [member] = await createUsers(app, 'del', 1);
    const name = unique('Doomed');
    const group = await createGroup(app, name, [member as string]);
    expect((await app.request('DELETE', `${SCIM}/Groups/${group.id}`)).status).toBe(204);
    expectScimError(await app.request('GET', `${SCIM}/Groups/${group.id}`), 404);
    expectScimError(
      await app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
        body: patchOp({ op: 'add', path: 'members', value: [{ value: member }] }),
      }),
      404,
    );
    expectScimError(await app.request('DELETE', `${SCIM}/Groups/${group.id}`), 404);
    const user = await app.request('GET', `${SCIM}/Users/${member}`);
    expect(user.body).not.toHaveProperty('groups');
    await createGroup(app, name);
  });

  it('User resource: read-only groups reflect memberships; sent groups are ignored', async () => {
    const app = getApp();
    const user = await createUser(app, unique('member'), {
      groups: [{ value: 'not-a-group', display: 'Ignored' }],
    });
    expect(user).not.toHaveProperty('groups');
    const b = await createGroup(app, unique('b-team'), [user.id]);
    const a = await createGroup(app, unique('A-team'), [user.id]);
    const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
    expect(read.body.groups).toEqual([
      {
        value: a.id,
        $ref: `http://roster.test/scim/v2/Groups/${a.id}`,
        display: a.displayName,
        type: 'direct',
      },
      {
        value: b.id,
        $ref: `http://roster.test/scim/v2/Groups/${b.id}`,
        display: b.displayName,
        type: 'direct',
      },
    ]);
    const listed = await app.request(
      'GET',
      `${SCIM}/Users?filter=${encodeURIComponent(`id eq "${user.id}"`)}`,
    );
    expect(listed.body.Resources[0].groups.map((g: { value: string }) => g.value)).toEqual([
      a.id,
      b.id,
    ]);
    const excluded = await app.request('GET', `${SCIM}/Users/${user.id}?excludedAttributes=groups`);
    expect(excluded.body).not.toHaveProperty('groups');
    // A PATCH on the user keeps memberships; the response shows them.
    const patched = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', path: 'displayName', value: 'Renamed Member' }),
    });
    expect(patched.body.groups).toHaveLength(2);
    // ...and the member's display follows the user.
    const group = await app.request('GET', `${SCIM}/Groups/${a.id}`);
    expect(group.body.members).toEqual([
      expect.objectContaining({ value: user.id, display: 'Renamed Member' }),
    ]);
  });

  it('filters users by their groups: value, display (case-insensitively), type, pr and not', async () => {
    const app = getApp();
    const tag = unique('gf').toLowerCase();
    const [inBoth, inSales, inNone] = await createUsers(app, `${tag}-`, 3);
    const sales = await createGroup(app, `${tag} Sales`, [inBoth!, inSales!]);
    const support = await createGroup(app, `${tag} Support`, [inBoth!]);
    // Scoped to this test's users: other tests share the tenant.
    const ids = async (filter: string) => {
      const scoped = `userName sw "${tag}-" and (${filter})`;
      const response = await app.request(
        'GET',
        `${SCIM}/Users?filter=${encodeURIComponent(scoped)}&attributes=id`,
      );
      expect(response.status, response.text).toBe(200);
      return (response.body.Resources as { id: string }[]).map((r) => r.id).sort();
    };
    const sorted = (...values: (string | undefined)[]) => (values as string[]).sort();
    expect(await ids(`groups.value eq "${sales.id}"`)).toEqual(sorted(inBoth, inSales));
    expect(await ids(`groups[value eq "${support.id}"]`)).toEqual([inBoth]);
    expect(await ids(`groups.display eq "${tag.toUpperCase()} SALES"`)).toEqual(
      sorted(inBoth, inSales),
    );
    expect(await ids('groups[display co "SUPPORT"]')).toEqual([inBoth]);
    expect(await ids('groups.type eq "direct"')).toEqual(sorted(inBoth, inSales));
    expect(await ids('groups.type eq "indirect"')).toEqual([]);
    expect(await ids('groups pr')).toEqual(sorted(inBoth, inSales));
    expect(await ids('not (groups pr)')).toEqual([inNone]);
    expect(await ids(`not (groups.value eq "${support.id}")`)).toEqual(sorted(inSales, inNone));
    expect(
      await ids(`groups[value eq "${sales.id}"] and groups[value eq "${support.id}"]`),
    ).toEqual([inBoth]);
    // The same query as a POST /.search body.
    const searched = await app.request('POST', `${SCIM}/Users/.search`, {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: `userName sw "${tag}-" and groups.value eq "${support.id}"`,
      },
    });
    expect(searched.body.Resources.map((r: { id: string }) => r.id)).toEqual([inBoth]);
    // Leaving a group is seen by the next filter.
    await app.request('PATCH', `${SCIM}/Groups/${sales.id}`, {
      body: patchOp({ op: 'remove', path: `members[value eq "${inSales}"]` }),
    });
    expect(await ids(`groups.value eq "${sales.id}"`)).toEqual([inBoth]);
  });
  it('a deactivated user stays a member; a user the IdP deletes leaves every group', async () => {
    const app = getApp();
    const [kept, deleted] = (await createUsers(app, 'life', 2)) as [string, string];
    const group = await createGroup(app, unique('Lifecycle'), [kept, deleted]);
    const deactivated = await app.request('PATCH', `${SCIM}/Users/${kept}`, {
      body: patchOp({ op: 'replace', path: 'active', value: false }),
    });
    expect(deactivated.body.active).toBe(false);
    expect(deactivated.body.groups).toEqual([expect.objectContaining({ value: group.id })]);
    expect((await app.request('DELETE', `${SCIM}/Users/${deleted}`)).status).toBe(204);
    const after = await app.request('GET', `${SCIM}/Groups/${group.id}`);
    expect(after.body.members.map((m: { value: string }) => m.value)).toEqual([kept]);
    // Leaving changed the group, so its version moved.
    expect(after.body.meta.version).toBe('W/"2"');
    // The user the IdP deleted cannot be added back until it is created again.
    const readd = await app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
      body: patchOp({ op: 'add', path: 'members', value: [{ value: deleted }] }),
    });
    expect(readd.status).toBe(204);
    expect(await memberIds(app, group.id)).toEqual([kept]);
  });

  it('#65 membership never changes a user’s permission set (no mapping configured)', async () => {
    const app = getApp();
    const [member] = (await createUsers(app, 'perm', 1)) as [string];
    const before = await app.directory.store.users.findById(app.accountId, member);
    const group = await createGroup(app, unique('Perm'), [member]);
    await app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
      body: patchOp({ op: 'remove', path: 'members' }),
    });
    const after = await app.directory.store.users.findById(app.accountId, member);
    expect(after?.permissionSetId).toBe(before?.permissionSetId);
    expect(after?.version).toBe(before?.version);
  });

  it('tenants never see or touch each other’s groups or members', async () => {
    const app = getApp();
    const other = await createOtherTenant(app);
    const [mine] = (await createUsers(app, 'iso', 1)) as [string];
    const group = await createGroup(app, unique('Mine'), [mine]);
    const asOther = { token: other.token };
    expectScimError(await app.request('GET', `${SCIM}/Groups/${group.id}`, asOther), 404);
    expectScimError(
      await app.request('PATCH', `${SCIM}/Groups/${group.id}`, {
        ...asOther,
        body: patchOp({ op: 'remove', path: 'members' }),
      }),
      404,
    );
    const listed = await app.request('GET', `${SCIM}/Groups`, asOther);
    expect(listed.body.Resources.map((g: { id: string }) => g.id)).not.toContain(group.id);
    // The other tenant cannot make my user a member of its group.
    const theirs = await app.request('POST', `${SCIM}/Groups`, {
      ...asOther,
      body: { schemas: [GROUP_SCHEMA], displayName: 'Theirs', members: [{ value: mine }] },
    });
    expect(theirs.status).toBe(201);
    expect(theirs.body).not.toHaveProperty('members');
    expect(await memberIds(app, group.id)).toEqual([mine]);
  });

  it('malformed group bodies get precise 400s, never a 500', async () => {
    const app = getApp();
    const cases: [unknown, string][] = [
      [{ displayName: { nested: true } }, 'invalidValue'],
      [{ displayName: '   ' }, 'invalidValue'],
      [{ displayName: 'x', members: [{ display: 'no value' }] }, 'invalidValue'],
      [{ displayName: 'x', members: [42] }, 'invalidValue'],
      [[], 'invalidSyntax'],
    ];
    for (const [body, scimType] of cases) {
      const response = await app.request('POST', `${SCIM}/Groups`, { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.scimType, `${JSON.stringify(body)}: ${response.text}`).toBe(scimType);
    }
  });
});
