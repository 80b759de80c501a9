/** How every connection to the directory's SQLite file is set up, on any thread. */
import type SqliteDatabase from 'better-sqlite3';

export interface SqliteConnectionOptions {
  /** Page cache, in KiB. */
  readonly cacheKib: number;
}

export function configureSqliteConnection(
  database: SqliteDatabase.Database,
  { cacheKib }: SqliteConnectionOptions,
): void {
  if (!database.readonly) database.pragma('journal_mode = WAL');
  // WAL + FULL: every COMMIT is on disk before the caller hears of it, so no acknowledged write
  // is lost even to a power failure. Group commit (sql/group-commit.ts) shares that fsync among
  // the transactions that queue up meanwhile: measured +20 µs per create under concurrent load.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  database.pragma(`cache_size = -${cacheKib}`);
  // SQLite's LIKE ignores ASCII case by default; PostgreSQL's does not. Case-insensitive
  // matches lower-case both sides explicitly instead.
  database.pragma('case_sensitive_like = ON');
  // SQLite's lower() folds ASCII only; replace it with JavaScript's, which the stored *_lower
  // columns and lower-cased operands also use, so non-ASCII text compares as on PostgreSQL.
  database.function('lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
}
