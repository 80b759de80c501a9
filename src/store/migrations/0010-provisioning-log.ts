/**
 * The provisioning log moves off the request path (store/provisioning-log/). On PostgreSQL it
 * stays in this database and gains failed-authentication counts per minute and indexes for one
 * user's or one group's history. SQLite keeps all of this in the log's own file instead
 * (`sqlite-log-schema.ts`); its old table is moved there after migrating (`adoptLegacyEvents`).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';

export function provisioningLogMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await db.schema
        .createTable('auth_failures')
        .addColumn('minute', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('token_prefix', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('idp', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('auth_failures_key', [
          'minute',
          'account_id',
          'token_prefix',
          'reason',
          'idp',
          'source',
        ])
        .execute();
      await db.schema
        .createIndex('auth_failures_account_minute')
        .on('auth_failures')
        .columns(['account_id', 'minute'])
        .execute();
      await db.schema
        .createIndex('provisioning_events_account_user')
        .on('provisioning_events')
        .columns(['account_id', 'user_id', 'at', 'seq'])
        .where(sql.ref('user_id'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('provisioning_events_account_group')
        .on('provisioning_events')
        .columns(['account_id', 'group_id', 'at', 'seq'])
        .where(sql.ref('group_id'), 'is not', null)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await db.schema.dropIndex('provisioning_events_account_group').execute();
      await db.schema.dropIndex('provisioning_events_account_user').execute();
      await db.schema.dropTable('auth_failures').execute();
    },
  };
}
