import type { Selectable } from 'kysely';
import type { AdminKey } from '../../directory/model.ts';
import type { AdminKeyStore } from '../store.ts';
import { mapConflicts } from './conflicts.ts';
import { type SqlContext, storable } from './context.ts';
import type { AdminKeysTable } from './database.ts';

const toAdminKey = (row: Selectable<AdminKeysTable>): AdminKey => ({
  id: row.id,
  accountId: row.account_id,
  name: row.name,
  prefix: row.prefix,
  hash: row.hash,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export function adminKeyStore({ db }: SqlContext): AdminKeyStore {
  return {
    async insert(key) {
      await mapConflicts(() =>
        db
          .insertInto('admin_keys')
          .values({
            id: key.id,
            account_id: key.accountId,
            name: key.name,
            prefix: key.prefix,
            hash: key.hash,
            created_at: key.createdAt,
            last_used_at: key.lastUsedAt,
            revoked_at: key.revokedAt,
          })
          .execute(),
      );
    },
    async findByHash(hash) {
      if (!storable(hash)) return undefined;
      const row = await db
        .selectFrom('admin_keys')
        .selectAll()
        .where('hash', '=', hash)
        .executeTakeFirst();
      return row && toAdminKey(row);
    },
    async list(accountId) {
      const rows = await db
        .selectFrom('admin_keys')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toAdminKey);
    },
    async touch(id, at) {
      await db.updateTable('admin_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    async revoke(accountId, id, at) {
      if (!storable(id)) return false;
      const found = await db
        .selectFrom('admin_keys')
        .select('id')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!found) return false;
      // Keep the first revocation time if revoked twice.
      await db
        .updateTable('admin_keys')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      return true;
    },
  };
}
