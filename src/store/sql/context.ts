/** What every noun module needs: a Kysely handle (the store's or a transaction's) and quirks. */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { DialectQuirks } from './dialect-quirks.ts';

export interface SqlContext {
  readonly db: Kysely<Database>;
  readonly quirks: DialectQuirks;
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
