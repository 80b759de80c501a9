/**
 * SCIM groups (issue 5). Memberships live in their own table, keyed by (group, user), so adding
 * or removing one member is one index operation whatever the group's size, and the group row
 * carries only a member count. An admin's group → permission set mappings are keyed by group id,
 * so a rename never breaks them.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';
import { columnTypes } from './column-types.ts';

type Db = Kysely<unknown>;

export function groupsMigration(dialect: Dialect): Migration {
  const { serial, seqColumn, keyText, notNull } = columnTypes(dialect);

  return {
    async up(db: Db) {
      await db.schema
        .createTable('groups')
        .addColumn('seq', serial, seqColumn)
        .addColumn('id', 'text', (c) => keyText(c.notNull().unique()))
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('display_name', 'text', notNull)
        .addColumn('display_name_lower', 'text', (c) => keyText(c.notNull()))
        .addColumn('external_id', 'text', keyText)
        .addColumn('member_count', 'integer', notNull)
        .addColumn('created_at', 'text', notNull)
        .addColumn('updated_at', 'text', notNull)
        .addColumn('version', 'integer', notNull)
        .execute();
      await db.schema
        .createIndex('groups_display_name_unique')
        .on('groups')
        .columns(['account_id', 'display_name_lower'])
        .unique()
        .execute();
      await db.schema
        .createIndex('groups_account_seq')
        .on('groups')
        .columns(['account_id', 'seq'])
        .execute();
      await db.schema
        .createIndex('groups_external_id')
        .on('groups')
        .columns(['account_id', 'external_id'])
        .execute();

      // The primary key (group, user) makes "add twice" a no-op and pages a group's members in
      // user id order; the (user, group) index finds a user's groups and serves the foreign key.
      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'text', (c) =>
          keyText(c.notNull().references('groups.id').onDelete('cascade')),
        )
        .addColumn('user_id', 'text', (c) =>
          keyText(c.notNull().references('users.id').onDelete('cascade')),
        )
        .addColumn('account_id', 'text', notNull)
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('group_members_user')
        .on('group_members')
        .columns(['user_id', 'group_id'])
        .execute();

      await db.schema
        .createTable('group_permission_sets')
        .addColumn('group_id', 'text', (c) =>
          keyText(c.primaryKey().references('groups.id').onDelete('cascade')),
        )
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('permission_set_id', 'text', (c) => c.notNull().references('permission_sets.id'))
        .addColumn('priority', 'integer', notNull)
        .addColumn('created_at', 'text', notNull)
        .execute();
      await db.schema
        .createIndex('group_permission_sets_account')
        .on('group_permission_sets')
        .columns(['account_id', 'priority'])
        .execute();
    },
    async down(db: Db) {
      await db.schema.dropTable('group_permission_sets').execute();
      await db.schema.dropTable('group_members').execute();
      await db.schema.dropTable('groups').execute();
    },
  };
}
