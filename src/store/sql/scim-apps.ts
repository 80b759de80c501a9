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
    roleSyncEnabled: quirks.readBool(row.role_sync_enabled),
    installedAt: row.installed_at,
    createdAt: row.created_at,
  });
  const mutable = (app: ScimApp) => ({
    uid: app.uid,
    name: app.name,
    role_sync_enabled: quirks.bool(app.roleSyncEnabled),
    installed_at: app.installedAt,
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
    async update(app) {
      await db
        .updateTable('scim_apps')
        .set(mutable(app))
        .where('id', '=', app.id)
        .where('account_id', '=', app.accountId)
        .execute();
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
