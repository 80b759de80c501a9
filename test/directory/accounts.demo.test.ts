/**
 * The demo account is created once, even when instances start together on one empty database:
 * they race in ensureDemoAccount, and exactly one of them creates it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDirectory } from '../../src/directory/directory.ts';
import { STORE_KINDS } from '../helpers/create-test-app.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

describe.each(STORE_KINDS)('demo account (%s)', (kind) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('is created exactly once by racing starters, and every starter gets it', async (context) => {
    opened = await openTestStore(kind);
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { store } = opened;
    // Separate directories: separate caches, like separate processes on one database.
    const starters = Array.from({ length: 6 }, () => createDirectory({ store }));
    const results = await Promise.all(
      starters.map((d) => d.accounts.ensureDemoAccount('demo-token-for-the-race-0123456789abcdef')),
    );
    const accounts = await store.accounts.list();
    expect(accounts).toHaveLength(1);
    expect(new Set(results.map((r) => r.account?.id))).toEqual(new Set([accounts[0]?.id]));
    // The chosen token works, and was stored once.
    expect(
      await starters[0]?.tokens.authenticate('demo-token-for-the-race-0123456789abcdef'),
    ).toMatchObject({
      accountId: accounts[0]?.id,
    });
    expect(await store.tokens.list(accounts[0]?.id as string)).toHaveLength(1);
  });

  it('prints a fresh token only from the starter that created the account', async (context) => {
    opened = await openTestStore(kind);
    if (!opened) return context.skip('PostgreSQL is not reachable here');
    const { store } = opened;
    const results = await Promise.all(
      Array.from({ length: 4 }, () => createDirectory({ store }).accounts.ensureDemoAccount()),
    );
    expect(results.filter((r) => r.freshToken !== undefined)).toHaveLength(1);
    const again = await createDirectory({ store }).accounts.ensureDemoAccount();
    expect(again.freshToken).toBeUndefined();
    expect(again.account?.id).toBe(results[0]?.account?.id);
  });
});
