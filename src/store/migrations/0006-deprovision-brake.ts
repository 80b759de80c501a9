/**
 * The mass-deprovisioning brake: one row per deactivation an IdP made, counted over a sliding
 * window, and the time an admin last released each account's brake.
 */
import type { Kysely, Migration } from 'kysely';

export const deprovisionBrakeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('deactivations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('deactivations_account_at')
      .on('deactivations')
      .columns(['account_id', 'at'])
      .execute();
    await db.schema
      .createTable('deprovision_brakes')
      .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
      .addColumn('released_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('deprovision_brakes').execute();
    await db.schema.dropTable('deactivations').execute();
  },
};
