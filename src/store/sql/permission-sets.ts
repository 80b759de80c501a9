import type { Selectable } from 'kysely';
import type { PermissionSet, SeatType } from '../../directory/model.ts';
import type { PermissionSetStore } from '../store.ts';
import { mapConflicts } from './conflicts.ts';
import { type SqlContext, storable } from './context.ts';
import type { PermissionSetsTable } from './database.ts';

export function permissionSetStore({ db, quirks }: SqlContext): PermissionSetStore {
  const toPermissionSet = (row: Selectable<PermissionSetsTable>): PermissionSet => ({
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    isMinimal: quirks.readBool(row.is_minimal),
    permissions: quirks.readJson(row.permissions) as string[],
    paidSeat: row.paid_seat as SeatType | null,
    createdAt: row.created_at,
  });
  const ofAccount = (accountId: string) =>
    db.selectFrom('permission_sets').selectAll().where('account_id', '=', accountId);
  return {
    async insert(set) {
      await mapConflicts(() =>
        db
          .insertInto('permission_sets')
          .values({
            id: set.id,
            account_id: set.accountId,
            name: set.name,
            is_minimal: quirks.bool(set.isMinimal),
            permissions: JSON.stringify(set.permissions),
            paid_seat: set.paidSeat ?? null,
            created_at: set.createdAt,
          })
          .execute(),
      );
    },
    async findById(accountId, id) {
      if (!storable(id)) return undefined;
      const row = await ofAccount(accountId).where('id', '=', id).executeTakeFirst();
      return row && toPermissionSet(row);
    },
    async findMinimal(accountId) {
      const row = await ofAccount(accountId)
        .where('is_minimal', '=', quirks.bool(true))
        .orderBy('created_at')
        .orderBy('id')
        .executeTakeFirst();
      return row && toPermissionSet(row);
    },
    async list(accountId) {
      const rows = await ofAccount(accountId).orderBy('created_at').orderBy('id').execute();
      return rows.map(toPermissionSet);
    },
    async update(set) {
      const result = await mapConflicts(() =>
        db
          .updateTable('permission_sets')
          .set({
            name: set.name,
            permissions: JSON.stringify(set.permissions),
            paid_seat: set.paidSeat ?? null,
          })
          .where('account_id', '=', set.accountId)
          .where('id', '=', set.id)
          .executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },
    async delete(accountId, id) {
      if (!storable(id)) return false;
      const result = await db
        .deleteFrom('permission_sets')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
