/** Bad input of every kind gets a precise problem+json answer, never a 500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  type AdminTestApp,
  API,
  createAdminTestApp,
  newAccount,
  routeTable,
} from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API malformed input (${kind})`, () => {
    let t: AdminTestApp | undefined;
    let accountId: string;
    beforeAll(async () => {
      t = await createAdminTestApp(kind);
      if (t) accountId = (await newAccount(t)).id;
    });
    afterAll(() => t?.cleanup());

    const problem = (response: { status: number; body: { code: string }; headers: Headers }) => ({
      status: response.status,
      code: response.body?.code,
      type: response.headers.get('content-type'),
    });

    it('answers malformed, empty, non-object, deep and NUL-bearing bodies with 400', async (ctx) => {
      if (!t) return ctx.skip();
      const path = `${API}/accounts/${accountId}`;
      const json = { 'Content-Type': 'application/json' };
      for (const [raw, code] of [
        ['{"name": ', 'request.malformed_json'],
        ['', 'request.malformed_json'],
        ['   ', 'request.malformed_json'],
        ['[1,2]', 'request.invalid'],
        ['"text"', 'request.invalid'],
        ['null', 'request.invalid'],
        ['{"name":"a\\u0000b"}', 'request.invalid'],
        ['{"name":"a\\u0007b"}', 'request.invalid'],
        [`${'['.repeat(40)}${']'.repeat(40)}`, 'request.invalid'],
      ] as const) {
        const response = await t.call('PATCH', path, { raw, headers: json });
        expect(problem(response), raw).toEqual({
          status: 400,
          code,
          type: 'application/problem+json',
        });
        expect(response.body).toMatchObject({ type: `urn:roster:problem:${code}`, status: 400 });
        expect(response.body.title).toBe('Bad Request');
        expect(response.body.detail.length).toBeGreaterThan(10);
      }
    });

    it('refuses non-JSON content types with 415 and oversized bodies with 413', async (ctx) => {
      if (!t) return ctx.skip();
      const path = `${API}/accounts/${accountId}`;
      const form = await t.call('PATCH', path, {
        raw: 'name=x',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(problem(form)).toMatchObject({ status: 415, code: 'request.unsupported_media_type' });
      const big = await t.call('PATCH', path, {
        raw: JSON.stringify({ name: 'x'.repeat(1_100_000) }),
        headers: { 'Content-Type': 'application/json' },
      });
      expect(problem(big)).toMatchObject({ status: 413, code: 'request.too_large' });
      // application/*+json is JSON too.
      const merge = await t.call('PATCH', path, {
        raw: '{"ssoEnabled":true}',
        headers: { 'Content-Type': 'application/merge-patch+json; charset=utf-8' },
      });
      expect(merge.status).toBe(200);
    });

    it('answers bad ids, unknown paths and wrong methods with 404 / 405, never 500', async (ctx) => {
      if (!t) return ctx.skip();
      for (const id of ['x'.repeat(300), '%00', 'not-an-id', "1' or '1'='1", '%E2%80%AE']) {
        const response = await t.call('GET', `${API}/accounts/${id}`);
        expect(response.status, id).toBe(404);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
      const unknown = await t.call('GET', `${API}/nothing-here`);
      expect(problem(unknown)).toMatchObject({ status: 404, code: 'route.not_found' });
      const wrongMethod = await t.call('PUT', `${API}/accounts/${accountId}`, { body: {} });
      expect(problem(wrongMethod)).toMatchObject({
        status: 405,
        code: 'request.method_not_allowed',
      });
    });

    it('refuses text no store can keep: NUL and unpaired surrogates in bodies, paths and queries', async (ctx) => {
      if (!t) return ctx.skip();
      const base = `${API}/accounts/${accountId}`;
      for (const body of [
        { name: 'Sales', permissions: ['contacts.read', 'a\ud800'] },
        { name: 'Sales\udc00', permissions: [] },
        { name: 'Sales', permissions: [], 'x\ud800': 1 },
      ]) {
        const response = await t.call('POST', `${base}/permission-sets`, { body });
        expect(problem(response), JSON.stringify(body)).toEqual({
          status: 400,
          code: 'request.invalid',
          type: 'application/problem+json',
        });
        expect(response.body.detail).toMatch(/unpaired UTF-16 surrogates|NUL/);
      }
      for (const path of [`${base}/domains/%00`, `${base}/domains/a%00b.example.com/verify`]) {
        const method = path.endsWith('/verify') ? 'POST' : 'DELETE';
        const response = await t.call(method, path);
        expect(problem(response), path).toMatchObject({ status: 404, code: 'resource.not_found' });
      }
      for (const query of ['action=%00', 'action=a%00b']) {
        for (const path of [`${base}/audit`, `${API}/audit`]) {
          const response = await t.call('GET', `${path}?${query}`);
          expect(problem(response), `${path}?${query}`).toMatchObject({
            status: 400,
            code: 'request.invalid',
          });
          expect(response.body.errors).toEqual([
            { pointer: '/action', message: 'NUL characters (\\u0000) are not allowed' },
          ]);
        }
      }
      const log = await t.call('GET', `${base}/provisioning-log?operation=%00`);
      expect(problem(log)).toMatchObject({ status: 400, code: 'request.invalid' });
    });

    it('refuses unknown, repeated and ill-typed query parameters', async (ctx) => {
      if (!t) return ctx.skip();
      const unknown = await t.call('GET', `${API}/accounts/${accountId}?verbose=1`);
      expect(problem(unknown)).toMatchObject({ status: 400, code: 'request.invalid' });
      expect(unknown.body.errors).toEqual([{ pointer: '/verbose', message: 'unknown parameter' }]);
      const repeated = await t.call('GET', `${API}/audit?limit=1&limit=2`);
      expect(problem(repeated)).toMatchObject({ status: 400, code: 'request.invalid' });
      for (const limit of ['0', '-1', 'ten', '1e99', '201', '1.5']) {
        const response = await t.call('GET', `${API}/audit?limit=${limit}`);
        expect(problem(response), limit).toMatchObject({ status: 400, code: 'request.invalid' });
        expect(response.body.errors[0].pointer).toBe('/limit');
      }
    });

    it('answers junk on every route of the route table with a 4xx problem, never a 5xx', async (ctx) => {
      if (!t) return ctx.skip();
      const junkBodies: unknown[] = [
        {},
        [],
        { name: 1, email: ['a'], permissions: 'x', purchased: -1, seat: {}, paidSeat: 7 },
        { name: 'x'.repeat(10_000), email: `${'a'.repeat(600)}@b.c` },
        { secondaryTeamIds: Array.from({ length: 500 }, (_, i) => `t${i}`) },
        { primaryTeamId: '\u202e', permissionSetId: 'x'.repeat(200) },
        { name: '\ud800', permissions: [null] },
        { name: 'x', permissions: ['a\ud800'], domain: 'a\udc00.example.com' },
      ];
      const junkIds = ['x', 'x'.repeat(129), '%20', '..', '%2e%2e', '%00'];
      let checked = 0;
      for (const route of routeTable(t)) {
        const method = route.method.toUpperCase();
        for (const id of junkIds) {
          const path = `${API}${route.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
            name === 'accountId' ? accountId : id,
          )}`;
          const requests = [
            ...(route.body ? junkBodies : [undefined]).map((body) => ({ url: path, body })),
            { url: `${path}?limit=abc&x=1`, body: undefined },
          ];
          for (const { url, body } of requests) {
            const response = await t.call(method, url, { body });
            const where = `${method} ${url} ${JSON.stringify(body)?.slice(0, 80)}`;
            expect(response.status, where).toBeLessThan(500);
            // Junk in the query is refused wherever the path itself is fine.
            if (url.includes('?') && ![404, 405].includes(response.status))
              expect(response.status, where).toBe(400);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(100);
    });

    it('checks the key before it reads the body', async (ctx) => {
      if (!t) return ctx.skip();
      const response = await t.call('PATCH', `${API}/accounts/${accountId}`, {
        key: null,
        raw: '{broken',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(response.status).toBe(401);
      expect(ADMIN_KEY.length).toBeGreaterThan(24);
    });
  });
}
