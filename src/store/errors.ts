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
