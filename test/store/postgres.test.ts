/**
 * The store contract on PostgreSQL, each run in a throwaway database. Skipped, saying why, only
 * when no server answers.
 */
import { describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres.ts';
import {
  createPostgresDatabase,
  openTestStore,
  postgresAvailable,
  postgresMaintenanceUrl,
} from '../helpers/test-store.ts';
import { makeAccount, makeUser } from './fixtures.ts';
import { storeContract } from './store-contract.ts';

const available = await postgresAvailable();

if (!available) {
  describe.skip(`PostgreSQL not reachable at ${postgresMaintenanceUrl}; start it with \`pg_ctlcluster --skip-systemctl-redirect 15 main start\` or set ROSTER_TEST_POSTGRES_URL`, () => {
    it('store contract', () => {});
  });
} else {
  storeContract('postgres', async () => {
    const opened = await openTestStore('postgres');
    if (!opened) throw new Error('PostgreSQL became unreachable');
    return opened;
  });

  describe('postgres migrations', () => {
    it('lets several instances migrate a fresh database at once', async () => {
      const database = await createPostgresDatabase();
      const stores = [1, 2, 3].map(() =>
        createPostgresStore({ connectionString: database.url, poolSize: 2 }),
      );
      try {
        const results = await Promise.allSettled(stores.map((store) => store.migrate()));
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
        // The schema is there exactly once and usable from every instance.
        const account = makeAccount();
        await stores[0]!.accounts.insert(account);
        await stores[1]!.users.insert(makeUser(account.id, { userName: 'x' }));
        expect(await stores[2]!.users.count(account.id)).toBe(1);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
        await database.drop();
      }
    });
  });
}
