import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { COSTLY_READ_DEFAULTS, type CostlyReadOptions } from './costly-reads/costly-reads.ts';
import { createSqliteReaders } from './costly-reads/sqlite-readers.ts';
import {
  createSqliteLog,
  logFilenameFor,
  type SqliteLogOptions,
} from './provisioning-log/sqlite-log.ts';
import type { ReadNow, RunNow } from './sql/context.ts';
import type { Database } from './sql/database.ts';
import { sqliteQuirks } from './sql/dialect-quirks.ts';
import { kyselyStore } from './sql/kysely-store.ts';
import { configureSqliteConnection } from './sqlite-connection.ts';
import type { Store } from './store.ts';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:'. */
  readonly filename: string;
  readonly costlyReads?: CostlyReadOptions | undefined;
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

export function createSqliteStore({
  filename,
  log: logOptions = {},
  costlyReads = {},
}: SqliteStoreOptions): Store {
  if (filename !== ':memory:' && filename !== '') mkdirSync(dirname(filename), { recursive: true });
  const database = new SqliteDatabase(filename);
  // 16 MB page cache (default 2 MB): bulk loads and index paths touch many pages. It was 64 MB
  // while the first page of a listing counted the account's index (user_counts ended that),
  // then 32 MB. At 1M users the hot upper levels of the indexes fit either way and random
  // leaves miss either way (the OS cache serves them); 16 MB measured the same lookups and
  // creates and 16 MB less resident memory (docs/performance.md, "Memory").
  configureSqliteConnection(database, { cacheKib: 16_384 });
  // Bound the work of `pragma optimize` (run here and after bulk loads) on large tables.
  database.pragma('analysis_limit = 1000');
  database.pragma('optimize = 0x10002');
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
  // Group commit's batch holds the connection from BEGIN to COMMIT (group-commit.ts); its
  // statements run here at once, the way Kysely's driver would run them, minus its queue.
  const runNow: RunNow = (sql, parameters) => {
    if (!database.inTransaction) return undefined;
    const statement = statements.prepare(sql);
    if (statement.reader) return { rows: statement.all(...parameters) };
    const { changes, lastInsertRowid } = statement.run(...parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  };
  const log = createSqliteLog({
    ...logOptions,
    filename: logOptions.filename ?? logFilenameFor(filename),
  });
  // A memory database is this connection's alone: its costly reads stay on it.
  const costly =
    filename === ':memory:'
      ? undefined
      : createSqliteReaders({
          filename,
          threads: costlyReads.slots ?? COSTLY_READ_DEFAULTS.slots,
          perAccount: costlyReads.perAccount ?? COSTLY_READ_DEFAULTS.perAccount,
          budgetMs: costlyReads.budgetMs ?? COSTLY_READ_DEFAULTS.budgetMs,
          // Costly reads scan (offsets, counts, unindexed filters): pages they read once are
          // not read again soon, so a large cache only held memory (8 MB each until 12-06).
          cacheKib: 2048,
        });
  const store = kyselyStore(db, sqliteQuirks, log, { readNow, runNow, costly });
  return {
    ...store,
    async migrate() {
      await store.migrate();
      log.adoptLegacyEvents(database);
    },
  };
}
