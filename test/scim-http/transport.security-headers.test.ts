/**
 * Every response carries `X-Content-Type-Options: nosniff` (no browser guesses a JSON error
 * body into HTML), and every /scim/v2 and /api/v1 response `Cache-Control: no-store`: tokens,
 * keys and user records must not be kept by a cache between Roster and its client
 * (RFC 9111 §5.2.2.5), whatever the status.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../helpers/create-test-app.ts';
import { createUser, SCIM, unique, useTestApp } from './scim-test-kit.ts';

describe('security headers', () => {
  const getApp = useTestApp('sqlite');

  it('nosniff on every response; no-store on every SCIM and admin API response', async () => {
    const app = getApp();
    const user = await createUser(app, unique('headers'));
    const api = { token: ADMIN_KEY };
    const requests: [string, string, Parameters<typeof app.request>[2]][] = [
      ['GET', `${SCIM}/Users/${user.id}`, {}],
      ['GET', `${SCIM}/Users?count=1`, {}],
      ['GET', `${SCIM}/ServiceProviderConfig`, { token: null }],
      ['GET', `${SCIM}/Users`, { token: null }],
      ['GET', `${SCIM}/Users/${crypto.randomUUID()}`, {}],
      ['POST', `${SCIM}/Users`, { raw: '{', headers: { 'Content-Type': 'application/json' } }],
      ['GET', `${SCIM}/Users/${user.id}`, { headers: { 'If-None-Match': user.meta.version } }],
      ['GET', '/api/v1/openapi.json', { token: null }],
      ['GET', '/api/v1/accounts', api],
      ['POST', `/api/v1/accounts/${app.accountId}/admin-keys`, { ...api, body: { name: 'k' } }],
      ['POST', `/api/v1/accounts/${app.accountId}/tokens/rotate`, { ...api, body: {} }],
      ['GET', '/api/v1/accounts', { token: null }],
      ['GET', '/api/v1/nowhere', api],
    ];
    for (const [method, path, options] of requests) {
      const response = await app.request(method, path, options);
      const where = `${method} ${path} → ${response.status}`;
      expect(response.headers.get('x-content-type-options'), where).toBe('nosniff');
      expect(response.headers.get('cache-control'), where).toBe('no-store');
    }
    for (const path of ['/healthz', '/readyz', '/nowhere']) {
      const response = await app.request('GET', path, { token: null });
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});
