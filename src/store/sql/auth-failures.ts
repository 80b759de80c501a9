/** Failed-authentication counts per minute (see `AuthFailureCount` in store.ts). */
import { sql } from 'kysely';
import type { AuthFailureCount, AuthFailureFilter, AuthFailureReason } from '../store.ts';
import { rowLimit, type SqlContext } from './context.ts';

export function authFailureStore({ db }: SqlContext) {
  return {
    /** Adds the counts; a key seen before (this or another instance) adds to its row. */
    async add(counts: readonly AuthFailureCount[]): Promise<void> {
      if (counts.length === 0) return;
      // PostgreSQL's upsert cannot touch one row twice in a statement: merge equal keys first.
      const merged = new Map<string, AuthFailureCount>();
      for (const c of counts) {
        const key = JSON.stringify([
          c.minute,
          c.accountId,
          c.tokenPrefix,
          c.reason,
          c.idp,
          c.source,
        ]);
        const known = merged.get(key);
        merged.set(key, known ? { ...known, count: known.count + c.count } : c);
      }
      await db
        .insertInto('auth_failures')
        .values(
          [...merged.values()].map((c) => ({
            minute: c.minute,
            account_id: c.accountId ?? '',
            token_prefix: c.tokenPrefix ?? '',
            reason: c.reason,
            idp: c.idp,
            source: c.source,
            count: c.count,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['minute', 'account_id', 'token_prefix', 'reason', 'idp', 'source'])
            .doUpdateSet({ count: sql`auth_failures.count + excluded.count` }),
        )
        .execute();
    },

    async list(filter: AuthFailureFilter): Promise<AuthFailureCount[]> {
      let query = db.selectFrom('auth_failures').selectAll();
      if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
      if (filter.from !== undefined) query = query.where('minute', '>=', filter.from);
      if (filter.to !== undefined) query = query.where('minute', '<', filter.to);
      const rows = await query
        .orderBy('minute', 'desc')
        .orderBy('count', 'desc')
        .limit(rowLimit(filter.limit, 10_000))
        .execute();
      return rows.map((row) => ({
        minute: row.minute,
        accountId: row.account_id === '' ? null : row.account_id,
        tokenPrefix: row.token_prefix === '' ? null : row.token_prefix,
        reason: row.reason as AuthFailureReason,
        idp: row.idp,
        source: row.source,
        count: Number(row.count),
      }));
    },
  };
}
