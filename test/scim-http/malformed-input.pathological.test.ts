/**
 * Pathological input (PRODUCT.md "Standards": every bad input gets a clear error and never a
 * 500): deep nesting, huge filters and PATCHes, out-of-range numbers, oversized indexed values,
 * NUL characters. Each is either served or refused with a SCIM 4xx.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectScimError,
  newUser,
  patchOp,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

const USERS = `${SCIM}/Users`;
const ONE = `${SCIM}/Users/{id}`;
const filter = (text: string) => `${SCIM}/Users?filter=${encodeURIComponent(text)}`;

describe.each(STORE_KINDS)('pathological input (%s)', (kind) => {
  const getApp = useTestApp(kind);
  let id: string | undefined;
  async function target(path: string) {
    if (!id) id = (await createUser(getApp(), unique('target'))).id as string;
    return path.replace('{id}', id as string);
  }

  describe('pathological input is refused or served, never a 500', () => {
    const never500 = (response: { status: number; text: string }) => {
      expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
    };

    const depth = 50_000;
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;

    it('POST with deeply nested JSON in an unknown attribute', async () => {
      const app = getApp();
      const body = JSON.stringify(newUser(unique('deep'))).replace(/}$/, `,"junk":${nested}}`);
      never500(await app.request('POST', USERS, { raw: body }));
    });

    it('PATCH with deeply nested JSON in an unknown attribute', async () => {
      const app = getApp();
      const patchBody = `{"Operations":[{"op":"add","value":{"junk":${nested}}}]}`;
      never500(await app.request('PATCH', await target(ONE), { raw: patchBody }));
    });

    it('a filter with thousands of or-ed comparisons', async () => {
      const app = getApp();
      const text = Array.from({ length: 2000 }, (_, i) => `userName eq "u${i}@example.com"`).join(
        ' or ',
      );
      const response = await app.request('POST', `${USERS}/.search`, { body: { filter: text } });
      never500(response);
      if (response.status !== 200) expectScimError(response, response.status);
    });

    it('a filter nested in thousands of parentheses', async () => {
      const app = getApp();
      const text = `${'('.repeat(5000)}userName eq "x"${')'.repeat(5000)}`;
      const response = await app.request('POST', `${USERS}/.search`, { body: { filter: text } });
      never500(response);
      if (response.status !== 200) expectScimError(response, response.status);
    });

    it('a PATCH with thousands of operations', async () => {
      const app = getApp();
      const operations = Array.from({ length: 5000 }, (_, i) => ({
        op: 'replace',
        path: 'title',
        value: `t${i}`,
      }));
      never500(await app.request('PATCH', await target(ONE), { body: patchOp(...operations) }));
    });

    it('a startIndex beyond any integer the database takes', async () => {
      const response = await getApp().request('GET', `${USERS}?startIndex=99999999999999999999`);
      never500(response);
      if (response.status === 200) expect(response.body.Resources).toEqual([]);
      else expectScimError(response, 400, 'invalidValue');
    });

    it.each([
      [
        'userName',
        (v: string) => ({
          userName: `${v}@example.com`,
          emails: [{ value: `${v}@example.com`, primary: true }],
        }),
      ],
      ['externalId', (v: string) => ({ externalId: v })],
      [
        'a secondary e-mail',
        (v: string) => ({
          emails: [
            { value: `${unique('p')}@example.com`, primary: true },
            { value: `${v}@other.example` },
          ],
        }),
      ],
    ] as const)('an indexed value (%s) of 6000 incompressible characters', async (_name, extra) => {
      const value = randomBytes(3000).toString('hex');
      const response = await getApp().request('POST', USERS, {
        body: newUser(unique('long'), extra(value)),
      });
      never500(response);
      if (response.status !== 201) expectScimError(response, 400, 'invalidValue');
    });

    it('filters with more value paths or comparisons than any IdP sends are refused, not run', async () => {
      const app = getApp();
      const ands = (term: string, n: number) => Array.from({ length: n }, () => term).join(' and ');
      // 400 ANDed value paths held a PostgreSQL connection for minutes before the limit.
      for (const text of [
        `${ands('emails[value pr]', 400)} and userName pr`,
        ands('emails.value pr', 11),
        Array.from({ length: 101 }, (_, i) => `userName eq "u${i}@example.com"`).join(' or '),
      ]) {
        const response = await app.request('POST', `${USERS}/.search`, { body: { filter: text } });
        expectScimError(response, 400, 'invalidFilter');
        expect(response.body.detail).toMatch(/at most (10|100) are allowed/);
      }
      for (const text of [
        ands('emails[value pr]', 10),
        Array.from({ length: 100 }, (_, i) => `userName eq "u${i}@example.com"`).join(' or '),
      ]) {
        const response = await app.request('POST', `${USERS}/.search`, { body: { filter: text } });
        expect(response.status, response.text).toBe(200);
      }
    });

    it('an id with a NUL character', async () => {
      never500(await getApp().request('GET', `${USERS}/${encodeURIComponent('a\u0000b')}`));
    });

    it('a filter value with a NUL character', async () => {
      never500(await getApp().request('GET', filter('userName eq "a\u0000b"')));
    });

    it('attribute values with NUL and control characters', async () => {
      const response = await getApp().request('POST', USERS, {
        body: newUser(unique('nul'), { displayName: 'a\u0000b', title: '\u0007' }),
      });
      never500(response);
    });

    it('unpaired UTF-16 surrogates in values and names, on POST, PUT, PATCH, .search and /Bulk', async () => {
      const app = getApp();
      // JSON.stringify writes a lone surrogate as the escape "\ud800", which PostgreSQL's
      // jsonb refuses: the request must be refused before any store sees it.
      const lone = 'a\ud800b';
      const user = await createUser(app, unique('surrogate'));
      for (const [method, path, body] of [
        ['POST', USERS, newUser(unique('surrogate'), { displayName: lone })],
        ['POST', USERS, newUser(unique('surrogate'), { [`x${lone}`]: 'value' })],
        ['PUT', `${USERS}/${user.id}`, newUser(unique('surrogate'), { title: '\udc00' })],
        [
          'PATCH',
          `${USERS}/${user.id}`,
          patchOp({ op: 'add', path: 'name.givenName', value: lone }),
        ],
        ['POST', `${USERS}/.search`, { filter: `userName eq "${lone}"` }],
      ] as const) {
        const response = await app.request(method, path, { body });
        expectScimError(response, 400, 'invalidValue');
        expect(response.body.detail).toContain('unpaired UTF-16 surrogates');
      }
      const bulk = await app.request('POST', `${SCIM}/Bulk`, {
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: [{ method: 'POST', bulkId: 'a', path: '/Users', data: newUser(lone) }],
        },
      });
      expectScimError(bulk, 400, 'invalidValue');
      // A well-formed pair (an emoji) is fine, and stored as sent.
      const emoji = await app.request('PATCH', `${USERS}/${user.id}`, {
        body: patchOp({ op: 'replace', path: 'displayName', value: 'Ana \ud83d\ude00' }),
      });
      expect(emoji.status, emoji.text).toBe(200);
      expect(emoji.body.displayName).toBe('Ana 😀');
    });
  });
});
