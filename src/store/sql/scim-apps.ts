import type { Selectable } from 'kysely';
import type { ScimApp } from '../../directory/model.ts';
import type { ScimAppStore } from '../store.ts';
import { mapConflicts } from './conflicts.ts';
import type { SqlContext } from './context.ts';
import type { ScimAppsTable } from './database.ts';

export function scimAppStore({ db, quirks }: SqlContext): ScimAppStore {
  const toApp = (row: Selectable<ScimAppsTable>): ScimApp => ({
    id: row.id,
    accountId: row.account_id,
    uid: row.uid,
    name: row.name,
    description: row.description,
    scimUid: row.scim_uid,
    roleSyncEnabled: quirks.readBool(row.role_sync_enabled),
    installedAt: row.installed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  });
  const mutable = (app: ScimApp) => ({
    uid: app.uid,
    name: app.name,
    description: app.description,
    scim_uid: app.scimUid,
    role_sync_enabled: quirks.bool(app.roleSyncEnabled),
    installed_at: app.installedAt,
    updated_at: app.updatedAt,
    version: app.version,
  });
  return {
    async insert(app) {
      await mapConflicts(() =>
        db
          .insertInto('scim_apps')
          .values({
            id: app.id,
            account_id: app.accountId,
            created_at: app.createdAt,
            ...mutable(app),
          })
          .execute(),
      );
    },
    async update(app, expectedVersion) {
      const result = await db
        .updateTable('scim_apps')
        .set(mutable(app))
        .where('id', '=', app.id)
        .where('account_id', '=', app.accountId)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async delete(accountId, id) {
      const result = await db
        .deleteFrom('scim_apps')
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async findByAccount(accountId) {
      const row = await db
        .selectFrom('scim_apps')
        .selectAll()
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return row && toApp(row);
    },
  };
}
