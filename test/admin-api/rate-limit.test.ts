/**
 * Admin keys are rate-limited per key (ROSTER_ADMIN_RATE_LIMIT_PER_SECOND, burst twice that):
 * past it, 429 problem details with Retry-After; other keys keep their own budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { type AdminTestApp, API, createAdminTestApp, newAccount } from './admin-api-kit.ts';

for (const kind of STORE_KINDS) {
  describe(`admin API rate limit per key (${kind})`, () => {
    let t: AdminTestApp | undefined;
    beforeAll(async () => {
      t = await createAdminTestApp(kind, { env: { ROSTER_ADMIN_RATE_LIMIT_PER_SECOND: '1' } });
    });
    afterAll(() => t?.cleanup());

    it('answers 429 with Retry-After past the rate of one key, and not for another key', async (ctx) => {
      if (!t) return ctx.skip();
      const admin = t;
      const { id, key } = await newAccount(admin);
      // Burst 2 at 1/s: six at once cannot all pass.
      const calls = await Promise.all(
        Array.from({ length: 6 }, () => admin.call('GET', `${API}/accounts/${id}`, { key })),
      );
      const limited = calls.filter((r) => r.status === 429);
      expect(limited.length, calls.map((r) => r.status).join(',')).toBeGreaterThanOrEqual(3);
      for (const response of limited) {
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body).toMatchObject({ status: 429, code: 'request.rate_limited' });
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      // The operator key has a budget of its own (the account's creation spent it, so wait one
      // refill), untouched by the account key's.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await admin.call('GET', `${API}/accounts/${id}`)).status).toBe(200);
    });
  });
}
