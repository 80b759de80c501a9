/**
 * The provisioning log (PRODUCT.md "Provisioning event"): every SCIM request is recorded with
 * its time, the IdP detected from the User-Agent, the operation, the user, the outcome, a
 * plain-language explanation of failures, and bodies with secrets redacted.
 */
import { describe, expect, it } from 'vitest';
import type { ProvisioningEvent } from '../../src/directory/model.ts';
import type { TestApp } from '../helpers/create-test-app.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { createUser, newUser, patchOp, SCIM, unique, useTestApp } from './scim-test-kit.ts';

const OKTA = 'Okta SCIM Client 1.0.0';
const GOOGLE = 'Google-Auto-Provisioning';

async function events(app: TestApp): Promise<ProvisioningEvent[]> {
  await app.flushLog();
  return app.directory.provisioningLog.list({ accountId: app.accountId, limit: 50 });
}

/** The newest event matching `predicate`. */
async function eventWhere(app: TestApp, predicate: (e: ProvisioningEvent) => boolean) {
  const found = (await events(app)).find(predicate);
  expect(found, 'no matching provisioning event').toBeDefined();
  return found as ProvisioningEvent;
}

describe.each(STORE_KINDS)('provisioning log (%s)', (kind) => {
  const getApp = useTestApp(kind);

  it('records a create with time, IdP, operation, user, status and redacted password', async () => {
    const app = getApp();
    const local = unique('logcreate');
    const secret = `Pa55-${unique('w')}`;
    const before = Date.now();
    const response = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(local, { password: secret }),
      headers: { 'User-Agent': OKTA },
    });
    expect(response.status).toBe(201);
    const event = await eventWhere(
      app,
      (e) => e.userId === response.body.id && e.method === 'POST',
    );
    expect(event.idp).toBe('okta');
    expect(event.operation).toBe('create user');
    expect(event.status).toBe(201);
    expect(event.outcome).toBe('success');
    expect(event.scimType).toBeNull();
    expect(event.accountId).toBe(app.accountId);
    const at = Date.parse(event.at);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
    expect(event.requestBody).not.toContain(secret);
    expect(JSON.parse(event.requestBody as string).password).toBe('[redacted]');
    expect(JSON.parse(event.responseBody as string).id).toBe(response.body.id);
  });

  it('detects Google from its User-Agent and names a filtered GET "find users"', async () => {
    const app = getApp();
    const filter = `userName eq "${unique('nobody')}@example.com"`;
    const response = await app.request(
      'GET',
      `${SCIM}/Users?filter=${encodeURIComponent(filter)}&startIndex=1`,
      { headers: { 'User-Agent': GOOGLE } },
    );
    expect(response.status).toBe(200);
    const event = await eventWhere(app, (e) => e.path.includes(filter));
    expect(event.idp).toBe('google');
    expect(event.operation).toBe('find users');
    expect(event.status).toBe(200);
    expect(event.outcome).toBe('success');
  });

  it('names deactivation "deactivate user", and records DELETE against the user', async () => {
    const app = getApp();
    const user = await createUser(app, unique('logdeact'));
    await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', value: { active: false } }),
      headers: { 'User-Agent': OKTA },
    });
    const deactivation = await eventWhere(app, (e) => e.userId === user.id && e.method === 'PATCH');
    expect(deactivation.operation).toBe('deactivate user');
    expect(deactivation.idp).toBe('okta');

    expect((await app.request('DELETE', `${SCIM}/Users/${user.id}`)).status).toBe(204);
    const deletion = await eventWhere(app, (e) => e.userId === user.id && e.method === 'DELETE');
    expect(deletion.status).toBe(204);
    expect(deletion.outcome).toBe('success');
    expect(deletion.operation).toMatch(/delete|deprovision|deactivate/);
    expect(deletion.idp).toBe('unknown');
  });

  it('records failures with their status, scimType and a plain-language explanation', async () => {
    const app = getApp();
    const local = unique('logfail');
    await createUser(app, local);
    const conflict = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(local),
      headers: { 'User-Agent': OKTA },
    });
    expect(conflict.status).toBe(409);
    const event = await eventWhere(
      app,
      (e) => e.status === 409 && e.requestBody?.includes(local) === true,
    );
    expect(event.outcome).toBe('failure');
    expect(event.scimType).toBe('uniqueness');
    expect(event.operation).toBe('create user');
    expect(typeof event.explanation).toBe('string');
    expect((event.explanation as string).length).toBeGreaterThan(10);

    const badFilter = await app.request(
      'GET',
      `${SCIM}/Users?filter=${encodeURIComponent('userName zz "x"')}`,
    );
    expect(badFilter.status).toBe(400);
    const filterEvent = await eventWhere(app, (e) => e.status === 400 && e.path.includes('zz'));
    expect(filterEvent.scimType).toBe('invalidFilter');
    expect(filterEvent.explanation).toBeTruthy();

    const domain = `${unique('x')}@unverified-log.example`;
    await app.request('POST', `${SCIM}/Users`, {
      body: newUser('x', { userName: domain, emails: [{ value: domain, primary: true }] }),
    });
    const domainEvent = await eventWhere(app, (e) => e.requestBody?.includes(domain) === true);
    expect(domainEvent.status).toBe(400);
    expect(domainEvent.scimType).toBe('invalidValue');
    expect(domainEvent.explanation).toContain('unverified-log.example');
  });

  it('redacts a password sent through PUT and PATCH (path-less and with a path)', async () => {
    const app = getApp();
    const local = unique('logpw');
    const user = await createUser(app, local);
    const secrets = [1, 2, 3].map((n) => `Secret${n}-${unique('pw')}`);
    const put = await app.request('PUT', `${SCIM}/Users/${user.id}`, {
      body: newUser(local, { password: secrets[0] }),
    });
    expect(put.status).toBe(200);
    const pathless = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', value: { password: secrets[1] } }),
    });
    expect(pathless.status).toBe(200);
    const withPath = await app.request('PATCH', `${SCIM}/Users/${user.id}`, {
      body: patchOp({ op: 'replace', path: 'password', value: secrets[2] }),
    });
    expect(withPath.status).toBe(200);
    const logged = (await events(app)).filter((e) => e.userId === user.id);
    expect(logged.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(logged);
    for (const secret of secrets) expect(text, secret).not.toContain(secret);
  });

  it('records every request, including reads and discovery, with its path and method', async () => {
    const app = getApp();
    const user = await createUser(app, unique('logread'));
    await app.request('GET', `${SCIM}/Users/${user.id}`);
    const read = await eventWhere(app, (e) => e.method === 'GET' && e.userId === user.id);
    expect(read.path).toBe(`/scim/v2/Users/${user.id}`);
    expect(read.status).toBe(200);
    expect(read.operation).toBe('get user');

    await app.request('GET', `${SCIM}/Users/${crypto.randomUUID()}`);
    const missing = await eventWhere(app, (e) => e.method === 'GET' && e.status === 404);
    expect(missing.outcome).toBe('failure');
    expect(missing.explanation).toBeTruthy();
  });
  it('logs refused requests whose ids hold NUL characters, with the NUL escaped', async () => {
    const app = getApp();
    const tag = unique('nulid');
    for (const path of [`${SCIM}/Users/${tag}%00x`, `${SCIM}/Groups/${tag}%00x`]) {
      expect((await app.request('GET', path)).status, path).toBe(404);
    }
    const logged = (await events(app)).filter((e) => e.path.includes(tag));
    expect(logged.map((e) => [e.operation, e.status]).sort()).toEqual([
      ['get group', 404],
      ['get user', 404],
    ]);
    const user = logged.find((e) => e.operation === 'get user');
    const group = logged.find((e) => e.operation === 'get group');
    expect(user?.userId).toBe(`${tag}\\u0000x`);
    expect(group?.groupId).toBe(`${tag}\\u0000x`);
    for (const event of logged) expect(event.explanation ?? '').not.toContain('\u0000');
  });
});
