/**
 * Checklist §11 item 8 (idp-behaviour.md): throttling answers 429 with Retry-After; a sustained
 * 25 requests per second per account is served. Roster: a per-account token bucket of
 * ROSTER_RATE_LIMIT_PER_SECOND with a burst of twice that.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { createOtherTenant, expectScimError, SCIM, useTestApp } from './scim-test-kit.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(STORE_KINDS)('throttling (%s)', (kind) => {
  describe('at 5 requests per second', () => {
    const getApp = useTestApp(kind, { env: { ROSTER_RATE_LIMIT_PER_SECOND: '5' } });

    it('#8 the burst (2× rate) is served, then 429 with Retry-After and a SCIM error', async () => {
      const app = getApp();
      const burst = await Promise.all(
        Array.from({ length: 10 }, () => app.request('GET', `${SCIM}/Users?count=1`)),
      );
      expect(burst.map((r) => r.status)).toEqual(Array(10).fill(200));

      // At 5/s a token comes back every 200 ms; five more at once cannot all be served.
      const more = await Promise.all(
        Array.from({ length: 5 }, () => app.request('GET', `${SCIM}/Users?count=1`)),
      );
      const throttled = more.find((r) => r.status === 429);
      expect(throttled, more.map((r) => r.status).join(',')).toBeDefined();
      if (!throttled) return;
      expectScimError(throttled, 429);
      const retryAfter = throttled.headers.get('retry-after');
      expect(retryAfter).toMatch(/^\d+$/);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    });

    it('#8 the limit is per account: another account is not throttled by this one', async () => {
      const app = getApp();
      const other = await createOtherTenant(app);
      // Drain the demo account's bucket until it answers 429 (on a busy machine requests are
      // slow enough for tokens to come back during a fixed-size burst).
      await Promise.all(
        Array.from({ length: 15 }, () => app.request('GET', `${SCIM}/Users?count=1`)),
      );
      let status = (await app.request('GET', `${SCIM}/Users?count=1`)).status;
      for (let i = 0; i < 50 && status !== 429; i++) {
        status = (await app.request('GET', `${SCIM}/Users?count=1`)).status;
      }
      expect(status).toBe(429);
      const theirs = await app.request('GET', `${SCIM}/Users?count=1`, { token: other.token });
      expect(theirs.status, theirs.text).toBe(200);
    });

    it('#8 after waiting Retry-After seconds the account is served again', async () => {
      const app = getApp();
      let throttled = await app.request('GET', `${SCIM}/Users?count=1`);
      for (let i = 0; i < 20 && throttled.status !== 429; i++) {
        throttled = await app.request('GET', `${SCIM}/Users?count=1`);
      }
      expect(throttled.status).toBe(429);
      await sleep(Number(throttled.headers.get('retry-after')) * 1000 + 50);
      expect((await app.request('GET', `${SCIM}/Users?count=1`)).status).toBe(200);
    });
  });

  describe('with the shipped default rate', () => {
    // An empty value means "unset", so the server's own default applies (not the harness's).
    const getApp = useTestApp(kind, { env: { ROSTER_RATE_LIMIT_PER_SECOND: '' } });

    it('#8 the shipped default allows at least 25 requests per second', () => {
      expect(loadConfig({}, {}).rateLimitPerSecond).toBeGreaterThanOrEqual(25);
    });

    it('#8 30 requests in a row all succeed', async () => {
      const app = getApp();
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        statuses.push((await app.request('GET', `${SCIM}/Users?count=1`)).status);
      }
      expect(statuses).toEqual(Array(30).fill(200));
    });
  });

  describe('at exactly 25 requests per second', () => {
    const getApp = useTestApp(kind, { env: { ROSTER_RATE_LIMIT_PER_SECOND: '25' } });

    it('#8 a sustained 25 req/s for 3 s is served without a 429', async () => {
      const app = getApp();
      const started = Date.now();
      const statuses: number[] = [];
      for (let i = 0; i < 75; i++) {
        const due = started + i * 40;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        statuses.push((await app.request('GET', `${SCIM}/Users?count=1`)).status);
      }
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    });
  });

  describe('a /Bulk request at 5 requests per second', () => {
    const getApp = useTestApp(kind, { env: { ROSTER_RATE_LIMIT_PER_SECOND: '5' } });
    const bulk = (operations: number) => ({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: Array.from({ length: operations }, () => ({
        method: 'DELETE',
        path: `/Users/${crypto.randomUUID()}`,
      })),
    });

    it('counts as its number of operations; one larger than the burst runs, then holds the account', async () => {
      const app = getApp();
      // 30 operations, three times the burst of 10: allowed from a full bucket.
      const big = await app.request('POST', `${SCIM}/Bulk`, { body: bulk(30) });
      expect(big.status, big.text).toBe(200);
      expect(big.body.Operations).toHaveLength(30);
      // It left a debt of 20 requests (4 s at 5/s): the next request waits.
      const next = await app.request('GET', `${SCIM}/Users?count=1`);
      expectScimError(next, 429);
      expect(Number(next.headers.get('retry-after'))).toBeGreaterThanOrEqual(2);
      const small = await app.request('POST', `${SCIM}/Bulk`, { body: bulk(2) });
      expectScimError(small, 429);
      expect(small.body.detail).toMatch(/2 operations count as 2 requests/);
    });
  });
});
