import type { Selectable } from 'kysely';
import type { AccessToken } from '../../directory/model.ts';
import type { TokenStore } from '../store.ts';
import { mapConflicts } from './conflicts.ts';
import { type SqlContext, storable } from './context.ts';
import type { AccessTokensTable } from './database.ts';

const toToken = (row: Selectable<AccessTokensTable>): AccessToken => ({
  id: row.id,
  accountId: row.account_id,
  appId: row.app_id,
  prefix: row.prefix,
  hash: row.hash,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

export function tokenStore({ db }: SqlContext): TokenStore {
  return {
    async insert(token) {
      await mapConflicts(() =>
        db
          .insertInto('access_tokens')
          .values({
            id: token.id,
            account_id: token.accountId,
            app_id: token.appId,
            prefix: token.prefix,
            hash: token.hash,
            created_at: token.createdAt,
            last_used_at: token.lastUsedAt,
            expires_at: token.expiresAt,
            revoked_at: token.revokedAt,
          })
          .execute(),
      );
    },
    async findByHash(hash) {
      if (!storable(hash)) return undefined;
      const row = await db
        .selectFrom('access_tokens')
        .selectAll()
        .where('hash', '=', hash)
        .executeTakeFirst();
      return row && toToken(row);
    },
    async findById(accountId, id) {
      if (!storable(id)) return undefined;
      const row = await db
        .selectFrom('access_tokens')
        .selectAll()
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return row && toToken(row);
    },
    async list(accountId) {
      const rows = await db
        .selectFrom('access_tokens')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toToken);
    },
    async touch(id, at) {
      await db
        .updateTable('access_tokens')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .execute();
    },
    async revoke(id, at) {
      // Keep the first revocation time if revoked twice.
      await db
        .updateTable('access_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
    async revokeAllForApp(accountId, appId, at) {
      const result = await db
        .updateTable('access_tokens')
        .set({ revoked_at: at })
        .where('account_id', '=', accountId)
        .where('app_id', '=', appId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return result.map((row) => row.id).sort();
    },
    async expire(accountId, id, at) {
      const result = await db
        .updateTable('access_tokens')
        .set({ expires_at: at })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
