/** What every noun module needs: a Kysely handle (the store's or a transaction's) and quirks. */
import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { CostlyReads } from '../costly-reads/costly-reads.ts';
import type { Database } from './database.ts';
import type { DialectQuirks } from './dialect-quirks.ts';
import type { EventRowDraft } from './events.ts';
import type { PagePositions } from './page-positions.ts';
import { compile, type SqlFragment, type SqlStatement } from './sql-fragment.ts';

/**
 * Runs a read on the store's own SQLite connection at once, or answers undefined when it may
 * not (a transaction holds the connection, or the statement writes).
 */
export type ReadNow = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined;

/**
 * Runs a statement on the store's own SQLite connection at once, inside the transaction that
 * holds it, or answers undefined when no transaction is open (the caller then goes through
 * Kysely).
 */
export type RunNow = (
  sql: string,
  parameters: readonly unknown[],
) => QueryResult<unknown> | undefined;

export interface SqlContext {
  readonly db: Kysely<Database>;
  readonly quirks: DialectQuirks;
  /**
   * SQLite outside transactions: better-sqlite3 answers synchronously, and Kysely's connection
   * queue around it (a mutex and several promise hops per statement) cost more than a lookup's
   * own work. Reads on the hot paths go through `selectRows`, which uses this when it can.
   */
  readonly readNow?: ReadNow | undefined;
  /**
   * SQLite inside group commit's transaction (group-commit.ts): the batch holds the one
   * connection until its COMMIT, so its statements may run at once instead of through Kysely's
   * connection queue, which costs more than a small INSERT's own work (measured: about 15 µs a
   * statement against 5–10 µs for the statement). Undefined everywhere else.
   */
  readonly runNow?: RunNow | undefined;
  /**
   * Where reads that may scan run (costly-reads/): reader threads on SQLite, a pool with a
   * statement timeout on PostgreSQL. Undefined inside transactions, which read their own writes.
   */
  readonly costly?: CostlyReads | undefined;
  /** Where index pages ended (page-positions.ts); outside transactions only. */
  readonly positions?: PagePositions | undefined;
  /**
   * SQLite inside group commit's transaction: the batch's events wait here, and the batch
   * writes them all just before its COMMIT (group-commit.ts). Undefined everywhere else.
   */
  readonly batchEvents?: EventRowDraft[] | undefined;
}

/** The rows of a SELECT: at once where the store allows it (`readNow`), else through Kysely. */
export async function selectRows<R>(ctx: SqlContext, fragment: SqlFragment): Promise<R[]> {
  const query = compile(fragment, ctx.quirks.dialect);
  const now = ctx.readNow?.(query.sql, query.parameters);
  if (now !== undefined) return now as R[];
  return (await execute<R>(ctx, query)).rows;
}

/** Runs a statement: at once where the store allows it (`runNow`), else through Kysely. */
export async function execute<R>(
  ctx: Pick<SqlContext, 'db' | 'runNow'>,
  query: SqlStatement,
): Promise<QueryResult<R>> {
  const now = ctx.runNow?.(query.sql, query.parameters);
  if (now !== undefined) return now as QueryResult<R>;
  return ctx.db.executeQuery<R>(CompiledQuery.raw(query.sql, [...query.parameters]));
}

/** Runs `work` in the surrounding transaction if there is one, else in a new one. */
export function withTransaction<T>(
  ctx: SqlContext,
  work: (ctx: SqlContext) => Promise<T>,
): Promise<T> {
  if (ctx.db.isTransaction) return work(ctx);
  return ctx.db.transaction().execute((trx) => work({ db: trx, quirks: ctx.quirks }));
}

/**
 * Whether `text` can be stored at all: PostgreSQL text and jsonb reject NUL. Lookups by such a
 * key find nothing on both dialects instead of failing on one.
 */
export const storable = (text: string): boolean => !text.includes('\u0000');

/** A LIMIT both databases bind: whole, non-negative, at most `max`; NaN reads as 0. */
export const rowLimit = (limit: number, max = Number.MAX_SAFE_INTEGER): number =>
  Number.isNaN(limit) ? 0 : Math.max(0, Math.min(Math.floor(limit), max));
