import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { COSTLY_READ_DEFAULTS, type CostlyReadOptions } from './costly-reads/costly-reads.ts';
import { createPostgresReaders } from './costly-reads/postgres-readers.ts';
import { createStatementNames, prepareRepeatedStatements } from './postgres-prepared.ts';
import { createPostgresLog, type PostgresLogOptions } from './provisioning-log/postgres-log.ts';
import type { Database } from './sql/database.ts';
import { postgresQuirks } from './sql/dialect-quirks.ts';
import { kyselyStore } from './sql/kysely-store.ts';
import type { Store } from './store.ts';

export interface PostgresStoreOptions {
  readonly connectionString: string;
  /** Maximum pooled connections; pg's default (10) when absent. */
  readonly poolSize?: number | undefined;
  readonly log?: PostgresLogOptions | undefined;
  readonly costlyReads?: CostlyReadOptions | undefined;
}

export function createPostgresStore({
  connectionString,
  poolSize,
  log,
  costlyReads = {},
}: PostgresStoreOptions): Store {
  const pool = new pg.Pool({
    connectionString,
    ...(poolSize === undefined ? {} : { max: poolSize }),
  });
  // A connection that dies (server restart, failover, network) must not take the process down.
  // While idle, its 'error' reaches the pool; while checked out, pg-pool detaches its own
  // listener, so a fatal message arriving between a request's queries is emitted on the client
  // itself. Listening on every client covers both: the failing query rejects (that request
  // fails), the pool discards the connection, and the next query reconnects.
  pool.on('error', () => {});
  // Statements Roster repeats are prepared once per connection, not parsed and planned on
  // every execution (postgres-prepared.ts).
  const names = createStatementNames();
  pool.on('connect', (client) => {
    client.on('error', () => {});
    prepareRepeatedStatements(client, names);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const costly = createPostgresReaders({
    connectionString,
    slots: costlyReads.slots ?? COSTLY_READ_DEFAULTS.slots,
    perAccount: costlyReads.perAccount ?? COSTLY_READ_DEFAULTS.perAccount,
    budgetMs: costlyReads.budgetMs ?? COSTLY_READ_DEFAULTS.budgetMs,
  });
  return kyselyStore(db, postgresQuirks, createPostgresLog(db, log), { costly });
}
