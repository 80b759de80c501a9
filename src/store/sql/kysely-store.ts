/** The `Store` both dialects share; `sqlite.ts` and `postgres.ts` only build the Kysely instance. */
import { type Kysely, Migrator, sql } from 'kysely';
import type { CostlyReads } from '../costly-reads/costly-reads.ts';
import { migrationProvider } from '../migrations/index.ts';
import type { ProvisioningLogStore, Store } from '../store.ts';
import { execute, type ReadNow, type RunNow } from './context.ts';
import type { Database } from './database.ts';
import type { DialectQuirks } from './dialect-quirks.ts';
import { appendNumbered } from './events.ts';
import { groupCommit } from './group-commit.ts';
import { createPagePositions } from './page-positions.ts';
import { sessionFor } from './session.ts';
import { compile } from './sql-fragment.ts';

/**
 * How often SQLite's statistics are refreshed while the store is open. A database that grows
 * through ordinary writes (an IdP's first import) has none, and without them SQLite reads every
 * user of the account for an `emails.value eq` filter instead of the one it names. SQLite's
 * documentation suggests a periodic `pragma optimize` for long-lived connections; with
 * `analysis_limit` set (sqlite.ts) each run reads a bounded sample, so it is cheap.
 */
const STATISTICS_INTERVAL_MS = 5 * 60_000;

export function kyselyStore(
  db: Kysely<Database>,
  quirks: DialectQuirks,
  log: ProvisioningLogStore,
  { readNow, runNow, costly }: { readNow?: ReadNow; runNow?: RunNow; costly?: CostlyReads } = {},
): Store {
  // SQLite has one writer, so queued transactions share a COMMIT; PostgreSQL runs them side by
  // side on its pool.
  const transaction: Store['transaction'] =
    quirks.dialect === 'sqlite'
      ? groupCommit(
          db,
          (trx, batchEvents) => sessionFor({ db: trx, quirks, runNow, batchEvents }),
          (trx, events) => appendNumbered({ db: trx, quirks, runNow }, events),
          runNow,
        )
      : (work) => db.transaction().execute((trx) => work(sessionFor({ db: trx, quirks })));
  const statement = quirks.refreshStatistics;
  // Through Kysely, so it takes the connection in turn and never lands inside a transaction.
  const refreshStatistics = async () => {
    if (statement !== undefined) await execute({ db }, compile(statement, quirks.dialect));
  };
  const refresher =
    statement === undefined
      ? undefined
      : setInterval(() => void refreshStatistics().catch(() => {}), STATISTICS_INTERVAL_MS);
  refresher?.unref();
  const session = sessionFor({ db, quirks, readNow, costly, positions: createPagePositions() });
  // SQLite: the sequencer runs as one more job of group commit, so numbering events shares the
  // COMMIT (and its fsync) of the writes queued with it instead of adding one of its own. It
  // sees what earlier batches committed and what earlier jobs of its batch wrote; if the shared
  // COMMIT fails, the numbers go with the writes. PostgreSQL runs it in its own transaction.
  const events: Store['events'] =
    quirks.dialect === 'sqlite'
      ? {
          ...session.events,
          sequencePending: (limit, options) =>
            transaction((trx) => trx.events.sequencePending(limit, options)),
        }
      : session.events;
  return {
    dialect: quirks.dialect,
    ...session,
    events,
    log,
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
    refreshStatistics,
    async close() {
      clearInterval(refresher);
      await log.close();
      await costly?.close();
      await db.destroy();
    },
  };
}
