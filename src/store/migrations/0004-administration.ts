/**
 * What the admin API keeps: account admin keys, the audit trail, teams and their members, seat
 * pools and seat assignments, and the paid seat a permission set may carry (classic model).
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';
import { type Col, columnTypes } from './column-types.ts';

type Db = Kysely<unknown>;

export function administrationMigration(dialect: Dialect): Migration {
  const { bool, serial, seqColumn, keyText, notNull } = columnTypes(dialect);
  // Columns referencing users.id share its byte-order collation on PostgreSQL (0001).
  const userRef: Col = (c) => keyText(c.notNull().references('users.id').onDelete('cascade'));

  return {
    async up(db: Db) {
      await db.schema.alterTable('permission_sets').addColumn('paid_seat', 'text').execute();

      await db.schema
        .createTable('admin_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('name', 'text', notNull)
        .addColumn('prefix', 'text', notNull)
        .addColumn('hash', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createIndex('admin_keys_hash_unique')
        .on('admin_keys')
        .column('hash')
        .unique()
        .execute();
      await db.schema
        .createIndex('admin_keys_account')
        .on('admin_keys')
        .column('account_id')
        .execute();

      // No foreign key on account_id: refused calls are recorded too, whatever they named.
      await db.schema
        .createTable('audit_entries')
        .addColumn('seq', serial, seqColumn)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('account_id', 'text')
        .addColumn('at', 'text', notNull)
        .addColumn('actor_kind', 'text', notNull)
        .addColumn('actor_key_id', 'text')
        .addColumn('actor_prefix', 'text')
        .addColumn('action', 'text', notNull)
        .addColumn('target_type', 'text')
        .addColumn('target_id', 'text')
        .addColumn('status', 'integer', notNull)
        .addColumn('outcome', 'text', notNull)
        .addColumn('error_code', 'text')
        .addColumn('request', 'text')
        .execute();
      await db.schema
        .createIndex('audit_entries_account_at')
        .on('audit_entries')
        .columns(['account_id', 'at', 'seq'])
        .execute();
      await db.schema
        .createIndex('audit_entries_at')
        .on('audit_entries')
        .columns(['at', 'seq'])
        .execute();

      await db.schema
        .createTable('teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('name', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .execute();
      await db.schema
        .createIndex('teams_name_unique')
        .on('teams')
        .columns(['account_id', 'name'])
        .unique()
        .execute();

      await db.schema
        .createTable('team_members')
        .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
        .addColumn('user_id', 'text', userRef)
        .addColumn('account_id', 'text', notNull)
        .addColumn('is_primary', bool, notNull)
        .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('team_members_user')
        .on('team_members')
        .column('user_id')
        .execute();

      await db.schema
        .createTable('seat_pools')
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('seat_type', 'text', notNull)
        .addColumn('purchased', 'integer', notNull)
        .addColumn('assigned', 'integer', notNull)
        .addPrimaryKeyConstraint('seat_pools_pk', ['account_id', 'seat_type'])
        .execute();

      await db.schema
        .createTable('seat_assignments')
        .addColumn('user_id', 'text', (c) => userRef(c).primaryKey())
        .addColumn('account_id', 'text', notNull)
        .addColumn('seat_type', 'text', notNull)
        .addColumn('assigned_at', 'text', notNull)
        .execute();
    },
  };
}
