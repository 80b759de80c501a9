/**
 * The console's sign-in and its defences, through the app's own fetch handler on real stores:
 * sessions from admin keys (never the key in the browser), cookie flags, sign-out, revocation,
 * CSRF and origin checks on every form, security headers on every page, errors as pages.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/directory/events.ts';
import { createTestApp, STORE_KINDS, type TestApp } from '../helpers/create-test-app.ts';
import { browser, ORIGIN } from './console-kit.ts';

const OPERATOR_KEY = 'test-operator-key-0123456789abcdef';

for (const kind of STORE_KINDS) {
  describe(`console sign-in and safety (${kind})`, () => {
    let app: TestApp | undefined;
    beforeAll(async () => {
      app = await createTestApp(kind);
    });
    afterAll(() => app?.cleanup());

    it('sends a signed-out browser to sign in, and back to the page it asked for', async (ctx) => {
      if (!app) return ctx.skip();
      const b = browser(app);
      const page = await b.get('/users?search=ada');
      expect(page.status).toBe(303);
      expect(page.location).toBe('/sign-in?next=%2Fusers');
      // htmx's fragment requests are told where to go instead of getting the sign-in page.
      const fragment = await b.get('/log/rows', { 'HX-Request': 'true' });
      expect(fragment.status).toBe(401);
      expect(fragment.headers.get('hx-redirect')).toBe('/sign-in?next=%2Flog%2Frows');
      const form = await b.get('/sign-in?next=/users');
      expect(form.status).toBe(200);
      expect(form.html).toContain('type="password"');
      const token = /name="_signin" value="([^"]+)"/.exec(form.html)?.[1] ?? '';
      const signedIn = await b.post('/sign-in', {
        _signin: token,
        key: OPERATOR_KEY,
        next: '/users',
      });
      expect(signedIn.status).toBe(303);
      expect(signedIn.location).toBe('/users');
      // An absolute or protocol-relative `next` never leaves the console.
      const other = browser(app);
      const again = await other.get('/sign-in');
      const t2 = /name="_signin" value="([^"]+)"/.exec(again.html)?.[1] ?? '';
      const away = await other.post('/sign-in', {
        _signin: t2,
        key: OPERATOR_KEY,
        next: '//evil.test/x',
      });
      expect(away.location).toBe('/');
    });

    it('turns a valid key into an HttpOnly, SameSite=Strict session cookie that does not hold the key', async (ctx) => {
      if (!app) return ctx.skip();
      const b = browser(app);
      const form = await b.get('/sign-in');
      const token = /name="_signin" value="([^"]+)"/.exec(form.html)?.[1] ?? '';
      const wrong = await b.post('/sign-in', { _signin: token, key: 'roster_admin_not-a-key' });
      expect(wrong.status).toBe(401);
      expect(wrong.text).toContain('that key is not valid');
      expect(b.cookies.has('roster_session')).toBe(false);
      // A SCIM token is not an admin key. (Each form rendered carries a fresh sign-in token.)
      const retry = /name="_signin" value="([^"]+)"/.exec(wrong.html)?.[1] ?? '';
      const scim = await b.post('/sign-in', { _signin: retry, key: app.token });
      expect(scim.status).toBe(401);

      const response = await app.request('POST', `${ORIGIN}/sign-in`, {
        token: null,
        headers: {
          Host: 'roster.test',
          Origin: ORIGIN,
          Cookie: `roster_sign_in=${token}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        raw: new URLSearchParams({ _signin: token, key: OPERATOR_KEY }).toString(),
      });
      expect(response.status).toBe(303);
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('roster_session='));
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Max-Age=43200/);
      // Plain http here: no Secure flag, no __Host- prefix (see the https case below).
      expect(cookie).not.toMatch(/Secure/);
      expect(cookie).not.toContain(OPERATOR_KEY);
      expect(response.text).not.toContain(OPERATOR_KEY);
    });

    it('ends the session on sign-out: the cookie no longer opens anything', async (ctx) => {
      if (!app) return ctx.skip();
      const b = browser(app);
      await b.signIn(OPERATOR_KEY);
      const session = b.cookies.get('roster_session') ?? '';
      expect((await b.get('/operator')).status).toBe(200);
      const out = await b.post('/sign-out');
      expect(out.location).toBe('/sign-in?done=signed-out');
      expect(b.cookies.has('roster_session')).toBe(false);
      const replayed = browser(app);
      replayed.cookies.set('roster_session', session);
      expect((await replayed.get('/operator')).status).toBe(303);
    });

    it("ends an account admin's session when its key is revoked, and keeps it in its account", async (ctx) => {
      if (!app) return ctx.skip();
      const { key, record } = await app.directory.adminKeys.issue(app.accountId, 'console');
      const other = await app.directory.accounts.create({
        name: 'Other Corp',
        tier: 'enterprise',
        pricingModel: 'classic',
        ssoEnabled: true,
      });
      const otherUser = await app.directory.appUsers.create(
        other.id,
        { email: 'x@other.test' },
        { actor: SYSTEM_ACTOR },
      );
      const b = browser(app);
      expect((await b.signIn(key)).location).toBe('/');
      const home = await b.get('/');
      expect(home.location).toBe('/setup');
      expect((await b.get('/setup')).text).toContain('Set up SCIM provisioning');
      // Another account's user answers like a missing one; the operator's page is not here.
      const foreign = await b.get(`/users/${otherUser.user.id}`);
      expect(foreign.status).toBe(404);
      expect(foreign.text).toContain(`no user with id '${otherUser.user.id}'`);
      const operator = await b.get('/operator');
      expect(operator.status).toBe(403);
      const switched = await b.post('/operator/show', { accountId: other.id });
      expect(switched.status).toBe(403);
      await app.directory.adminKeys.revoke(app.accountId, record.id);
      expect((await b.get('/setup')).status).toBe(303);
    });

    it('refuses forms without this session’s token, from another origin, or cross-site', async (ctx) => {
      if (!app) return ctx.skip();
      const b = browser(app);
      await b.signIn(OPERATOR_KEY);
      await b.post('/operator/show', { accountId: app.accountId });
      const before = (await app.directory.teams.list(app.accountId)).length;
      const attempts = [
        b.post('/teams', { name: 'No token', _csrf: '' }),
        b.post('/teams', { name: 'Wrong token', _csrf: 'x'.repeat(43) }),
        b.post('/teams', { name: 'Evil origin' }, { Origin: 'https://evil.test' }),
        b.post('/teams', { name: 'Null origin' }, { Origin: 'null' }),
        b.post('/teams', { name: 'Cross site' }, { 'Sec-Fetch-Site': 'cross-site' }),
      ];
      for (const refused of await Promise.all(attempts)) {
        expect(refused.status).toBe(403);
        expect(refused.text).toContain('The form was refused');
      }
      expect(await app.directory.teams.list(app.accountId)).toHaveLength(before);
      // Another session's token is worthless in this one.
      const other = browser(app);
      await other.signIn(OPERATOR_KEY);
      await other.get('/operator');
      const borrowed = await b.post('/teams', { name: 'Borrowed', _csrf: other.csrf() });
      expect(borrowed.status).toBe(403);
      // With its own token, from this origin, the form works.
      await b.get('/teams');
      const made = await b.post('/teams', { name: 'Made here' });
      expect(made.location).toBe('/teams?done=team-created');
      // htmx sends the token as a header.
      const viaHeader = await b.post(
        '/teams',
        { name: 'Via header', _csrf: '' },
        { 'X-CSRF-Token': b.csrf() },
      );
      expect(viaHeader.status).toBe(303);
      // Sign-in needs its own double-submit token.
      const anonymous = browser(app);
      const noToken = await anonymous.post('/sign-in', { key: OPERATOR_KEY });
      expect(noToken.status).toBe(403);
      expect(anonymous.cookies.has('roster_session')).toBe(false);
    });

    it('sends the security headers on every page, fragment and error, and caches only hashed files', async (ctx) => {
      if (!app) return ctx.skip();
      const b = browser(app);
      await b.signIn(OPERATOR_KEY);
      await b.post('/operator/show', { accountId: app.accountId });
      const pages = await Promise.all(
        [
          '/sign-in',
          '/setup',
          '/tokens',
          '/users',
          '/log/rows',
          '/no-such-page',
          '/users/missing',
        ].map((path) => b.get(path)),
      );
      for (const page of pages) {
        const csp = page.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'none'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).not.toContain('unsafe-eval');
        expect(csp).toContain("frame-ancestors 'none'");
        expect(page.headers.get('x-content-type-options')).toBe('nosniff');
        expect(page.headers.get('referrer-policy')).toBe('same-origin');
        expect(page.headers.get('cache-control')).toBe('no-store');
        // No inline script and no inline style anywhere (the CSP would block them).
        expect(page.html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
        expect(page.html).not.toMatch(/\sstyle=/);
        expect(page.html).not.toMatch(/\son[a-z]+=/);
      }
      const setup = pages[1];
      const assets = [...(setup?.html ?? '').matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map(
        (m) => m[1] as string,
      );
      expect(assets.map((a) => a.split('/').at(-1)).sort()).toEqual([
        'console.css',
        'console.js',
        'htmx.min.js',
        'pico.min.css',
      ]);
      for (const asset of assets) {
        const file = await b.get(asset);
        expect(file.status).toBe(200);
        expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      }
      const stale = await b.get((assets[0] as string).replace(/\/assets\/[^/]+\//, '/assets/old/'));
      expect(stale.status).toBe(404);
      // The API keeps answering JSON for what is not there; browsers get a page.
      const api = await app.request('GET', '/api/v1/nothing', {
        token: null,
        headers: { Accept: 'text/html' },
      });
      expect(api.headers.get('content-type')).toContain('json');
      const jsonClient = await app.request('GET', '/nothing', {
        token: null,
        headers: { Accept: 'application/json' },
      });
      expect(jsonClient.body).toEqual({ error: 'not_found', detail: 'nothing at /nothing' });
      expect(pages[5]?.status).toBe(404);
      expect(pages[5]?.text).toContain('Page not found');
    });

    it('uses a __Host- Secure cookie when the console is reached over https', async (ctx) => {
      if (!app) return ctx.skip();
      const https = await createTestApp(kind, {
        env: { ROSTER_PUBLIC_URL: 'https://roster.example.org' },
      });
      if (!https) return ctx.skip();
      try {
        const b = browser(https);
        const form = await b.get('/sign-in');
        expect(form.headers.getSetCookie()[0]).toMatch(/^__Host-roster_sign_in=.*Secure/);
        const token = /name="_signin" value="([^"]+)"/.exec(form.html)?.[1] ?? '';
        // The form's origin is the public one behind the proxy.
        const signedIn = await b.post(
          '/sign-in',
          { _signin: token, key: OPERATOR_KEY },
          { Origin: 'https://roster.example.org' },
        );
        expect(signedIn.status).toBe(303);
        const cookie = signedIn.headers
          .getSetCookie()
          .find((c) => c.startsWith('__Host-roster_session='));
        expect(cookie).toMatch(/; Secure/);
        expect(cookie).toMatch(/HttpOnly/);
        expect(cookie).toMatch(/Path=\//);
      } finally {
        await https.cleanup();
      }
    });
  });
}
