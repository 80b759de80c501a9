/**
 * Opens a store from a URL: `postgres://…` / `postgresql://…` for PostgreSQL; for SQLite a plain
 * path, `sqlite:path`, `sqlite://path`, `file:path` or `:memory:`.
 */
import { createPostgresStore } from './postgres.ts';
import { createSqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

export function createStore(url: string, options: { poolSize?: number } = {}): Store {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return createPostgresStore({ connectionString: url, poolSize: options.poolSize });
  }
  return createSqliteStore({ filename: sqliteFilename(url) });
}

export function sqliteFilename(url: string): string {
  const match = /^(sqlite|file):(\/\/)?(.*)$/i.exec(url);
  const filename = match ? (match[3] ?? '') : url;
  if (filename === '') throw new Error(`no SQLite file in store URL ${JSON.stringify(url)}`);
  return filename;
}
