/**
 * Checklist §11 items 18–24 (idp-behaviour.md §2.4, §2.5): GET /Users/{id} and filtered
 * lookups. Paging and projections (25–27) are in users.read.paging.test.ts, cursors (28) in
 * users.read.cursor.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectListResponse,
  expectScimError,
  findUsers,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

const ids = (body: { Resources: { id: string }[] }) => body.Resources.map((u) => u.id);

describe.each(STORE_KINDS)('reading users (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('#18 GET /Users/{id} → 200 with id, userName, name, emails and active', async () => {
    const app = getApp();
    const created = await createUser(app, unique('read'), {
      name: { givenName: 'Katherine', familyName: 'Johnson' },
    });
    const response = await app.request('GET', `${SCIM}/Users/${created.id}`);
    expect(response.status).toBe(200);
    const user = response.body;
    expect(user.id).toBe(created.id);
    expect(user.userName).toBe(created.userName);
    expect(user.name.givenName).toBe('Katherine');
    expect(user.name.familyName).toBe('Johnson');
    expect(user.emails[0].value).toBe(created.userName);
    expect(user.active).toBe(true);
    expect(user.meta.resourceType).toBe('User');
  });

  it('#19 unknown, non-numeric and deleted ids → 404 SCIM error, never 400/500', async () => {
    const app = getApp();
    const deleted = await createUser(app, unique('gone'));
    expect((await app.request('DELETE', `${SCIM}/Users/${deleted.id}`)).status).toBe(204);
    for (const id of [
      '00919288221112222',
      crypto.randomUUID(),
      deleted.id,
      deleted.id.toUpperCase(),
      'not-a-uuid',
      '0',
      '-1',
      "x'; drop table users; --",
      'a%20b',
      'x'.repeat(600),
    ]) {
      const response = await app.request('GET', `${SCIM}/Users/${encodeURIComponent(id)}`);
      expectScimError(response, 404);
    }
  });

  it('#20 a filter that matches nothing → 200 with totalResults 0 and an empty Resources', async () => {
    const response = await findUsers(getApp(), `userName eq "${unique('nobody')}@example.com"`);
    expectListResponse(response);
    expect(response.body).toMatchObject({ totalResults: 0, startIndex: 1, itemsPerPage: 0 });
    expect(response.body.Resources).toEqual([]);
  });

  it('#21 userName eq is exact but case-insensitive', async () => {
    const app = getApp();
    const local = unique('Ada');
    const ada = await createUser(app, local, { userName: `${local}@Example.com` });
    const ada1 = await createUser(app, `${local}_1`);

    const upper = await findUsers(app, `userName eq "${local.toUpperCase()}@EXAMPLE.COM"`);
    expect(ids(upper.body)).toEqual([ada.id]);
    expect(upper.body.Resources[0].userName).toBe(`${local}@Example.com`);

    const lower = await findUsers(app, `userName eq "${local.toLowerCase()}@example.com"`);
    expect(ids(lower.body)).toEqual([ada.id]);
    const prefix = await findUsers(app, `userName eq "${local}"`);
    expect(prefix.body.totalResults).toBe(0);
    const underscore = await findUsers(app, `userName eq "${local}_1@example.com"`);
    expect(ids(underscore.body)).toEqual([ada1.id]);
    // `_` and `%` are not wildcards.
    const wildcard = await findUsers(app, `userName eq "${local}_@example.com"`);
    expect(wildcard.body.totalResults).toBe(0);
    const percent = await findUsers(app, `userName eq "${local}%"`);
    expect(percent.body.totalResults).toBe(0);
  });

  it('#21 case-insensitive matching covers non-ASCII letters (RFC 7643 caseExact false)', async () => {
    const app = getApp();
    const local = `josé-${unique('ü')}`;
    const user = await createUser(app, local, {
      name: { givenName: 'Zoë', familyName: `Müller-${local}` },
      displayName: `École ${local}`,
    });
    for (const filter of [
      `userName eq "${local.toUpperCase()}@EXAMPLE.COM"`,
      `emails.value eq "${local.toUpperCase()}@example.com"`,
      `name.familyName eq "MÜLLER-${local.toUpperCase()}"`,
      `displayName eq "ÉCOLE ${local.toUpperCase()}"`,
      `name.familyName sw "MÜLLER-${local.toUpperCase()}"`,
    ]) {
      const response = await findUsers(app, filter);
      expectListResponse(response);
      expect(ids(response.body), filter).toEqual([user.id]);
    }
  });

  it('#22 filters work with +, %20, raw quotes, escaped quotes and any case of names and operators', async () => {
    const app = getApp();
    const local = unique('enc');
    const userName = `${local}@example.com`;
    const externalId = `ext "quoted" ${local}`;
    const user = await createUser(app, local, { externalId });
    const get = async (query: string) => {
      const response = await app.request('GET', `${SCIM}/Users?${query}`);
      expectListResponse(response);
      return ids(response.body);
    };
    // Entra's validator: + for space, raw quotes, %40.
    expect(await get(`filter=userName+eq+"${local}%40example.com"`)).toEqual([user.id]);
    // Okta: %20 and %22.
    expect(await get(`filter=userName%20eq%20%22${userName}%22`)).toEqual([user.id]);
    // Google: with startIndex.
    expect(await get(`filter=userName%20eq%20%22${userName}%22&startIndex=1`)).toEqual([user.id]);
    for (const filter of [
      `UserName EQ "${userName}"`,
      `username eq "${userName}"`,
      `USERNAME Eq "${userName}"`,
      `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "${userName}"`,
      `externalId eq "ext \\"quoted\\" ${local}"`,
      `EXTERNALID EQ "ext \\"quoted\\" ${local}"`,
    ]) {
      const response = await findUsers(app, filter);
      expectListResponse(response);
      expect(ids(response.body), filter).toEqual([user.id]);
    }
    expect(
      await get(`filter=externalId+eq+${encodeURIComponent(JSON.stringify(externalId))}`),
    ).toEqual([user.id]);
  });

  it('#23 the lookup filters IdPs use all work, alone and combined with and', async () => {
    const app = getApp();
    const local = unique('lookup');
    const userName = `${local}@example.com`;
    const user = await createUser(app, local, {
      externalId: `00u${local}`,
      emails: [
        { value: userName, type: 'work', primary: true },
        { value: `home-${local}@personal.example`, type: 'home' },
      ],
    });
    const other = await createUser(app, `${local}-other`, { externalId: `00U${local}` });
    for (const filter of [
      `userName eq "${userName}"`,
      `externalId eq "00u${local}"`,
      `id eq "${user.id}"`,
      `emails.value eq "${userName}"`,
      `emails.value eq "HOME-${local}@personal.example"`,
      `emails[type eq "work"].value eq "${userName}"`,
      `emails[type eq "work" and value eq "${userName}"]`,
      `userName eq "${userName}" and active eq true`,
      `externalId eq "00u${local}" and userName eq "${userName}"`,
      `userName eq "${userName}" or userName eq "nobody-${local}@example.com"`,
      `not (userName ne "${userName}")`,
      `userName eq "${userName}" AND active eq true`,
      `userName eq "${userName}" And NOT (active eq false)`,
      `userName eq "${userName}" OR userName eq "nobody-${local}@example.com"`,
    ]) {
      const response = await findUsers(app, filter);
      expectListResponse(response);
      expect(ids(response.body), filter).toEqual([user.id]);
    }
    // externalId is caseExact.
    const wrongCase = await findUsers(app, `externalId eq "00U${local}"`);
    expect(ids(wrongCase.body)).toEqual([other.id]);
    // emails[type eq "work"] does not match the home address.
    const home = await findUsers(
      app,
      `emails[type eq "work"].value eq "home-${local}@personal.example"`,
    );
    expect(home.body.totalResults).toBe(0);
    // Operators beyond eq work per the RFC grammar.
    const sw = await findUsers(app, `userName sw "${local}" and externalId pr`);
    expect(ids(sw.body).sort()).toEqual([user.id, other.id].sort());
    // Groups: displayName eq on /Groups is a valid (empty) lookup.
    const groups = await app.request(
      'GET',
      `${SCIM}/Groups?filter=${encodeURIComponent(`displayName eq "${local}"`)}`,
    );
    expectListResponse(groups);
  });

  it('#23 unsupported attributes or operators are 400 invalidFilter, never silently ignored', async () => {
    const app = getApp();
    for (const filter of [
      'nonexistent eq "x"',
      'urn:example:unknown:2.0:User:thing eq "x"',
      'name eq "x"',
      'password eq "x"',
      'userName eq "x" and nonexistent eq "y"',
      'emails[nonexistent eq "x"]',
      'userName regex "x"',
      'active gt true',
    ]) {
      expectScimError(await findUsers(app, filter), 400, 'invalidFilter');
    }
  });

  it('#24 deactivated users are returned by id and by filter with active: false', async () => {
    const app = getApp();
    const local = unique('inactive');
    const user = await createUser(app, local);
    const patched = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', path: 'active', value: false }),
    });
    expect(patched.status, patched.text).toBe(200);
    const byId = await app.request('GET', `${SCIM}/Users/${user.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body.active).toBe(false);
    const byName = await findUsers(app, `userName eq "${user.userName}"`);
    expect(ids(byName.body)).toEqual([user.id]);
    expect(byName.body.Resources[0].active).toBe(false);
    const inactive = await findUsers(app, `active eq false and userName sw "${local}"`);
    expect(ids(inactive.body)).toEqual([user.id]);
    const active = await findUsers(app, `active eq true and userName sw "${local}"`);
    expect(active.body.totalResults).toBe(0);
  });
});
