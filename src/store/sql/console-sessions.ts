import type { Selectable } from 'kysely';
import type { ConsoleSession } from '../../directory/model.ts';
import type { ConsoleSessionStore } from '../store.ts';
import { type SqlContext, storable } from './context.ts';
import type { ConsoleSessionsTable } from './database.ts';

const toSession = (row: Selectable<ConsoleSessionsTable>): ConsoleSession => ({
  idHash: row.id_hash,
  keyHash: row.key_hash,
  accountId: row.account_id,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  expiresAt: row.expires_at,
});

export function consoleSessionStore({ db }: SqlContext): ConsoleSessionStore {
  return {
    async insert(session) {
      await db
        .insertInto('console_sessions')
        .values({
          id_hash: session.idHash,
          key_hash: session.keyHash,
          account_id: session.accountId,
          created_at: session.createdAt,
          last_seen_at: session.lastSeenAt,
          expires_at: session.expiresAt,
        })
        .execute();
    },
    async find(idHash) {
      if (!storable(idHash)) return undefined;
      const row = await db
        .selectFrom('console_sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return row && toSession(row);
    },
    async update(idHash, changes) {
      if (changes.lastSeenAt === undefined && changes.accountId === undefined) {
        return (await this.find(idHash)) !== undefined;
      }
      const result = await db
        .updateTable('console_sessions')
        .set({
          ...(changes.lastSeenAt !== undefined ? { last_seen_at: changes.lastSeenAt } : {}),
          ...(changes.accountId !== undefined ? { account_id: changes.accountId } : {}),
        })
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async delete(idHash) {
      if (!storable(idHash)) return false;
      const result = await db
        .deleteFrom('console_sessions')
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async prune(expiredBefore, idleBefore) {
      const result = await db
        .deleteFrom('console_sessions')
        .where((eb) =>
          eb.or([eb('expires_at', '<', expiredBefore), eb('last_seen_at', '<', idleBefore)]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
