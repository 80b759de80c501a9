/**
 * Checklist §11 item 4 (idp-behaviour.md; PRODUCT.md "no tenant can ever see another tenant's
 * data"): one SCIM app, one token, one account.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createGroup,
  createOtherTenant,
  createUser,
  expectListResponse,
  expectScimError,
  findUsers,
  newUser,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

describe.each(STORE_KINDS)('tenant isolation (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('#4 a token for one account never reads or changes another account’s users', async () => {
    const app = getApp();
    const other = await createOtherTenant(app);
    const local = unique('tenant');
    const mine = await createUser(app, local, { externalId: `ext-${local}` });
    const id = mine.id as string;
    const asOther = { token: other.token };

    expectScimError(await app.request('GET', `${SCIM}/Users/${id}`, asOther), 404);
    for (const filter of [
      `userName eq "${local}@example.com"`,
      `id eq "${id}"`,
      `externalId eq "ext-${local}"`,
      `emails.value eq "${local}@example.com"`,
      'userName pr',
    ]) {
      const found = await app.request(
        'GET',
        `${SCIM}/Users?filter=${encodeURIComponent(filter)}`,
        asOther,
      );
      expectListResponse(found);
      expect(found.body.totalResults, filter).toBe(0);
    }
    const unfiltered = await app.request('GET', `${SCIM}/Users?count=200`, asOther);
    expect(unfiltered.body.Resources.map((u: { id: string }) => u.id)).not.toContain(id);
    const search = await app.request('POST', `${SCIM}/Users/.search`, {
      ...asOther,
      body: { filter: `id eq "${id}"` },
    });
    expect(search.body.totalResults).toBe(0);

    expectScimError(
      await app.request('PUT', `${SCIM}/Users/${id}`, {
        ...asOther,
        body: newUser(local, { displayName: 'Hijacked', active: false }),
      }),
      404,
    );
    expectScimError(
      await app.request('PATCH', `${SCIM}/Users/${id}`, {
        ...asOther,
        body: patchOp({ op: 'replace', value: { active: false, displayName: 'Hijacked' } }),
      }),
      404,
    );
    expectScimError(await app.request('DELETE', `${SCIM}/Users/${id}`, asOther), 404);

    const after = await app.request('GET', `${SCIM}/Users/${id}`);
    expect(after.status).toBe(200);
    expect(after.body.active).toBe(true);
    expect(after.body.displayName).toBeUndefined();
    expect(after.body.meta.version).toBe(mine.meta.version);
  });

  it('#4 the same e-mail in another account is a different user, never an adoption', async () => {
    const app = getApp();
    const other = await createOtherTenant(app);
    const now = new Date().toISOString();
    await app.directory.store.domains.insert({
      id: crypto.randomUUID(),
      accountId: other.accountId,
      domain: 'example.com',
      state: 'verified',
      challengeHost: '_roster-challenge.example.com',
      challengeValue: 'other',
      lastCheckedAt: now,
      verifiedAt: now,
      failureCode: null,
      failureReason: null,
      checkUntil: null,
      // The demo account verified example.com first: the operator lets this one share it.
      sharingAllowed: true,
      createdAt: now,
    });
    const local = unique('shared');
    const mine = await createUser(app, local, { displayName: 'Mine' });
    const theirs = await app.request('POST', `${SCIM}/Users`, {
      token: other.token,
      body: newUser(local, { displayName: 'Theirs' }),
    });
    expect(theirs.status, theirs.text).toBe(201);
    expect(theirs.body.id).not.toBe(mine.id);
    const read = await app.request('GET', `${SCIM}/Users/${mine.id}`);
    expect(read.body.displayName).toBe('Mine');
    expect(read.body.meta.version).toBe(mine.meta.version);
    const found = await findUsers(app, `userName eq "${local}@example.com"`);
    expect(found.body.Resources.map((u: { id: string }) => u.id)).toEqual([mine.id]);
    // Deleting theirs leaves mine alone.
    expect(
      (await app.request('DELETE', `${SCIM}/Users/${theirs.body.id}`, { token: other.token }))
        .status,
    ).toBe(204);
    expect((await app.request('GET', `${SCIM}/Users/${mine.id}`)).body.active).toBe(true);
  });

  it('#4 a cursor issued to one account is refused for another', async () => {
    const app = getApp();
    const other = await createOtherTenant(app);
    await createUser(app, unique('cur'));
    await createUser(app, unique('cur'));
    const first = await app.request('GET', `${SCIM}/Users?cursor&count=1`);
    expect(first.body.nextCursor).toBeDefined();
    const foreign = await app.request(
      'GET',
      `${SCIM}/Users?cursor=${first.body.nextCursor}&count=1`,
      { token: other.token },
    );
    expectScimError(foreign, 400, 'invalidCursor');
  });
  it('#4 /Bulk with another account’s token cannot read, change or delete a user or group', async () => {
    const app = getApp();
    const other = await createOtherTenant(app);
    const mine = await createUser(app, unique('bulktenant'));
    const group = await createGroup(app, unique('Bulk tenant'), [mine.id]);
    const before = await app.request('GET', `${SCIM}/Users/${mine.id}`);
    const response = await app.request('POST', `${SCIM}/Bulk`, {
      token: other.token,
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          {
            method: 'PATCH',
            path: `/Users/${mine.id}`,
            data: patchOp({ op: 'replace', path: 'active', value: false }),
          },
          { method: 'PUT', path: `/Users/${mine.id}`, data: newUser('hijacked') },
          {
            method: 'PATCH',
            path: `/Groups/${group.id}`,
            data: patchOp({ op: 'remove', path: 'members' }),
          },
          { method: 'DELETE', path: `/Groups/${group.id}` },
          { method: 'DELETE', path: `/Users/${mine.id}` },
        ],
      },
    });
    expect(response.status, response.text).toBe(200);
    expect(
      response.body.Operations.map((op: { status: string | number }) => String(op.status)),
    ).toEqual(['404', '404', '404', '404', '404']);
    const after = await app.request('GET', `${SCIM}/Users/${mine.id}`);
    expect(after.body).toEqual(before.body);
    expect(after.body.active).toBe(true);
    expect((await app.request('GET', `${SCIM}/Groups/${group.id}`)).body.members).toEqual([
      expect.objectContaining({ value: mine.id }),
    ]);
  });
});
