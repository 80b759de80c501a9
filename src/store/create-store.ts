/**
 * Opens a store from a URL: `postgres://…` / `postgresql://…` for PostgreSQL; for SQLite a plain
 * path, `sqlite:path`, `sqlite://path`, `file:path` or `:memory:`.
 */

import type { CostlyReadOptions } from './costly-reads/costly-reads.ts';
import { createPostgresStore } from './postgres.ts';
import { createSqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

export interface StoreOptions {
  readonly poolSize?: number | undefined;
  /** The SQLite provisioning log's own file (default: `<name>-log.db` beside the database). */
  readonly logFilename?: string | undefined;
  /** Called when the provisioning log cannot write (the directory is unaffected). */
  readonly onLogError?: ((error: unknown) => void) | undefined;
  readonly costlyReads?: CostlyReadOptions | undefined;
}

export function createStore(url: string, options: StoreOptions = {}): Store {
  const log = { onError: options.onLogError };
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return createPostgresStore({
      connectionString: url,
      poolSize: options.poolSize,
      log,
      costlyReads: options.costlyReads,
    });
  }
  return createSqliteStore({
    filename: sqliteFilename(url),
    log: { ...log, filename: options.logFilename },
    costlyReads: options.costlyReads,
  });
}

export function sqliteFilename(url: string): string {
  const match = /^(sqlite|file):(\/\/)?(.*)$/i.exec(url);
  const filename = match ? (match[3] ?? '') : url;
  if (filename === '') throw new Error(`no SQLite file in store URL ${JSON.stringify(url)}`);
  return filename;
}
