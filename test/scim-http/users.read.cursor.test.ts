/**
 * Checklist §11 item 28 (idp-behaviour.md §2.9, RFC 9865): cursor pagination, only when asked.
 */
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/create-test-app.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import {
  createUser,
  expectListResponse,
  expectScimError,
  listAllIds,
  SCIM,
  unique,
  useTestApp,
} from './scim-test-kit.ts';

const ids = (body: { Resources: { id: string }[] }) => body.Resources.map((u) => u.id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** RFC 3986 unreserved characters (RFC 9865 §2). */
const UNRESERVED = /^[A-Za-z0-9\-._~]+$/;

/** Follows nextCursor from an empty cursor; returns every page's body. */
async function walk(app: TestApp, query: string) {
  // biome-ignore lint/suspicious/noExplicitAny: list bodies
  const pages: any[] = [];
  let cursor = '';
  for (let guard = 0; guard < 100; guard++) {
    const response = await app.request(
      'GET',
      `${SCIM}/Users?${query}&cursor${cursor ? `=${encodeURIComponent(cursor)}` : ''}`,
    );
    expectListResponse(response);
    pages.push(response.body);
    if (response.body.nextCursor === undefined) return pages;
    cursor = response.body.nextCursor;
  }
  throw new Error('cursor walk did not end');
}

describe.each(STORE_KINDS)('cursor pagination (%s)', (kind) => {
  const getApp = useTestApp(kind);
  const family = `Cursor${unique('c').replace('-', '')}`;
  let seeded = false;
  async function ready() {
    const app = getApp();
    if (!seeded) {
      for (let i = 0; i < 20; i++) {
        await createUser(app, `${family.toLowerCase()}-${i}`, {
          name: { givenName: 'C', familyName: family },
        });
      }
      for (let i = 0; i < 5; i++) await createUser(app, unique('noise'));
      seeded = true;
    }
    return app;
  }

  it('#28 cursor&count=10 returns nextCursor; following it walks every user exactly once', async () => {
    const app = await ready();
    const pages = await walk(app, 'count=10');
    const everyone = await listAllIds(app);
    expect(everyone.length).toBeGreaterThanOrEqual(25);
    const walked = pages.flatMap((p) => ids(p));
    expect(walked.length).toBe(everyone.length);
    expect(new Set(walked)).toEqual(new Set(everyone));
    expect(pages.length).toBe(Math.ceil(everyone.length / 10));
    for (const [index, page] of pages.entries()) {
      const last = index === pages.length - 1;
      expect(page.totalResults).toBe(everyone.length);
      expect(page.itemsPerPage).toBe(page.Resources.length);
      expect(page.Resources.length).toBeLessThanOrEqual(10);
      if (!last) {
        expect(page.Resources).toHaveLength(10);
        expect(page.nextCursor).toMatch(UNRESERVED);
      } else {
        expect(page).not.toHaveProperty('nextCursor');
      }
    }
  });

  it('#28 a filtered listing whose size is a multiple of count ends without an empty page', async () => {
    const app = await ready();
    const filter = `filter=${encodeURIComponent(`name.familyName eq "${family}"`)}`;
    const pages = await walk(app, `${filter}&count=10`);
    expect(pages.map((p) => p.Resources.length)).toEqual([10, 10]);
    expect(pages[0].nextCursor).toBeDefined();
    expect(pages[1]).not.toHaveProperty('nextCursor');
    expect(new Set(pages.flatMap((p) => ids(p))).size).toBe(20);
  });

  it('#28 the /.search body accepts "cursor": "" and count', async () => {
    const app = await ready();
    const filter = `name.familyName eq "${family}"`;
    const first = await app.request('POST', `${SCIM}/Users/.search`, {
      body: { filter, cursor: '', count: 15 },
    });
    expectListResponse(first);
    expect(first.body.Resources).toHaveLength(15);
    const second = await app.request('POST', `${SCIM}/Users/.search`, {
      body: { filter, cursor: first.body.nextCursor, count: 15 },
    });
    expectListResponse(second);
    expect(second.body.Resources).toHaveLength(5);
    expect(second.body).not.toHaveProperty('nextCursor');
  });

  it('#28 a tampered or foreign cursor → 400 invalidCursor', async () => {
    const app = await ready();
    const first = await app.request('GET', `${SCIM}/Users?cursor&count=10`);
    const cursor = first.body.nextCursor as string;
    expect(cursor).toMatch(UNRESERVED);
    const flipped = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    for (const bad of [flipped, `${cursor}x`, 'abc', 'not.a.cursor', cursor.split('.')[0]]) {
      expectScimError(
        await app.request(
          'GET',
          `${SCIM}/Users?cursor=${encodeURIComponent(bad as string)}&count=10`,
        ),
        400,
        'invalidCursor',
      );
    }
    // Other parameters must be identical between pages: another filter is a foreign cursor.
    const filter = encodeURIComponent(`name.familyName eq "${family}"`);
    expectScimError(
      await app.request('GET', `${SCIM}/Users?filter=${filter}&cursor=${cursor}&count=10`),
      400,
      'invalidCursor',
    );
  });

  it('#28 count=0 or above maxPageSize with a cursor → 400 invalidCount', async () => {
    const app = await ready();
    for (const count of ['0', '201', '-1', '100000']) {
      expectScimError(
        await app.request('GET', `${SCIM}/Users?cursor&count=${count}`),
        400,
        'invalidCount',
      );
    }
    const max = await app.request('GET', `${SCIM}/Users?cursor&count=200`);
    expectListResponse(max);
  });

  it('#28 requests without cursor never receive nextCursor', async () => {
    const app = await ready();
    for (const query of ['', '?count=10', '?count=1&startIndex=1', '?startIndex=5&count=5']) {
      const response = await app.request('GET', `${SCIM}/Users${query}`);
      expectListResponse(response);
      expect(response.body, query).not.toHaveProperty('nextCursor');
      expect(Number.isInteger(response.body.startIndex), query).toBe(true);
    }
    const search = await app.request('POST', `${SCIM}/Users/.search`, { body: { count: 5 } });
    expect(search.body).not.toHaveProperty('nextCursor');
  });

  it.each([
    ['title', 'ascending'],
    ['title', 'descending'],
    ['displayName', 'ascending'],
    ['userName', 'descending'],
    ['name.givenName', 'ascending'],
    ['meta.created', 'descending'],
  ])(
    '#28 sorted by %s %s, with ties and unassigned values, the walk is exact and ordered',
    async (sortBy, sortOrder) => {
      const app = await ready();
      const tag = `Sorted${unique('s').replace('-', '')}`;
      const titles = [
        'Alpha',
        'alpha',
        'Beta',
        undefined,
        'Gamma',
        undefined,
        'Beta',
        'Élan',
        'zeta',
        undefined,
        'Alpha',
        'beta',
      ];
      for (const [i, title] of titles.entries()) {
        await createUser(app, `${tag.toLowerCase()}-${i}`, {
          name: { givenName: title ?? '', familyName: tag },
          ...(title ? { title, displayName: `${title} ${i % 3}` } : {}),
        });
      }
      const filter = `filter=${encodeURIComponent(`name.familyName eq "${tag}"`)}`;
      const query = `${filter}&sortBy=${sortBy}&sortOrder=${sortOrder}&count=5`;
      const pages = await walk(app, query);
      const walked = pages.flatMap((p) => ids(p));
      expect(walked.length).toBe(titles.length);
      expect(new Set(walked).size).toBe(titles.length);
      // The same order as one index page with the same sort.
      const indexed = await app.request(
        'GET',
        `${SCIM}/Users?${filter}&sortBy=${sortBy}&sortOrder=${sortOrder}&count=100`,
      );
      expect(walked).toEqual(ids(indexed.body));
      // And index pages of 5 agree with it too.
      const paged: string[] = [];
      for (let startIndex = 1; startIndex <= titles.length; startIndex += 5) {
        const page = await app.request(
          'GET',
          `${SCIM}/Users?${query}&startIndex=${startIndex}`.replace('&cursor', ''),
        );
        paged.push(...ids(page.body));
      }
      expect(paged).toEqual(walked);
    },
  );

  describe('with a 1-second cursorTimeout', () => {
    const getShortApp = useTestApp(kind, { env: { ROSTER_CURSOR_TIMEOUT_SECONDS: '1' } });

    it('#28 a cursor older than cursorTimeout → 400 expiredCursor', async () => {
      const app = getShortApp();
      for (let i = 0; i < 3; i++) await createUser(app, unique('exp'));
      const first = await app.request('GET', `${SCIM}/Users?cursor&count=1`);
      expect(first.body.nextCursor).toBeDefined();
      await sleep(2100);
      expectScimError(
        await app.request('GET', `${SCIM}/Users?cursor=${first.body.nextCursor}&count=1`),
        400,
        'expiredCursor',
      );
    });

    it('#28 a cursor stays valid for cursorTimeout seconds (RFC 9865: guaranteed validity)', async () => {
      const app = getShortApp();
      for (let i = 0; i < 3; i++) await createUser(app, unique('valid'));
      // Issue the cursor late in a wall-clock second, then use it 300 ms later: well within
      // the advertised 1-second validity.
      while (Date.now() % 1000 < 900) await sleep(5);
      const first = await app.request('GET', `${SCIM}/Users?cursor&count=1`);
      await sleep(300);
      const next = await app.request(
        'GET',
        `${SCIM}/Users?cursor=${first.body.nextCursor}&count=1`,
      );
      expect(next.status, next.text).toBe(200);
    });
  });
});
