import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, SCIM, STORE_KINDS } from '../helpers/create-test-app.ts';
import { type AdminTestApp, API, createAdminTestApp, newAccount, unique } from './admin-api-kit.ts';

const OKTA = { 'User-Agent': 'Okta SCIM Client 1.0.0' };
const ENTRA = { 'User-Agent': 'Azure Active Directory SCIM Client' };

for (const kind of STORE_KINDS) {
  describe(`admin API provisioning log (${kind})`, () => {
    let t: AdminTestApp | undefined;
    let base: string;
    let before: string;
    let between: string;
    let createdId: string;
    const secret = 'Sup3r-Secret-Passw0rd';

    beforeAll(async () => {
      t = await createAdminTestApp(kind);
      if (!t) return;
      base = `${API}/accounts/${t.app.accountId}/provisioning-log`;
      before = new Date(Date.now() - 1000).toISOString();
      const created = await t.app.request('POST', `${SCIM}/Users`, {
        headers: OKTA,
        body: newUser(unique('log'), { password: secret }),
      });
      createdId = created.body.id;
      await t.app.request('GET', `${SCIM}/Users/${createdId}`, { headers: ENTRA });
      await new Promise((resolve) => setTimeout(resolve, 5));
      between = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await t.app.request('POST', `${SCIM}/Users`, {
        headers: OKTA,
        body: newUser('x', {
          userName: 'x@unverified.test',
          emails: [{ value: 'x@unverified.test' }],
        }),
      });
      await t.app.flushLog();
    });
    afterAll(() => t?.cleanup());

    it('lists events newest first, without bodies, filtered by outcome, IdP, operation, user and time', async (ctx) => {
      if (!t) return ctx.skip();
      const all = await t.call('GET', `${base}?from=${before}`);
      expect(all.status).toBe(200);
      expect(all.body.items.map((e: { operation: string }) => e.operation)).toEqual([
        'create user',
        'get user',
        'create user',
      ]);
      expect(all.body.items[0]).not.toHaveProperty('requestBody');
      const failures = await t.call('GET', `${base}?outcome=failure&from=${before}`);
      expect(failures.body.items).toHaveLength(1);
      expect(failures.body.items[0]).toMatchObject({
        idp: 'okta',
        status: 400,
        outcome: 'failure',
        scimType: 'invalidValue',
      });
      expect(failures.body.items[0].explanation).toContain('unverified.test');
      const entra = await t.call('GET', `${base}?idp=entra&from=${before}`);
      expect(entra.body.items.map((e: { operation: string }) => e.operation)).toEqual(['get user']);
      const creates = await t.call('GET', `${base}?operation=create%20user&from=${before}`);
      expect(creates.body.items).toHaveLength(2);
      const forUser = await t.call('GET', `${base}?userId=${createdId}`);
      expect(forUser.body.items.map((e: { operation: string }) => e.operation)).toEqual([
        'get user',
        'create user',
      ]);
      const early = await t.call('GET', `${base}?from=${before}&to=${between}`);
      expect(early.body.items).toHaveLength(2);
      const late = await t.call('GET', `${base}?from=${between}`);
      expect(late.body.items).toHaveLength(1);
      // Seconds without milliseconds mean the same instant.
      const whole = `${before.slice(0, 19)}Z`;
      expect(
        (await t.call('GET', `${base}?from=${whole}`)).body.items.length,
      ).toBeGreaterThanOrEqual(3);
    });

    it('sums each IdP: last contact, requests and failures since a time, last error', async (ctx) => {
      if (!t) return ctx.skip();
      const activity = await t.call('GET', `${base}/idp-activity?since=${before}`);
      expect(activity.status).toBe(200);
      expect(activity.body.since).toBe(before);
      const byIdp = Object.fromEntries(activity.body.items.map((a: { idp: string }) => [a.idp, a]));
      expect(byIdp.okta).toMatchObject({ requests: 2, failures: 1, warnings: 0 });
      expect(byIdp.okta.lastFailure).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(byIdp.okta.lastFailure.explanation).toContain('unverified.test');
      expect(byIdp.entra).toMatchObject({ requests: 1, failures: 0, lastFailure: null });
      // Okta called last: most recent first.
      expect(activity.body.items[0].idp).toBe('okta');
      // Counted from a later time, Entra's read is no longer in the window, its contact stays.
      const later = await t.call('GET', `${base}/idp-activity?since=${between}`);
      const entra = later.body.items.find((a: { idp: string }) => a.idp === 'entra');
      expect(entra).toMatchObject({ requests: 0, failures: 0 });
      expect(entra.lastAt < between).toBe(true);
      // Another account sees none of it.
      const other = await newAccount(t);
      const theirs = await t.call(
        'GET',
        `${API}/accounts/${other.id}/provisioning-log/idp-activity`,
        { key: other.key },
      );
      expect(theirs.body.items).toEqual([]);
    });

    it('pages backwards with before', async (ctx) => {
      if (!t) return ctx.skip();
      const first = await t.call('GET', `${base}?from=${before}&limit=2`);
      expect(first.body.items).toHaveLength(2);
      const second = await t.call(
        'GET',
        `${base}?from=${before}&limit=2&before=${first.body.next}`,
      );
      expect(second.body.items.map((e: { operation: string }) => e.operation)).toEqual([
        'create user',
      ]);
      expect(second.body.next).toBeNull();
    });

    it('returns one event with its bodies, the password redacted', async (ctx) => {
      if (!t) return ctx.skip();
      const [event] = (await t.call('GET', `${base}?userId=${createdId}&operation=create%20user`))
        .body.items;
      const one = await t.call('GET', `${base}/${event.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        id: event.id,
        operation: 'create user',
        status: 201,
        idp: 'okta',
      });
      expect(one.body.requestBody.userName).toMatch(/@example\.com$/);
      expect(one.body.responseBody.id).toBe(createdId);
      expect(one.text).not.toContain(secret);
    });

    it('refuses bad filters and keeps other accounts out', async (ctx) => {
      if (!t) return ctx.skip();
      for (const query of [
        'outcome=bad',
        'from=yesterday',
        `from=${between}&to=${before}`,
        'limit=500',
      ]) {
        const response = await t.call('GET', `${base}?${query}`);
        expect(response.status, query).toBe(400);
        expect(response.body.code).toBe('request.invalid');
      }
      const other = await newAccount(t);
      const [event] = (await t.call('GET', `${base}?limit=1`)).body.items;
      const foreign = await t.call('GET', `${base}/${event.id}`, { key: other.key });
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('account.not_found');
      const viaOwn = await t.call(
        'GET',
        `${API}/accounts/${other.id}/provisioning-log/${event.id}`,
        {
          key: other.key,
        },
      );
      expect(viaOwn.status).toBe(404);
      expect(viaOwn.body.code).toBe('provisioning_event.not_found');
      const ownList = await t.call('GET', `${API}/accounts/${other.id}/provisioning-log`, {
        key: other.key,
      });
      expect(ownList.body).toEqual({ items: [], next: null });
    });

    it('records the group a request was about and filters by it', async (ctx) => {
      if (!t) return ctx.skip();
      const app = t.app;
      const created = await app.request('POST', `${SCIM}/Groups`, {
        headers: OKTA,
        body: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: unique('Logged group'),
          members: [{ value: createdId }],
        },
      });
      expect(created.status, created.text).toBe(201);
      const groupId = created.body.id as string;
      await app.request('PATCH', `${SCIM}/Groups/${groupId}`, {
        headers: OKTA,
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'remove', path: `members[value eq "${createdId}"]` }],
        },
      });
      await app.request('GET', `${SCIM}/Groups/${groupId}`, { headers: OKTA });
      await app.request('DELETE', `${SCIM}/Groups/${groupId}`, { headers: OKTA });
      await app.request('GET', `${SCIM}/Groups/${groupId}`, { headers: OKTA });
      await t.app.flushLog();
      const forGroup = await t.call('GET', `${base}?groupId=${groupId}`);
      expect(forGroup.status, forGroup.text).toBe(200);
      expect(
        forGroup.body.items.map((e: { operation: string; status: number }) => [
          e.operation,
          e.status,
        ]),
      ).toEqual([
        ['get group', 404],
        ['delete group', 204],
        ['get group', 200],
        ['update group', 204],
        ['create group', 201],
      ]);
      expect(forGroup.body.items.every((e: { groupId: string }) => e.groupId === groupId)).toBe(
        true,
      );
      const [create] = forGroup.body.items.slice(-1);
      const one = await t.call('GET', `${base}/${create.id}`);
      expect(one.body).toMatchObject({ groupId, operation: 'create group' });
      // User requests carry no group.
      const forUser = await t.call('GET', `${base}?userId=${createdId}`);
      expect(forUser.body.items.every((e: { groupId: null }) => e.groupId === null)).toBe(true);
    });

    it("refuses a `before` that names another account's event, or none", async (ctx) => {
      if (!t) return ctx.skip();
      const other = await newAccount(t);
      const [mine] = (await t.call('GET', `${base}?limit=1`)).body.items;
      const otherBase = `${API}/accounts/${other.id}/provisioning-log`;
      for (const anchor of [mine.id, 'no-such-event']) {
        const response = await t.call('GET', `${otherBase}?before=${anchor}`, { key: other.key });
        expect(response.status, response.text).toBe(400);
        expect(response.body.code).toBe('provisioning_event.unknown_anchor');
      }
      // The operator acting on that account gets the same answer.
      const operator = await t.call('GET', `${otherBase}?before=${mine.id}`);
      expect(operator.status).toBe(400);
    });

    it('counts failed authentications per minute instead of logging each, and keeps no path', async (ctx) => {
      if (!t) return ctx.skip();
      const app = t.app;
      const store = app.directory.store;
      const scimApp = await store.scimApps.findByAccount(app.accountId);
      const issued = await app.directory.tokens.issue(app.accountId, scimApp!.id);
      await app.directory.tokens.revoke(issued.record.id);
      const eventsBefore = (await t.call('GET', `${base}?limit=200`)).body.items.length;
      const secretQuery = 'filter=userName%20eq%20%22attacker-chosen%22';
      for (let i = 0; i < 30; i++) {
        await app.request('GET', `${SCIM}/Users?${secretQuery}&n=${i}`, {
          token: issued.token,
          headers: OKTA,
        });
        await app.request('GET', `${SCIM}/Users/attacker-path-${i}`, {
          token: `roster_unknown_${i}`,
          headers: ENTRA,
        });
      }
      await app.request('GET', `${SCIM}/Users`, { token: null });
      await app.flushLog();
      // No event per refused request.
      expect((await t.call('GET', `${base}?limit=200`)).body.items.length).toBe(eventsBefore);
      const mine = await t.call('GET', `${base}/auth-failures`);
      expect(mine.status, mine.text).toBe(200);
      expect(mine.body.items).toEqual([
        {
          minute: expect.stringMatching(/:00\.000Z$/),
          accountId: app.accountId,
          tokenPrefix: issued.record.prefix,
          reason: 'revoked',
          idp: 'okta',
          source: 'unknown',
          count: 30,
        },
      ]);
      const all = await t.call('GET', `${API}/auth-failures`);
      expect(all.status).toBe(200);
      const unknown = all.body.items.filter((f: { reason: string }) => f.reason === 'unknown');
      expect(
        unknown.map((f: { count: number; accountId: null }) => [f.count, f.accountId]),
      ).toEqual([[30, null]]);
      expect(all.body.items.some((f: { reason: string }) => f.reason === 'missing')).toBe(true);
      // An account admin cannot read the operator's view.
      const other = await newAccount(t);
      expect((await t.call('GET', `${API}/auth-failures`, { key: other.key })).status).toBe(403);
      expect(JSON.stringify(all.body)).not.toContain('attacker');
    });
  });
}
