/** The `Store` both dialects share; `sqlite.ts` and `postgres.ts` only build the Kysely instance. */
import { type Kysely, Migrator, sql } from 'kysely';
import { migrationProvider } from '../migrations/index.ts';
import type { Store } from '../store.ts';
import type { Database } from './database.ts';
import type { DialectQuirks } from './dialect-quirks.ts';
import { sessionFor } from './session.ts';

export function kyselyStore(db: Kysely<Database>, quirks: DialectQuirks): Store {
  return {
    dialect: quirks.dialect,
    ...sessionFor({ db, quirks }),
    transaction: (work) => db.transaction().execute((trx) => work(sessionFor({ db: trx, quirks }))),
    async migrate() {
      // On PostgreSQL the Migrator holds an advisory lock while it migrates, so concurrent
      // starts apply each migration once.
      const migrator = new Migrator({ db, provider: migrationProvider(quirks.dialect) });
      const { error } = await migrator.migrateToLatest();
      if (error !== undefined) throw error;
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
