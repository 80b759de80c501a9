import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import {
  createSqliteLog,
  logFilenameFor,
  type SqliteLogOptions,
} from './provisioning-log/sqlite-log.ts';
import type { ReadNow } from './sql/context.ts';
import type { Database } from './sql/database.ts';
import { sqliteQuirks } from './sql/dialect-quirks.ts';
import { kyselyStore } from './sql/kysely-store.ts';
import type { Store } from './store.ts';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:'. */
  readonly filename: string;
  /** The provisioning log's file (default: `roster-log.db` beside `roster.db`) and writer. */
  readonly log?: Omit<SqliteLogOptions, 'filename'> & { readonly filename?: string | undefined };
}

/** Prepared statements kept per SQL text; Kysely's driver would otherwise prepare every query. */
const STATEMENT_CACHE_SIZE = 200;

/**
 * Kysely prepares each query anew; preparing the large multi-row INSERTs of a bulk load costs
 * as much as a fifth of it. Reusing statements by SQL text is safe because Kysely runs one query
 * at a time on this single connection, and SQLite re-prepares a statement after schema changes.
 */
function statementCache(database: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql: string): SqliteDatabase.Statement {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      } else {
        cache.delete(sql); // Re-inserted below: most recently used last.
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

export function createSqliteStore({ filename, log: logOptions = {} }: SqliteStoreOptions): Store {
  if (filename !== ':memory:' && filename !== '') mkdirSync(dirname(filename), { recursive: true });
  const database = new SqliteDatabase(filename);
  database.pragma('journal_mode = WAL');
  // WAL + FULL: every COMMIT is on disk before the caller hears of it, so no acknowledged write
  // is lost even to a power failure. Group commit (sql/group-commit.ts) shares that fsync among
  // the transactions that queue up meanwhile: measured +20 µs per create under concurrent load.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // 64 MB page cache (default 2 MB): bulk loads and large listings touch many index pages.
  database.pragma('cache_size = -65536');
  // Bound the work of `pragma optimize` (run here and after bulk loads) on large tables.
  database.pragma('analysis_limit = 1000');
  database.pragma('optimize = 0x10002');
  // SQLite's LIKE ignores ASCII case by default; PostgreSQL's does not. Case-insensitive
  // matches lower-case both sides explicitly instead.
  database.pragma('case_sensitive_like = ON');
  // SQLite's lower() folds ASCII only; replace it with JavaScript's, which the stored *_lower
  // columns and lower-cased operands also use, so non-ASCII text compares as on PostgreSQL.
  database.function('lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
  const statements = statementCache(database);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({
      database: { close: () => database.close(), prepare: statements.prepare },
    }),
  });
  // Reads outside transactions run at once (sql/context.ts `selectRows`). While a transaction
  // holds the connection (group commit may span several turns of the microtask queue) a read
  // must wait its turn in Kysely's queue, or it would see that transaction's uncommitted rows.
  const readNow: ReadNow = (sql, parameters) => {
    if (database.inTransaction) return undefined;
    const statement = statements.prepare(sql);
    return statement.reader ? statement.all(...parameters) : undefined;
  };
  const log = createSqliteLog({
    ...logOptions,
    filename: logOptions.filename ?? logFilenameFor(filename),
  });
  const store = kyselyStore(db, sqliteQuirks, log, readNow);
  return {
    ...store,
    async migrate() {
      await store.migrate();
      log.adoptLegacyEvents(database);
    },
  };
}
