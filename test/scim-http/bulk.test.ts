/**
 * /Bulk (RFC 7644 §3.7): bulkId references (a user created and added to a group in one
 * request), per-operation status, failOnErrors, and the advertised limits, enforced with 413.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createGroup,
  createUser,
  expectScimError,
  GROUP_SCHEMA,
  memberIds,
  newUser,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

const bulk = (operations: unknown[], extra: Record<string, unknown> = {}) => ({
  schemas: [BULK_REQUEST],
  ...extra,
  Operations: operations,
});

describe.each(STORE_KINDS)('bulk (%s)', (kind) => {
  const getApp = useTestApp(kind, {
    env: { ROSTER_BULK_MAX_OPERATIONS: '20', ROSTER_BULK_MAX_PAYLOAD_BYTES: '20000' },
  });
  const send = (body: unknown) => getApp().request('POST', `${SCIM}/Bulk`, { body });

  it('creates a user and a group holding it in one request, through bulkId references', async () => {
    const app = getApp();
    const local = unique('bulk');
    const name = unique('Bulk group');
    const response = await send(
      bulk([
        // The group comes first and refers forward: it waits for the user.
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'group',
          data: { schemas: [GROUP_SCHEMA], displayName: name, members: [{ value: 'bulkId:ada' }] },
        },
        { method: 'POST', path: '/Users', bulkId: 'ada', data: newUser(local) },
        {
          method: 'PATCH',
          path: '/Groups/bulkId:group',
          data: patchOp({ op: 'replace', path: 'displayName', value: `${name} renamed` }),
        },
      ]),
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body.schemas).toEqual([BULK_RESPONSE]);
    const [group, user, patched] = response.body.Operations;
    expect(user).toMatchObject({ method: 'POST', bulkId: 'ada', status: '201', version: 'W/"1"' });
    expect(group).toMatchObject({ method: 'POST', bulkId: 'group', status: '201' });
    expect(patched).toMatchObject({ method: 'PATCH', status: '204', version: 'W/"2"' });
    const userId = String(user.location).split('/').pop() as string;
    const groupId = String(group.location).split('/').pop() as string;
    expect(user.location).toBe(`http://roster.test/scim/v2/Users/${userId}`);
    expect(patched.location).toBe(`http://roster.test/scim/v2/Groups/${groupId}`);
    expect(await memberIds(app, groupId)).toEqual([userId]);
    const read = await app.request('GET', `${SCIM}/Groups/${groupId}`);
    expect(read.body.displayName).toBe(`${name} renamed`);
    const member = await app.request('GET', `${SCIM}/Users/${userId}`);
    expect(member.body.userName).toBe(`${local}@example.com`);
  });

  it('reports each operation’s status; failures carry a SCIM error and do not stop the rest', async () => {
    const app = getApp();
    const taken = await createUser(app, unique('taken'));
    const group = await createGroup(app, unique('Partial'));
    const fresh = unique('fresh');
    const response = await send(
      bulk([
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'dup',
          data: newUser(taken.userName.split('@')[0]),
        },
        { method: 'POST', path: '/Users', bulkId: 'ok', data: newUser(fresh) },
        {
          method: 'PATCH',
          path: `/Groups/${group.id}`,
          data: patchOp({ op: 'add', path: 'members', value: [{ value: 'bulkId:dup' }] }),
        },
        {
          method: 'PATCH',
          path: `/Groups/${group.id}`,
          data: patchOp({ op: 'add', path: 'members', value: [{ value: 'bulkId:ok' }] }),
        },
        { method: 'DELETE', path: '/Users/no-such-user' },
        {
          method: 'PUT',
          path: `/Groups/${group.id}`,
          version: 'W/"99"',
          data: { displayName: 'x' },
        },
        { method: 'GET', path: '/Users' },
        {
          method: 'PATCH',
          path: '/Groups/x',
          data: patchOp({ op: 'add', value: { members: [{ value: 'bulkId:nowhere' }] } }),
        },
      ]),
    );
    expect(response.status, response.text).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON response fields
    const ops = response.body.Operations as Record<string, any>[];
    expect(ops.map((o) => o.status)).toEqual([
      '409',
      '201',
      '400',
      '204',
      '404',
      '412',
      '400',
      '400',
    ]);
    expect(ops[0]?.response).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect(ops[2]?.response.detail).toContain("'dup'");
    expect(ops[6]?.response.scimType).toBe('invalidSyntax');
    expect(ops[7]?.response.detail).toContain("'nowhere'");
    const freshId = String(ops[1]?.location).split('/').pop();
    expect(await memberIds(app, group.id)).toEqual([freshId]);
  });

  it('a version that cannot be an If-Match header is that operation’s 400, not the request’s 500', async () => {
    const app = getApp();
    const user = await createUser(app, unique('bulkversion'));
    const deleteWith = (version: unknown) => ({
      method: 'DELETE',
      path: `/Users/${user.id}`,
      version,
    });
    const response = await send(
      bulk([
        deleteWith('W/"1"\nX-Injected: yes'),
        deleteWith('a\rb'),
        deleteWith('Ā'),
        deleteWith(3),
        {
          method: 'PATCH',
          path: `/Users/${user.id}`,
          version: user.meta.version,
          data: patchOp({ op: 'replace', path: 'title', value: 'Still applied' }),
        },
      ]),
    );
    expect(response.status, response.text).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON response fields
    const ops = response.body.Operations as Record<string, any>[];
    expect(ops.map((o) => o.status)).toEqual(['400', '400', '400', '400', '200']);
    for (const op of ops.slice(0, 4)) {
      expect(op.response).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
      expect(op.response.detail).toContain("'version' must be an entity tag");
    }
    const read = await app.request('GET', `${SCIM}/Users/${user.id}`);
    expect(read.status).toBe(200);
    expect(read.body.title).toBe('Still applied');
  });

  it('many independent operations: all applied; writes to one resource keep request order', async () => {
    const app = getApp();
    const group = await createGroup(app, unique('Many'));
    const operations = [
      ...Array.from({ length: 8 }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `m${i}`,
        data: newUser(unique(`many${i}`)),
      })),
      ...Array.from({ length: 8 }, (_, i) => ({
        method: 'PATCH',
        path: `/Groups/${group.id}`,
        data: patchOp({ op: 'add', path: 'members', value: [{ value: `bulkId:m${i}` }] }),
      })),
      ...['first', 'second', 'third'].map((name) => ({
        method: 'PATCH',
        path: `/Groups/${group.id}`,
        data: patchOp({
          op: 'replace',
          path: 'displayName',
          value: `${group.displayName} ${name}`,
        }),
      })),
    ];
    const response = await send(bulk(operations));
    expect(response.status, response.text).toBe(200);
    const statuses = response.body.Operations.map((o: { status: string }) => o.status);
    expect(statuses).toEqual([...Array(8).fill('201'), ...Array(11).fill('204')]);
    const created = response.body.Operations.slice(0, 8).map(
      (o: { location: string }) => o.location.split('/').pop() as string,
    );
    expect(await memberIds(app, group.id)).toEqual([...created].sort());
    const read = await app.request('GET', `${SCIM}/Groups/${group.id}`);
    expect(read.body.displayName).toBe(`${group.displayName} third`);
    expect(read.body.meta.version).toBe('W/"12"');
  });

  it('failOnErrors stops after that many failures; later operations are not run or reported', async () => {
    const app = getApp();
    const group = await createGroup(app, unique('Stop'));
    const late = unique('late');
    const response = await send(
      bulk(
        [
          { method: 'DELETE', path: '/Users/missing-1' },
          { method: 'POST', path: '/Users', bulkId: 'a', data: newUser(unique('early')) },
          { method: 'DELETE', path: '/Users/missing-2' },
          { method: 'POST', path: '/Users', bulkId: 'b', data: newUser(late) },
          { method: 'DELETE', path: `/Groups/${group.id}` },
        ],
        { failOnErrors: 2 },
      ),
    );
    expect(response.status).toBe(200);
    expect(response.body.Operations.map((o: { status: string }) => o.status)).toEqual([
      '404',
      '201',
      '404',
    ]);
    const found = await app.request(
      'GET',
      `${SCIM}/Users?filter=${encodeURIComponent(`userName eq "${late}@example.com"`)}`,
    );
    expect(found.body.totalResults).toBe(0);
    expect((await app.request('GET', `${SCIM}/Groups/${group.id}`)).status).toBe(200);
  });

  it('circular references fail with 409 without running either operation', async () => {
    const app = getApp();
    const first = unique('Circle A');
    const response = await send(
      bulk([
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'a',
          data: { displayName: first, members: [{ value: 'bulkId:b' }] },
        },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'b',
          data: { displayName: unique('Circle B'), members: [{ value: 'bulkId:a' }] },
        },
      ]),
    );
    expect(response.body.Operations.map((o: { status: string }) => o.status)).toEqual([
      '409',
      '409',
    ]);
    const found = await app.request(
      'GET',
      `${SCIM}/Groups?filter=${encodeURIComponent(`displayName eq "${first}"`)}`,
    );
    expect(found.body.totalResults).toBe(0);
  });

  it('limits: more operations than maxOperations, or a larger body than maxPayloadSize → 413', async () => {
    const app = getApp();
    const spc = await app.request('GET', `${SCIM}/ServiceProviderConfig`);
    expect(spc.body.bulk).toEqual({ supported: true, maxOperations: 20, maxPayloadSize: 20000 });
    const tooMany = await send(
      bulk(Array.from({ length: 21 }, (_, i) => ({ method: 'DELETE', path: `/Users/x${i}` }))),
    );
    expectScimError(tooMany, 413, 'tooLarge');
    expect(tooMany.body.detail).toContain('20');
    const atLimit = await send(
      bulk(Array.from({ length: 20 }, (_, i) => ({ method: 'DELETE', path: `/Users/x${i}` }))),
    );
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.Operations).toHaveLength(20);
    const big = await send(
      bulk([
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'big',
          data: newUser(unique('big'), { nickName: 'x'.repeat(20_000) }),
        },
      ]),
    );
    expectScimError(big, 413, 'tooLarge');
  });

  it('malformed Bulk bodies are precise 400s', async () => {
    expectScimError(await send({ Operations: 'nope' }), 400, 'invalidSyntax');
    expectScimError(
      await send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] }),
      400,
      'invalidSyntax',
    );
    expectScimError(await send(bulk([], { failOnErrors: 0 })), 400, 'invalidValue');
    expectScimError(
      await send(
        bulk([
          { method: 'POST', path: '/Users', bulkId: 'same', data: newUser(unique('s1')) },
          { method: 'POST', path: '/Users', bulkId: 'same', data: newUser(unique('s2')) },
        ]),
      ),
      400,
      'invalidValue',
    );
    const noBulkId = await send(
      bulk([{ method: 'POST', path: '/Users', data: newUser(unique('n')) }]),
    );
    expect(noBulkId.body.Operations[0]).toMatchObject({ status: '400' });
    expect(noBulkId.body.Operations[0].response.detail).toContain('bulkId');
  });
});
