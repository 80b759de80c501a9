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
  // Group commit runs each transaction of a batch in its own SAVEPOINT, and SQLite copies every
  // page a savepoint changes into a sub-journal first (so it can roll back alone): about 20
  // pages per SCIM create. With the default temp store that copy spills to a file in /var/tmp
  // once it passes 64 KiB, two pwrites per page (measured with strace: 56 pwrites per create,
  // 46 of them to sub-journals). In memory it is a memcpy, and the sub-journal is emptied at
  // each RELEASE, so it holds one transaction's pages at most. CPU per create fell by about a
  // quarter (docs/performance.md). Read-only connections never write a sub-journal, and their
  // large sorts and temporary tables keep spilling to disk.
  if (!database.readonly) database.pragma('temp_store = MEMORY');
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
