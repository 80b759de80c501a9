/**
 * Request ids (issue 11, Observability): every answer of every surface carries `X-Request-Id`,
 * errors included; a sane incoming id is kept and anything else replaced; the provisioning log
 * keeps the id with the request's event (read back through the admin API), and the server's log
 * lines about the request carry it.
 */
import { describe, expect, it } from 'vitest';
import { isSaneRequestId, newRequestId } from '../../src/http/request-id.ts';
import { createLogger } from '../../src/logger.ts';
import { ADMIN_KEY, createTestApp, STORE_KINDS } from '../helpers/create-test-app.ts';
import { newUser, SCIM, unique, useTestApp } from '../scim-http/scim-test-kit.ts';

/** What Roster makes: 10 characters of time and 10 random, Crockford base32. */
const GENERATED = /^[0-9a-hjkmnp-tv-z]{20}$/;

describe('request id values', () => {
  it('makes ids that sort by time and do not repeat', () => {
    const ids = Array.from({ length: 2000 }, () => newRequestId(1_767_225_600_000));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(GENERATED);
    // Same millisecond, same time part; a later millisecond sorts after.
    expect(new Set(ids.map((id) => id.slice(0, 10))).size).toBe(1);
    expect(newRequestId(1_767_225_600_001) > (ids[0] as string)).toBe(true);
  });

  it('keeps only short tokens of safe characters', () => {
    for (const sane of ['a', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', 'Root=1:abc/def+g_h~i@j.k']) {
      expect(isSaneRequestId(sane), sane).toBe(true);
    }
    expect(isSaneRequestId('x'.repeat(64))).toBe(true);
    for (const insane of ['', 'x'.repeat(65), 'a b', '<script>', 'a;b', 'a"b', 'é', 'a\nb']) {
      expect(isSaneRequestId(insane), insane).toBe(false);
    }
  });
});

describe.each(STORE_KINDS)('request ids (%s)', (kind) => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('debug', {
    write: (line: string) => {
      lines.push(JSON.parse(line));
    },
  });
  const getApp = useTestApp(kind, { logger, env: { ROSTER_MAX_BODY_BYTES: '2048' } });

  it('answers every kind of request with an id, errors, 401s, 404s and 413s included', async () => {
    const app = getApp();
    const cases: [string, string, Parameters<typeof app.request>[2], number][] = [
      ['GET', '/healthz', {}, 200],
      ['GET', '/readyz', {}, 200],
      ['GET', `${SCIM}/Users`, {}, 200],
      ['GET', `${SCIM}/Users`, { token: null }, 401],
      ['GET', `${SCIM}/Users`, { token: 'not-a-token-0123456789abcdef' }, 401],
      ['GET', `${SCIM}/Users/no-such-user`, {}, 404],
      ['GET', `${SCIM}/Nothing`, {}, 404],
      ['POST', `${SCIM}/Users`, { body: newUser('big', { displayName: 'x'.repeat(4000) }) }, 413],
      ['GET', '/api/v1/accounts', { token: ADMIN_KEY }, 200],
      ['GET', '/api/v1/accounts', { token: null }, 401],
      ['GET', '/api/v1/nothing', { token: ADMIN_KEY }, 404],
      ['GET', '/metrics', { token: null }, 401],
      ['GET', '/nothing-here', { token: null }, 404],
      ['GET', '/sign-in', { token: null, headers: { Accept: 'text/html' } }, 200],
    ];
    const ids: string[] = [];
    for (const [method, path, options, status] of cases) {
      const response = await app.request(method, path, options);
      expect(response.status, `${method} ${path}: ${response.text}`).toBe(status);
      const id = response.headers.get('x-request-id');
      expect(id, `${method} ${path}`).toMatch(GENERATED);
      ids.push(id as string);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps a sane incoming id and replaces anything else', async () => {
    const app = getApp();
    const mine = `okta-${unique('req')}`;
    const kept = await app.request('GET', `${SCIM}/Users`, { headers: { 'X-Request-Id': mine } });
    expect(kept.headers.get('x-request-id')).toBe(mine);
    const admin = await app.request('GET', '/api/v1/nothing', {
      token: null,
      headers: { 'X-Request-Id': mine },
    });
    expect(admin.headers.get('x-request-id')).toBe(mine);
    for (const insane of ['has space', 'x'.repeat(65), '<b>bold</b>', 'a;b=c', '']) {
      const response = await app.request('GET', '/healthz', {
        headers: { 'X-Request-Id': insane },
      });
      expect(response.headers.get('x-request-id'), insane).toMatch(GENERATED);
    }
  });

  it("stores the id with the request's provisioning-log event, found by it through the API", async () => {
    const app = getApp();
    const mine = `entra-${unique('req')}`;
    const created = await app.request('POST', `${SCIM}/Users`, {
      body: newUser(unique('rid')),
      headers: { 'X-Request-Id': mine },
    });
    expect(created.status).toBe(201);
    // And one with the id Roster made, as its response header says.
    const failed = await app.request('GET', `${SCIM}/Users/${unique('missing')}`);
    expect(failed.status).toBe(404);
    const made = failed.headers.get('x-request-id') as string;
    await app.flushLog();

    const log = `/api/v1/accounts/${app.accountId}/provisioning-log`;
    const found = await app.request('GET', `${log}?requestId=${mine}`, { token: ADMIN_KEY });
    expect(found.status, found.text).toBe(200);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({
      requestId: mine,
      userId: created.body.id,
      operation: 'create user',
    });
    const event = await app.request('GET', `${log}/${found.body.items[0].id}`, {
      token: ADMIN_KEY,
    });
    expect(event.body.requestId).toBe(mine);

    const byMade = await app.request('GET', `${log}?requestId=${made}`, { token: ADMIN_KEY });
    expect(byMade.body.items.map((e: { status: number }) => e.status)).toEqual([404]);
    const nothing = await app.request('GET', `${log}?requestId=${unique('nobody')}`, {
      token: ADMIN_KEY,
    });
    expect(nothing.body.items).toEqual([]);
    const tooLong = await app.request('GET', `${log}?requestId=${'x'.repeat(65)}`, {
      token: ADMIN_KEY,
    });
    expect(tooLong.status).toBe(400);
  });

  it("puts the id in the server's log lines about the request", async () => {
    const app = getApp();
    const mine = unique('logline');
    const response = await app.request('GET', `${SCIM}/Users?filter=userName%20eq%20%22a%40b%22`, {
      headers: { 'X-Request-Id': mine },
    });
    expect(response.status).toBe(200);
    const line = lines.find((l) => l.requestId === mine);
    expect(line).toMatchObject({
      msg: 'request',
      method: 'GET',
      path: `${SCIM}/Users`,
      status: 200,
    });
    // The query (filter values, personal data) stays out of the line.
    expect(JSON.stringify(line)).not.toContain('a@b');
  });
});

describe.each(STORE_KINDS)('request ids on error lines (%s)', (kind) => {
  it('names the request in the line of a failed readiness check', async (ctx) => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', {
      write: (line: string) => {
        lines.push(JSON.parse(line));
      },
    });
    const app = await createTestApp(kind, { logger });
    if (!app) return ctx.skip(`${kind} store not reachable here`);
    try {
      // The database goes away: readiness fails, and says so in a line naming the request.
      await app.directory.store.close();
      const response = await app.request('GET', '/readyz', {
        headers: { 'X-Request-Id': 'probe-1' },
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('x-request-id')).toBe('probe-1');
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 40, requestId: 'probe-1', msg: 'readiness check failed' }),
      );
    } finally {
      await app.cleanup().catch(() => {});
    }
  });
});
