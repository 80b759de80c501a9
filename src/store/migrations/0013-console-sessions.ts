/**
 * Web console sessions (src/http/console/). Kept in the database, not in an instance's memory,
 * so any instance behind a load balancer answers any signed-in browser, and signing out or
 * expiry holds everywhere at once. Only hashes are stored: of the session id (the cookie) and of
 * the admin key it was opened with, so a leaked table neither opens a session nor reveals a key.
 */
import type { Kysely, Migration } from 'kysely';

export const consoleSessionsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('key_hash', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('console_sessions_expires')
      .on('console_sessions')
      .column('expires_at')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('console_sessions').execute();
  },
};
