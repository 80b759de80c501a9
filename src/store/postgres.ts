import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './sql/database.ts';
import { postgresQuirks } from './sql/dialect-quirks.ts';
import { kyselyStore } from './sql/kysely-store.ts';
import type { Store } from './store.ts';

export interface PostgresStoreOptions {
  readonly connectionString: string;
  /** Maximum pooled connections; pg's default (10) when absent. */
  readonly poolSize?: number | undefined;
}

export function createPostgresStore({ connectionString, poolSize }: PostgresStoreOptions): Store {
  const pool = new pg.Pool({
    connectionString,
    ...(poolSize === undefined ? {} : { max: poolSize }),
  });
  // An idle pooled connection that dies (server restart, network) emits 'error' on the pool,
  // which would crash the process if unhandled; the pool drops it and the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return kyselyStore(db, postgresQuirks);
}
