/** The `Store` both dialects share; `sqlite.ts` and `postgres.ts` only build the Kysely instance. */
import { type Kysely, Migrator, sql } from 'kysely';
import { migrationProvider } from '../migrations/index.ts';
import type { Store } from '../store.ts';
import type { Database } from './database.ts';
import type { DialectQuirks } from './dialect-quirks.ts';
import { groupCommit } from './group-commit.ts';
import { sessionFor } from './session.ts';

export function kyselyStore(db: Kysely<Database>, quirks: DialectQuirks): Store {
  // SQLite has one writer, so queued transactions share a COMMIT; PostgreSQL runs them side by
  // side on its pool.
  const transaction: Store['transaction'] =
    quirks.dialect === 'sqlite'
      ? groupCommit(db, (trx) => sessionFor({ db: trx, quirks }))
      : (work) => db.transaction().execute((trx) => work(sessionFor({ db: trx, quirks })));
  return {
    dialect: quirks.dialect,
    ...sessionFor({ db, quirks }),
    transaction,
    async migrate() {
      // PostgreSQL: the Migrator holds an advisory lock while it migrates, so concurrent starts
      // apply each migration once. SQLite has no such lock: a second instance may read the
      // migration table before the first commits, then fail on "table already exists". Its
      // transaction rolls back whole, so trying again (now seeing the migration done) is safe.
      const migrator = new Migrator({ db, provider: migrationProvider(quirks.dialect) });
      const attempts = quirks.dialect === 'sqlite' ? 5 : 1;
      for (let attempt = 1; ; attempt++) {
        const { error } = await migrator.migrateToLatest();
        if (error === undefined) return;
        if (attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
