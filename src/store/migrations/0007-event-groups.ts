/**
 * The group a SCIM request was about, beside the user it was about, so the provisioning log can
 * answer "what did the IdP do to this group?". Like `user_id`, it has no index of its own: a
 * filtered read walks the account's events newest first, and every SCIM request writes a row.
 */
import type { Kysely, Migration } from 'kysely';

export const eventGroupsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('provisioning_events').addColumn('group_id', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('provisioning_events').dropColumn('group_id').execute();
  },
};
