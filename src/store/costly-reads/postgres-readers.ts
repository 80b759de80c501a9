/**
 * Costly PostgreSQL reads on a pool of their own, `slots` connections, each with a
 * `statement_timeout` of the budget: a scanning filter never takes a connection the cheap
 * requests' pool needs, and PostgreSQL itself cancels a statement past the budget (57014).
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ReadBudgetError } from '../errors.ts';
import { execute } from '../sql/context.ts';
import type { Database } from '../sql/database.ts';
import { compile } from '../sql/sql-fragment.ts';
import { createAdmission } from './admission.ts';
import type { CostlyReads, CostlyRun } from './costly-reads.ts';

const QUERY_CANCELED = '57014';

export interface PostgresReadersOptions {
  readonly connectionString: string;
  readonly slots: number;
  readonly perAccount: number;
  readonly budgetMs: number;
}

export function createPostgresReaders(options: PostgresReadersOptions): CostlyReads {
  const { budgetMs } = options;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.slots,
    // Set on every connection of this pool only; migrations and writes use the other pool.
    options: `-c statement_timeout=${budgetMs}`,
  });
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const admission = createAdmission({
    slots: options.slots,
    perAccount: options.perAccount,
    budgetMs,
  });
  const run: CostlyRun = async <R>(fragment: Parameters<CostlyRun>[0]) => {
    try {
      return (await execute<R>({ db }, compile(fragment, 'postgres'))).rows;
    } catch (error) {
      if ((error as { code?: unknown }).code === QUERY_CANCELED) {
        throw new ReadBudgetError('overBudget', budgetMs, 1);
      }
      throw error;
    }
  };
  return {
    guard: undefined,
    read: (accountId, work) => admission.run(accountId, () => work(run)),
    close: () => db.destroy(),
  };
}
