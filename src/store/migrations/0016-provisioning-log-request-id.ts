/**
 * Each provisioning-log event keeps its request's id (`X-Request-Id`), so the event a client,
 * a proxy or a server log line names can be found. PostgreSQL keeps the log in this database;
 * SQLite adds the same column and index to the log's own file (`sqlite-log-schema.ts`
 * version 4). Events logged before have none (null).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';

export function provisioningLogRequestIdMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await db.schema.alterTable('provisioning_events').addColumn('request_id', 'text').execute();
      await db.schema
        .createIndex('provisioning_events_account_request')
        .on('provisioning_events')
        .columns(['account_id', 'request_id'])
        .where(sql.ref('request_id'), 'is not', null)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await db.schema.dropIndex('provisioning_events_account_request').execute();
      await db.schema.alterTable('provisioning_events').dropColumn('request_id').execute();
    },
  };
}
