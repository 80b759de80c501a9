/** Reads that may scan, run where they cannot hold up cheap requests (see admission.ts). */
import type { SqlFragment } from '../sql/sql-fragment.ts';

/** Runs one statement of a costly read and returns its rows. */
export type CostlyRun = <R>(fragment: SqlFragment) => Promise<R[]>;

export interface CostlyReads {
  /**
   * Runs `work` once admitted for the account, with a `run` for its statements: off the main
   * thread on SQLite, on a connection of a small pool with a statement timeout on PostgreSQL.
   * Rejects with `ReadBudgetError` when the account is busy or the read runs past its budget.
   */
  read<T>(accountId: string, work: (run: CostlyRun) => Promise<T>): Promise<T>;
  /**
   * A condition to AND into a costly statement's WHERE first, which SQLite evaluates on every
   * row it considers: the reader thread's deadline check. PostgreSQL needs none.
   */
  readonly guard: SqlFragment | undefined;
  close(): Promise<void>;
}

/** Budgets of reads that may scan (admission.ts); unset fields take the defaults below. */
export interface CostlyReadOptions {
  /** Longest a costly read may wait, and then run, in milliseconds. */
  readonly budgetMs?: number | undefined;
  /** Costly reads running at once: reader threads (SQLite) or connections (PostgreSQL). */
  readonly slots?: number | undefined;
  /** Costly reads one account may have running at once (fewer than `slots`); more wait. */
  readonly perAccount?: number | undefined;
}

/**
 * Two slots, one per account: an account flooding costly reads holds one, the other serves
 * everyone else. 2 s: far above what an IdP's filters take, far below what stalls anyone.
 */
export const COSTLY_READ_DEFAULTS = { budgetMs: 2000, slots: 2, perAccount: 1 } as const;
