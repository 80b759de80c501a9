/**
 * The store contract on PostgreSQL, each run in a throwaway database. Skipped, saying why, only
 * when no server answers.
 */
import pg from 'pg';
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

  describe('postgres user updates', () => {
    it('rewrite neither the JSON columns nor the element rows when only a column changed', async () => {
      const database = await createPostgresDatabase();
      const store = createPostgresStore({ connectionString: database.url, poolSize: 2 });
      const client = new pg.Client({ connectionString: database.url });
      try {
        await store.migrate();
        await client.connect();
        const account = makeAccount();
        await store.accounts.insert(account);
        // Keys that jsonb gives back in another order than they were written in.
        const user = makeUser(account.id, {
          profile: { zz: 'a', nickName: 'b', a: { yy: 1, b: 2 } },
          multiValued: {
            emails: [{ value: 'x@example.com', type: 'work', primary: true }],
            phoneNumbers: [{ value: '+1 555', type: 'mobile' }],
          },
        });
        await store.users.insert(user);
        const read = await store.users.findById(account.id, user.id);
        expect(Object.keys(read?.profile ?? {})).not.toEqual(Object.keys(user.profile));
        const versions = async () => ({
          user: (await client.query('select xmin::text as x from users where id = $1', [user.id]))
            .rows,
          values: (
            await client.query(
              'select xmin::text as x from user_values where user_id = $1 order by position',
              [user.id],
            )
          ).rows,
        });
        const before = await versions();
        expect(before.values).toHaveLength(2);
        // The same content in the order the directory builds it (as a PATCH's result has it).
        const next = {
          ...read!,
          profile: user.profile,
          multiValued: user.multiValued,
          active: false,
          version: read!.version + 1,
        };
        expect(await store.users.update(next, read!.version, read!)).toBe(true);
        const after = await versions();
        expect(after.user).not.toEqual(before.user);
        // Deleted and inserted again, the element rows would carry the update's transaction id.
        expect(after.values).toEqual(before.values);
        expect(await store.users.findById(account.id, user.id)).toEqual({ ...read, ...next });
      } finally {
        await client.end();
        await store.close();
        await database.drop();
      }
    });
  });
}
