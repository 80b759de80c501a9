/**
 * What the provisioning log must never keep: passwords (in any spelling: any case, URN-qualified,
 * dotted; in any position: nested, in arrays, under a PATCH path naming them, in Bulk `data`),
 * bodies that could not be parsed (kept as size, SHA-256 and parse error instead), secrets in
 * the query string, and secrets echoed back in error details.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ProvisioningEvent } from '../../src/directory/model.ts';
import { ADMIN_KEY, STORE_KINDS, type TestApp, USER_SCHEMA } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectScimError,
  newUser,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

async function events(app: TestApp): Promise<ProvisioningEvent[]> {
  await app.flushLog();
  return app.directory.provisioningLog.list({ accountId: app.accountId, limit: 200 });
}

describe.each(STORE_KINDS)('provisioning log redaction (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('never stores a password, whatever its spelling or position', async () => {
    const app = getApp();
    const tag = unique('pw');
    const secret = (n: number) => `Secret${n}-${tag}`;
    const user = await createUser(app, unique('redact'));
    const requests: [string, string, unknown][] = [
      ['POST', '/Users', newUser(unique('urnpw'), { [`${USER_SCHEMA}:password`]: secret(1) })],
      ['POST', '/Users', newUser(unique('casepw'), { PassWord: secret(2) })],
      [
        'PUT',
        `/Users/${user.id}`,
        { ...newUser(user.userName.split('@')[0]), [ENTERPRISE]: { password: secret(3) } },
      ],
      [
        'PATCH',
        `/Users/${user.id}`,
        patchOp({ op: 'replace', value: { [`${USER_SCHEMA}:password`]: secret(4) } }),
      ],
      ['PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', value: { password: secret(5) } })],
      [
        'PATCH',
        `/Users/${user.id}`,
        patchOp({ op: 'replace', value: { 'user.password': secret(6) } }),
      ],
      [
        'PATCH',
        `/Users/${user.id}`,
        patchOp({ op: 'replace', path: `${USER_SCHEMA}:Password`, value: secret(7) }),
      ],
      [
        'PATCH',
        `/Users/${user.id}`,
        patchOp({ op: 'replace', path: `password[value eq "${secret(8)}"]`, value: secret(9) }),
      ],
      // A value of the wrong type: the error detail must not echo it.
      [
        'PATCH',
        `/Users/${user.id}`,
        patchOp({ op: 'replace', value: { password: { nested: secret(10) } } }),
      ],
      ['PATCH', `/Users/${user.id}`, patchOp({ op: 'add', value: [{ password: [secret(11)] }] })],
      [
        'POST',
        '/Bulk',
        {
          schemas: [BULK_SCHEMA],
          Operations: [
            {
              method: 'POST',
              path: '/Users',
              bulkId: 'a',
              data: newUser(unique('bulkpw'), { [`${USER_SCHEMA}:password`]: secret(12) }),
            },
            {
              method: 'PATCH',
              path: `/Users/${user.id}`,
              data: patchOp({ op: 'replace', value: { [`${USER_SCHEMA}:password`]: secret(13) } }),
            },
          ],
        },
      ],
    ];
    for (const [method, path, body] of requests) {
      const response = await app.request(method, `${SCIM}${path}`, { body });
      expect(response.status, `${method} ${path}: ${response.text}`).toBeLessThan(500);
    }
    const text = JSON.stringify(await events(app));
    for (let n = 1; n <= 13; n++) expect(text, `secret ${n} was stored`).not.toContain(secret(n));
    expect(text).toContain('[redacted]');

    // Through the admin API, as an admin reads it.
    const list = await app.request(
      'GET',
      `/api/v1/accounts/${app.accountId}/provisioning-log?limit=200`,
      { token: ADMIN_KEY },
    );
    for (const item of list.body.items as { id: string }[]) {
      const one = await app.request(
        'GET',
        `/api/v1/accounts/${app.accountId}/provisioning-log/${item.id}`,
        { token: ADMIN_KEY },
      );
      expect(one.text).not.toContain(tag);
    }
  });

  it('keeps a body that cannot be parsed as its size, SHA-256 and parse error, never raw', async () => {
    const app = getApp();
    const secret = `P#2-${unique('raw')}`;
    const bodies = [
      `{"userName":"x@example.com","password":"${secret}",}`,
      `${secret} is not JSON`,
    ];
    for (const raw of bodies) {
      const response = await app.request('POST', `${SCIM}/Users`, {
        raw,
        headers: { 'Content-Type': 'application/scim+json' },
      });
      expectScimError(response, 400, 'invalidSyntax');
      expect(response.body.detail).not.toContain(secret);
    }
    const logged = (await events(app)).filter(
      (e) => e.status === 400 && e.requestBody?.includes('unparsed'),
    );
    expect(JSON.stringify(logged)).not.toContain(secret);
    for (const raw of bodies) {
      const sha256 = createHash('sha256').update(raw).digest('hex');
      const event = logged.find((e) => e.requestBody?.includes(sha256));
      expect(event, `no event with the hash of ${raw}`).toBeDefined();
      const stored = JSON.parse(event?.requestBody as string);
      expect(stored).toEqual({
        unparsed: { bytes: Buffer.byteLength(raw), sha256, error: expect.any(String) },
      });
      expect(stored.unparsed.error).toMatch(/line 1, column \d+/);
    }
  });

  it('redacts secret-named query parameters and refuses an access_token in the query', async () => {
    const app = getApp();
    const secret = unique('qsecret');
    const read = await app.request(
      'GET',
      `${SCIM}/Users?count=1&client_secret=${secret}&api_key=${secret}`,
    );
    expect(read.status).toBe(200);

    const refused = await app.request('GET', `${SCIM}/Users?access_token=${secret}`, {
      token: null,
    });
    expectScimError(refused, 400, 'invalidValue');
    expect(refused.body.detail).toMatch(/Authorization header/);
    // Refused even alongside a valid header: the token in the URL is already exposed.
    const both = await app.request('GET', `${SCIM}/Users?count=1&access_token=${secret}`);
    expectScimError(both, 400, 'invalidValue');

    const logged = await events(app);
    expect(JSON.stringify(logged)).not.toContain(secret);
    const paths = logged.map((e) => e.path);
    expect(paths).toContain('/scim/v2/Users?count=1&client_secret=[redacted]&api_key=[redacted]');
  });
});
