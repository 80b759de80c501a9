/**
 * Domain verification and the SCIM app lifecycle (issue 3).
 * - domains: `failure_code` (why the last check did not verify, as a stable code next to the
 *   words in `failure_reason`) and `check_until` (end of the 48-hour window in which pending
 *   domains are re-checked); an index for the periodic re-check's scan of pending domains.
 * - scim_apps: the project's other fields (`description`, the SCIM component's `scim_uid`), an
 *   `updated_at`, and a `version` for compare-and-set, so concurrent installs and rotations
 *   cannot both win.
 * SQLite adds one column per ALTER TABLE, so each column is its own statement on both dialects.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export const domainsAndAppsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('domains').addColumn('failure_code', 'text').execute();
    await db.schema.alterTable('domains').addColumn('check_until', 'text').execute();
    await db.schema
      .createIndex('domains_state_checked')
      .on('domains')
      .columns(['state', 'last_checked_at'])
      .execute();

    await db.schema
      .alterTable('scim_apps')
      .addColumn('scim_uid', 'text', (c) => c.notNull().defaultTo('scim'))
      .execute();
    await db.schema
      .alterTable('scim_apps')
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('scim_apps')
      .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('scim_apps')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await sql`update scim_apps set updated_at = created_at where updated_at = ''`.execute(db);
  },
};
