/**
 * Multi-row INSERTs for bulk loads. Kysely builds and compiles the statement for the first chunk
 * of each size; later chunks of that size reuse its SQL text with fresh parameters, because
 * rebuilding the query tree for every chunk cost as much as SQLite's own work when seeding.
 */
import type { Insertable, Kysely } from 'kysely';
import { execute, type SqlContext } from './context.ts';
import type { Database } from './database.ts';
import type { Dialect } from './dialect-quirks.ts';

/**
 * Statement text by dialect, table, columns and row count. Kept for the life of the process: the
 * shapes are few (a single-user insert is the common one), and rebuilding them through Kysely
 * cost more than SQLite's insert itself.
 */
const sqlByShape = new Map<string, string>();

export type BulkInsert = <T extends keyof Database & string>(
  table: T,
  rows: readonly Insertable<Database[T]>[],
  chunkSize: number,
) => Promise<void>;

/** An inserter that reuses compiled statement text for every shape it has seen. */
export function bulkInserter(ctx: Pick<SqlContext, 'db' | 'runNow'>, dialect: Dialect): BulkInsert {
  const { db } = ctx;
  return async (table, rows, chunkSize) => {
    const first = rows[0];
    if (first === undefined) return;
    const columns = Object.keys(first);
    for (let i = 0; i < rows.length; i += chunkSize) {
      const chunk = rows.slice(i, i + chunkSize);
      const parameters: unknown[] = [];
      for (const row of chunk) {
        const record = row as Record<string, unknown>;
        for (const column of columns) parameters.push(record[column]);
      }
      const shape = `${dialect}:${table}:${columns.join(',')}:${chunk.length}`;
      let text = sqlByShape.get(shape);
      if (text === undefined) {
        // Kysely cannot type values() for a table chosen at run time; the rows are typed above.
        const compiled = (db as unknown as Kysely<Record<string, Record<string, unknown>>>)
          .insertInto(table)
          .values(chunk as Record<string, unknown>[])
          .compile();
        // Only reuse the text if every value became one parameter in column-major row order.
        if (compiled.parameters.length !== parameters.length) {
          await execute(ctx, compiled);
          continue;
        }
        text = compiled.sql;
        sqlByShape.set(shape, text);
      }
      await execute(ctx, { sql: text, parameters });
    }
  };
}
