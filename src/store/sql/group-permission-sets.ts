import type { Selectable } from 'kysely';
import type { GroupPermissionSet } from '../../directory/model.ts';
import type { GroupPermissionSetStore } from '../store.ts';
import { execute, type SqlContext, storable } from './context.ts';
import type { GroupPermissionSetsTable } from './database.ts';
import { compile, sql } from './sql-fragment.ts';

const CHUNK = 500;

const toMapping = (row: Selectable<GroupPermissionSetsTable>): GroupPermissionSet => ({
  accountId: row.account_id,
  groupId: row.group_id,
  permissionSetId: row.permission_set_id,
  priority: Number(row.priority),
  createdAt: row.created_at,
});

export function groupPermissionSetStore(ctx: SqlContext): GroupPermissionSetStore {
  const { db, quirks } = ctx;
  return {
    async put(mapping) {
      await db
        .insertInto('group_permission_sets')
        .values({
          group_id: mapping.groupId,
          account_id: mapping.accountId,
          permission_set_id: mapping.permissionSetId,
          priority: mapping.priority,
          created_at: mapping.createdAt,
        })
        .onConflict((conflict) =>
          conflict.column('group_id').doUpdateSet({
            permission_set_id: mapping.permissionSetId,
            priority: mapping.priority,
          }),
        )
        .execute();
    },
    async remove(accountId, groupId) {
      if (!storable(groupId)) return false;
      const result = await db
        .deleteFrom('group_permission_sets')
        .where('account_id', '=', accountId)
        .where('group_id', '=', groupId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async list(accountId) {
      const rows = await db
        .selectFrom('group_permission_sets')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('priority')
        .orderBy('created_at')
        .orderBy('group_id')
        .execute();
      return rows.map(toMapping);
    },
    async any(accountId) {
      const row = await db
        .selectFrom('group_permission_sets')
        .select('group_id')
        .where('account_id', '=', accountId)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    async decisive(accountId, userIds) {
      const decided = new Map<string, GroupPermissionSet>();
      const unique = [...new Set(userIds.filter(storable))];
      for (let i = 0; i < unique.length; i += CHUNK) {
        const ids = unique.slice(i, i + CHUNK);
        const result = await execute<Selectable<GroupPermissionSetsTable> & { user_id: string }>(
          ctx,
          compile(
            sql`select m.user_id, p.* from group_members m
                join group_permission_sets p on p.group_id = m.group_id
                where m.account_id = ${accountId}
                and m.user_id in (${sql.join(ids.map((id) => sql`${id}`))})
                order by m.user_id, p.priority, p.created_at, p.group_id`,
            quirks.dialect,
          ),
        );
        // Rows come in decision order per user: the first one decides.
        for (const row of result.rows) {
          if (!decided.has(row.user_id)) decided.set(row.user_id, toMapping(row));
        }
      }
      return decided;
    },
  };
}
