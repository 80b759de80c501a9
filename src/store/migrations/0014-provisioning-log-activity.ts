/**
 * PostgreSQL keeps the provisioning log in its one database (0010): the index the console's
 * connection status reads per IdP (last request, last failure, counts by outcome). SQLite adds
 * the same index to the log's own file (`provisioning-log/sqlite-log-schema.ts`).
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';

export function provisioningLogActivityMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await db.schema
        .createIndex('provisioning_events_account_idp')
        .on('provisioning_events')
        .columns(['account_id', 'idp', 'outcome', 'at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await db.schema.dropIndex('provisioning_events_account_idp').execute();
    },
  };
}
