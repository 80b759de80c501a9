/** A write broke a uniqueness rule. Driver errors (SQLite, PostgreSQL 23505) become this. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    /** Which rule: 'user.userName', 'user.email', 'permissionSet.name', 'domain.domain'... */
    readonly constraint: string,
    options?: { cause?: unknown },
  ) {
    super(`unique constraint ${constraint} violated`, options);
  }
}

/**
 * Driver error codes that mean "the database could not be reached or dropped the connection":
 * PostgreSQL admin shutdown/crash/restart (57P01–57P03) and connection exceptions (class 08),
 * socket failures, and SQLite's busy timeout. The request did not complete and may be retried.
 */
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'SQLITE_BUSY',
]);

/**
 * PostgreSQL aborted the transaction to break a deadlock (40P01) or a serialization conflict
 * (40001): nothing was applied, and the same request succeeds when retried.
 */
const CONTENTION_CODES = new Set(['40P01', '40001']);

/** Whether `error` says the write collided with concurrent ones and was rolled back whole. */
export function isStoreContention(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && CONTENTION_CODES.has(code);
}

/** Whether `error` says the database is unavailable, rather than that the request was wrong. */
export function isStoreUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  );
}

/**
 * A read that may scan (a filter no index bounds, a deep offset) was stopped by its budget:
 * - `overBudget`: it ran longer than the budget (the same request would again: narrow it);
 * - `busy`: the account already has as many such reads running or waiting as it may, or none
 *   could start within the budget (retry after `retryAfterSeconds`).
 */
export class ReadBudgetError extends Error {
  override readonly name = 'ReadBudgetError';
  constructor(
    readonly reason: 'overBudget' | 'busy',
    readonly budgetMs: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      reason === 'overBudget'
        ? `the query ran past its ${budgetMs} ms budget`
        : 'too many costly queries are running; retry shortly',
    );
  }
}
