/**
 * Console sessions on real stores: opened only with a valid key, kept as hashes, ended by idle
 * time, by age, by sign-out and by revoking the key, and shared by every instance on a database.
 */
import { describe, expect, it } from 'vitest';
import { createDirectory } from '../../src/directory/directory.ts';
import { hashSecret } from '../../src/directory/secrets.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { manualClock } from '../helpers/manual-clock.ts';
import { openTestStore } from '../helpers/test-store.ts';

const OPERATOR_KEY = 'console-operator-key-0123456789abcdef';
const MINUTE = 60_000;

for (const kind of STORE_KINDS) {
  describe(`console sessions (${kind})`, () => {
    it('open with a valid key only, resume on any instance, end by idle time, age and sign-out', async (ctx) => {
      const opened = await openTestStore(kind);
      if (!opened) return ctx.skip();
      const clock = manualClock();
      const policy = { idleMinutes: 30, maxHours: 2 };
      const one = createDirectory({ store: opened.store, clock, consoleSessions: policy });
      const two = createDirectory({ store: opened.store, clock, consoleSessions: policy });
      try {
        await one.adminKeys.ensureOperatorKey(OPERATOR_KEY);
        await two.adminKeys.ensureOperatorKey(OPERATOR_KEY);
        expect(await one.consoleSessions.open('roster_admin_not-a-key')).toBeUndefined();

        const started = await one.consoleSessions.open(OPERATOR_KEY);
        if (!started) throw new Error('no session');
        expect(started.caller).toEqual({ kind: 'operator' });
        expect(started.session.accountId).toBeNull();
        // Only hashes are stored: neither the session id nor the key is in the row.
        const row = await opened.store.consoleSessions.find(hashSecret(started.sessionId));
        expect(row?.keyHash).toBe(hashSecret(OPERATOR_KEY));
        expect(JSON.stringify(row)).not.toContain(started.sessionId);
        expect(JSON.stringify(row)).not.toContain(OPERATOR_KEY);

        // Another instance on the same database knows the session.
        expect((await two.consoleSessions.resume(started.sessionId))?.caller).toEqual({
          kind: 'operator',
        });
        expect(await two.consoleSessions.resume(`${started.sessionId}x`)).toBeUndefined();

        // Requests every 20 minutes keep it open past the idle limit, not past its age.
        for (let elapsed = 20; elapsed < 120; elapsed += 20) {
          clock.advance(20 * MINUTE);
          expect(
            await one.consoleSessions.resume(started.sessionId),
            `${elapsed} min`,
          ).toBeDefined();
        }
        clock.advance(20 * MINUTE);
        expect(await one.consoleSessions.resume(started.sessionId)).toBeUndefined();
        // An ended session is gone from the store, not only refused.
        expect(
          await opened.store.consoleSessions.find(hashSecret(started.sessionId)),
        ).toBeUndefined();

        const idle = await one.consoleSessions.open(OPERATOR_KEY);
        clock.advance(31 * MINUTE);
        expect(await two.consoleSessions.resume(idle?.sessionId ?? '')).toBeUndefined();

        const signedOut = await one.consoleSessions.open(OPERATOR_KEY);
        expect(await two.consoleSessions.close(signedOut?.sessionId ?? '')).toBe(true);
        expect(await one.consoleSessions.resume(signedOut?.sessionId ?? '')).toBeUndefined();
      } finally {
        await opened.cleanup();
      }
    });

    it("an account key's session stays on its account and ends when the key is revoked", async (ctx) => {
      const opened = await openTestStore(kind);
      if (!opened) return ctx.skip();
      const directory = createDirectory({ store: opened.store });
      try {
        await directory.adminKeys.ensureOperatorKey(OPERATOR_KEY);
        const acme = await directory.accounts.create({
          name: 'Acme',
          tier: 'enterprise',
          pricingModel: 'classic',
          ssoEnabled: true,
        });
        const other = await directory.accounts.create({
          name: 'Other',
          tier: 'starter',
          pricingModel: 'classic',
          ssoEnabled: false,
        });
        const { key, record } = await directory.adminKeys.issue(acme.id, 'it');
        const open = await directory.consoleSessions.open(key);
        if (!open) throw new Error('no session');
        expect(open.session.accountId).toBe(acme.id);
        expect(open.caller).toMatchObject({ kind: 'account', accountId: acme.id });
        await expect(directory.consoleSessions.showAccount(open, other.id)).rejects.toMatchObject({
          code: 'account.not_found',
        });

        // The operator switches accounts; a missing one is refused.
        const operator = await directory.consoleSessions.open(OPERATOR_KEY);
        if (!operator) throw new Error('no session');
        const switched = await directory.consoleSessions.showAccount(operator, other.id);
        expect(switched.session.accountId).toBe(other.id);
        expect(
          (await directory.consoleSessions.resume(operator.sessionId))?.session.accountId,
        ).toBe(other.id);
        await expect(
          directory.consoleSessions.showAccount(operator, 'no-such-account'),
        ).rejects.toMatchObject({ code: 'account.not_found' });

        await directory.adminKeys.revoke(acme.id, record.id);
        expect(await directory.consoleSessions.resume(open.sessionId)).toBeUndefined();
        expect(await directory.consoleSessions.open(key)).toBeUndefined();
      } finally {
        await opened.cleanup();
      }
    });
  });
}
