/**
 * Checklist §11 items 1–3 and 5–7 (idp-behaviour.md): base path and routing, unknown query
 * parameters, authentication, request and response media types, the error envelope. Tenant
 * isolation (#4) is in transport.tenant-isolation.test.ts, throttling (#8) in
 * transport.throttling.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LIST_SCHEMA, STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectListResponse,
  expectScimError,
  findUsers,
  newUser,
  patchOp,
  SCIM,
  SCIM_CONTENT_TYPE,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

describe.each(STORE_KINDS)('transport (%s)', (kind) => {
  const getApp = useTestApp(kind);

  describe('#1 base path', () => {
    it('#1 /scim/v2 serves /Users, /Groups and the three discovery endpoints', async () => {
      const app = getApp();
      expectListResponse(await app.request('GET', `${SCIM}/Users`));
      const spc = await app.request('GET', `${SCIM}/ServiceProviderConfig`);
      expect(spc.status).toBe(200);
      expect(spc.body.schemas).toContain(
        'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
      );
      expectListResponse(await app.request('GET', `${SCIM}/ResourceTypes`));
      expectListResponse(await app.request('GET', `${SCIM}/Schemas`));
    });

    it('#1 GET /Groups is a ListResponse, empty when nothing matches', async () => {
      const app = getApp();
      const groups = await app.request('GET', `${SCIM}/Groups`);
      expectListResponse(groups);
      const filtered = await app.request(
        'GET',
        `${SCIM}/Groups?filter=${encodeURIComponent('displayName eq "No such group"')}`,
      );
      expectListResponse(filtered);
      expect(filtered.body).toMatchObject({ totalResults: 0, startIndex: 1, itemsPerPage: 0 });
      expect(filtered.body.Resources).toEqual([]);
    });

    it('#1 a PATCH of an unknown group is a 404 SCIM error', async () => {
      expectScimError(
        await getApp().request('PATCH', `${SCIM}/Groups/some-id`, {
          body: patchOp({ op: 'add', path: 'members', value: [{ value: 'x' }] }),
        }),
        404,
      );
    });

    it('#1 a trailing slash and a double slash still route', async () => {
      const app = getApp();
      const local = unique('slash');
      const created = await app.request('POST', `${SCIM}/Users/`, { body: newUser(local) });
      expect(created.status, created.text).toBe(201);
      expectListResponse(await app.request('GET', `${SCIM}/Users/`));
      expectListResponse(await app.request('GET', '/scim/v2//Users'));
      expectListResponse(await app.request('GET', '/scim/v2//Users/'));
      const byId = await app.request('GET', `${SCIM}//Users/${created.body.id}/`);
      expect(byId.status, byId.text).toBe(200);
      expect(byId.body.id).toBe(created.body.id);
      const spc = await app.request('GET', '/scim/v2//ServiceProviderConfig/');
      expect(spc.status).toBe(200);
    });
  });

  it('#2 unknown query parameters (aadOptscim062020, vendor ones) are ignored everywhere', async () => {
    const app = getApp();
    const extra = 'aadOptscim062020&vendorThing=1&foo=bar';
    const local = unique('unknownq');
    const created = await app.request('POST', `${SCIM}/Users?${extra}`, { body: newUser(local) });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;

    const list = await app.request('GET', `${SCIM}/Users?${extra}&count=1`);
    expectListResponse(list);
    const found = await findUsers(app, `userName eq "${local}@example.com"`, `&${extra}`);
    expectListResponse(found);
    expect(found.body.totalResults).toBe(1);
    expect((await app.request('GET', `${SCIM}/Users/${id}?${extra}`)).status).toBe(200);
    const patched = await app.request('PATCH', `${SCIM}/Users/${id}?${extra}`, {
      body: patchOp({ op: 'replace', path: 'displayName', value: 'Patched' }),
    });
    expect(patched.status, patched.text).toBe(200);
    const put = await app.request('PUT', `${SCIM}/Users/${id}?${extra}`, {
      body: newUser(local, { displayName: 'Put' }),
    });
    expect(put.status, put.text).toBe(200);
    for (const path of ['ServiceProviderConfig', 'ResourceTypes', 'Schemas', 'Groups']) {
      const response = await app.request('GET', `${SCIM}/${path}?${extra}`);
      expect(response.status, `${path}: ${response.text}`).toBe(200);
    }
    const searched = await app.request('POST', `${SCIM}/Users/.search?${extra}`, {
      body: { filter: `id eq "${id}"` },
    });
    expectListResponse(searched);
    expect(searched.body.totalResults).toBe(1);
    const bulk = await app.request('POST', `${SCIM}/Bulk?${extra}`, {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          {
            method: 'PATCH',
            path: `/Users/${id}`,
            data: patchOp({ op: 'replace', path: 'displayName', value: 'Via Bulk' }),
          },
        ],
      },
    });
    expect(bulk.status, bulk.text).toBe(200);
    expect(String(bulk.body.Operations[0].status)).toBe('200');
    expect((await app.request('DELETE', `${SCIM}/Users/${id}?${extra}`)).status).toBe(204);
  });

  describe('#3 authentication', () => {
    it('#3 a missing Authorization header is a 401 SCIM error', async () => {
      const response = await getApp().request('GET', `${SCIM}/Users`, { token: null });
      expectScimError(response, 401);
    });

    it('#3 a malformed Authorization header is a 401 SCIM error', async () => {
      const app = getApp();
      for (const authorization of ['non-token', 'Bearer', 'Basic dXNlcjpwYXNz', 'Bearer a b']) {
        const response = await app.request('GET', `${SCIM}/Users`, {
          headers: { Authorization: authorization },
        });
        expectScimError(response, 401);
      }
    });

    it('#3 an unknown token is a 401 SCIM error, on reads and writes', async () => {
      const app = getApp();
      expectScimError(await app.request('GET', `${SCIM}/Users`, { token: 'not-a-token' }), 401);
      expectScimError(
        await app.request('POST', `${SCIM}/Users`, {
          token: 'roster_unknown',
          body: newUser(unique('unauth')),
        }),
        401,
      );
    });

    it('#3 an expired token is a 401 SCIM error; the scheme name is case-insensitive', async () => {
      const app = getApp();
      const scimApp = await app.directory.store.scimApps.findByAccount(app.accountId);
      if (!scimApp) throw new Error('the demo account has no SCIM app');
      const expired = await app.directory.tokens.issue(app.accountId, scimApp.id, {
        expiresAt: new Date(Date.now() - 60_000).toISOString(),
      });
      expectScimError(
        await app.request('GET', `${SCIM}/Users?count=1`, { token: expired.token }),
        401,
      );
      const lower = await app.request('GET', `${SCIM}/Users?count=1`, {
        headers: { authorization: `bearer ${app.token}` },
      });
      expect(lower.status).toBe(200);
    });

    it('#3 a revoked token is a 401 SCIM error', async () => {
      const app = getApp();
      const scimApp = await app.directory.store.scimApps.findByAccount(app.accountId);
      if (!scimApp) throw new Error('the demo account has no SCIM app');
      const { token, record } = await app.directory.tokens.issue(app.accountId, scimApp.id);
      expect((await app.request('GET', `${SCIM}/Users?count=1`, { token })).status).toBe(200);
      await app.directory.tokens.revoke(record.id);
      expectScimError(await app.request('GET', `${SCIM}/Users?count=1`, { token }), 401);
    });
  });

  describe('#5 request media types', () => {
    const contentTypes = [
      'application/scim+json',
      'application/json',
      'application/scim+json; charset=utf-8',
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'text/plain;charset=UTF-8',
      '',
    ];
    it.each(contentTypes)('#5 POST with Content-Type "%s" is parsed', async (contentType) => {
      const app = getApp();
      const local = unique('ctype');
      const response = await app.request('POST', `${SCIM}/Users`, {
        raw: JSON.stringify(newUser(local)),
        headers: {
          'Content-Type': contentType,
          Accept: 'application/scim+json; charset=utf-8',
          'Accept-Charset': 'utf-8',
        },
      });
      expect(response.status, response.text).toBe(201);
      expect(response.body.userName).toBe(`${local}@example.com`);
    });

    it('#5 a POST and a PATCH with no Content-Type header at all are parsed', async () => {
      const app = getApp();
      const local = unique('noctype');
      const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
      const created = await app.request('POST', `${SCIM}/Users`, { raw: bytes(newUser(local)) });
      expect(created.status, created.text).toBe(201);
      expect(created.body.userName).toBe(`${local}@example.com`);
      const patched = await app.request('PATCH', `${SCIM}/Users/${created.body.id}`, {
        raw: bytes(patchOp({ op: 'replace', path: 'displayName', value: 'No type' })),
      });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body.displayName).toBe('No type');
    });

    it.each(contentTypes)('#5 PATCH and PUT with Content-Type "%s" are parsed', async (ct) => {
      const app = getApp();
      const local = unique('ctype');
      const user = await createUser(app, local);
      const patch = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        raw: JSON.stringify(patchOp({ op: 'replace', path: 'displayName', value: 'Via PATCH' })),
        headers: { 'Content-Type': ct, Accept: 'application/json' },
      });
      expect(patch.status, patch.text).toBe(200);
      expect(patch.body.displayName).toBe('Via PATCH');
      const put = await app.request('PUT', `${SCIM}/Users/${user.id}`, {
        raw: JSON.stringify(newUser(local, { displayName: 'Via PUT' })),
        headers: { 'Content-Type': ct },
      });
      expect(put.status, put.text).toBe(200);
      expect(put.body.displayName).toBe('Via PUT');
    });
  });

  it('#6 every response with a body is application/scim+json, success or error', async () => {
    const app = getApp();
    const local = unique('ctype6');
    const responses = {
      created: await app.request('POST', `${SCIM}/Users`, { body: newUser(local) }),
      conflict: await app.request('POST', `${SCIM}/Users`, { body: newUser(local) }),
      list: await app.request('GET', `${SCIM}/Users?count=2`),
      search: await app.request('POST', `${SCIM}/Users/.search`, { body: { count: 1 } }),
      notFound: await app.request('GET', `${SCIM}/Users/nope`),
      badFilter: await findUsers(app, 'userName eq'),
      badJson: await app.request('POST', `${SCIM}/Users`, { raw: '{' }),
      unauthenticated: await app.request('GET', `${SCIM}/Users`, { token: null }),
      unknownEndpoint: await app.request('GET', `${SCIM}/Widgets`),
      groups: await app.request('GET', `${SCIM}/Groups`),
      groupWrite: await app.request('POST', `${SCIM}/Groups`, {
        body: { displayName: unique('x') },
      }),
      spc: await app.request('GET', `${SCIM}/ServiceProviderConfig`),
      spcFiltered: await app.request('GET', `${SCIM}/ServiceProviderConfig?filter=x`),
      resourceTypes: await app.request('GET', `${SCIM}/ResourceTypes`),
      schemas: await app.request('GET', `${SCIM}/Schemas`),
      wrongMethod: await app.request('PATCH', `${SCIM}/Users`, { body: patchOp() }),
    };
    const id = responses.created.body.id as string;
    Object.assign(responses, {
      get: await app.request('GET', `${SCIM}/Users/${id}`),
      patch: await app.request('PATCH', `${SCIM}/Users/${id}`, {
        body: patchOp({ op: 'replace', path: 'nickName', value: 'N' }),
      }),
      put: await app.request('PUT', `${SCIM}/Users/${id}`, { body: newUser(local) }),
      stale: await app.request('PUT', `${SCIM}/Users/${id}`, {
        body: newUser(local),
        headers: { 'If-Match': 'W/"999999"' },
      }),
    });
    for (const [name, response] of Object.entries(responses)) {
      expect(response.text.length, name).toBeGreaterThan(0);
      expect(response.headers.get('content-type'), `${name} (${response.status})`).toMatch(
        SCIM_CONTENT_TYPE,
      );
    }
  });

  it('#7 every error uses the Error schema, a string status and a detail, with scimType', async () => {
    const app = getApp();
    const local = unique('errors');
    const user = await createUser(app, local);
    expectScimError(await app.request('GET', `${SCIM}/Users`, { token: null }), 401);
    expectScimError(await app.request('GET', `${SCIM}/Users/missing`), 404);
    expectScimError(
      await app.request('POST', `${SCIM}/Users`, { body: newUser(local.toUpperCase()) }),
      409,
      'uniqueness',
    );
    expectScimError(await findUsers(app, 'userName zz "x"'), 400, 'invalidFilter');
    expectScimError(
      await app.request('POST', `${SCIM}/Users`, { raw: 'nope' }),
      400,
      'invalidSyntax',
    );
    expectScimError(
      await app.request('POST', `${SCIM}/Users`, {
        body: newUser(unique('x'), { active: 'maybe' }),
      }),
      400,
      'invalidValue',
    );
    expectScimError(
      await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        body: patchOp({ op: 'remove' }),
      }),
      400,
      'noTarget',
    );
    expectScimError(
      await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        body: patchOp({ op: 'replace', path: 'emails[type eq', value: 'x' }),
      }),
      400,
      'invalidPath',
    );
    expectScimError(
      await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
        body: patchOp({ op: 'replace', path: 'id', value: 'other' }),
      }),
      400,
      'mutability',
    );
    expectScimError(
      await app.request('DELETE', `${SCIM}/Users/${user.id}`, {
        headers: { 'If-Match': 'W/"424242"' },
      }),
      412,
    );
    expectScimError(await app.request('GET', `${SCIM}/ServiceProviderConfig?filter=x`), 403);
    const list = await app.request('GET', `${SCIM}/Users?count=1`);
    expect(list.body.schemas).toEqual([LIST_SCHEMA]);
  });
});
