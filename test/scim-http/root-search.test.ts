/**
 * `POST /.search` at the service root (RFC 7644 §3.4.3; issue 13, found by public SCIM test
 * suites): one query across Users and Groups, one ListResponse, Users first. A filter on an
 * attribute one type lacks matches nothing of that type; index paging runs across both.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS, USER_SCHEMA } from '../helpers/create-test-app.ts';
import { createUser, expectScimError, SCIM, unique, useTestApp } from './scim-test-kit.ts';

const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describe.each(STORE_KINDS)('root /.search (%s)', (kind) => {
  const getApp = useTestApp(kind);
  const search = (body: Record<string, unknown>) =>
    getApp().request('POST', `${SCIM}/.search`, { body: { schemas: [SEARCH], ...body } });

  it('finds Users and Groups with one filter, Users first, and pages across both', async () => {
    const app = getApp();
    const tag = unique('Root');
    const ada = await createUser(app, unique('ada'), { displayName: `${tag} Ada` });
    const bob = await createUser(app, unique('bob'), { displayName: `${tag} Bob` });
    const group = await app.request('POST', `${SCIM}/Groups`, {
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: `${tag} Team`,
        members: [{ value: ada.id }],
      },
    });
    expect(group.status).toBe(201);

    const all = await search({ filter: `displayName sw "${tag}"` });
    expect(all.status, all.text).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(all.body).toMatchObject({ totalResults: 3, startIndex: 1, itemsPerPage: 3 });
    expect(all.body.Resources.map((r: { id: string }) => r.id)).toEqual([
      ada.id,
      bob.id,
      group.body.id,
    ]);
    expect(all.body.Resources[0].schemas).toContain(USER_SCHEMA);
    expect(all.body.Resources[2].schemas).toEqual([GROUP_SCHEMA]);
    expect(all.body.Resources[2].members.map((m: { value: string }) => m.value)).toEqual([ada.id]);

    // startIndex counts Users, then Groups.
    const page = await search({ filter: `displayName sw "${tag}"`, startIndex: 2, count: 2 });
    expect(page.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((r: { id: string }) => r.id)).toEqual([bob.id, group.body.id]);
    const last = await search({ filter: `displayName sw "${tag}"`, startIndex: 3, count: 5 });
    expect(last.body.Resources.map((r: { id: string }) => r.id)).toEqual([group.body.id]);
    const none = await search({ filter: `displayName sw "${tag}"`, count: 0 });
    expect(none.body).toMatchObject({ totalResults: 3, itemsPerPage: 0, Resources: [] });

    // Projection applies to each type.
    const ids = await search({ filter: `displayName sw "${tag}"`, attributes: ['displayName'] });
    for (const resource of ids.body.Resources) {
      expect(Object.keys(resource).sort()).toEqual(['displayName', 'id', 'schemas']);
    }
  });

  it('matches nothing of a type that lacks the filtered attribute, and refuses what no type has', async () => {
    const app = getApp();
    const user = await createUser(app, unique('only'));
    const users = await search({ filter: `userName eq "${user.userName}"` });
    expect(users.status, users.text).toBe(200);
    expect(users.body.Resources.map((r: { id: string }) => r.id)).toEqual([user.id]);

    const group = await app.request('POST', `${SCIM}/Groups`, {
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: unique('Members'),
        members: [{ value: user.id }],
      },
    });
    const groups = await search({ filter: `members.value eq "${user.id}"` });
    expect(groups.status, groups.text).toBe(200);
    expect(groups.body.Resources.map((r: { id: string }) => r.id)).toEqual([group.body.id]);

    expectScimError(await search({ filter: 'noSuchAttribute eq "x"' }), 400, 'invalidFilter');
    expectScimError(await search({ cursor: '' }), 400, 'invalidValue');
    expectScimError(
      await app.request('POST', `${SCIM}/.search`, {
        raw: '[1]',
        headers: { 'Content-Type': 'application/scim+json' },
      }),
      400,
      'invalidSyntax',
    );
  });

  it('is one provisioning-log event', async () => {
    const app = getApp();
    await search({ filter: 'displayName eq "nobody at all"' });
    await app.flushLog();
    const [event] = await app.directory.provisioningLog.list({
      accountId: app.accountId,
      limit: 1,
    });
    expect(event).toMatchObject({
      operation: 'search all resources',
      path: '/scim/v2/.search',
      status: 200,
    });
  });
});
