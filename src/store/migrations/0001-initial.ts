/**
 * The initial schema, one definition for both dialects. Differences: the users/events sequence
 * (autoincrement vs bigserial), booleans (integer 0/1 vs boolean), JSON (text vs jsonb), and on
 * PostgreSQL the JS-lower-cased key columns use the "C" collation so equality, range, sort and
 * LIKE-prefix all use their indexes and order bytes exactly as SQLite does.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';
import { columnTypes } from './column-types.ts';

type Db = Kysely<unknown>;

export function initialMigration(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  const { bool, json, serial, seqColumn, keyText, notNull } = columnTypes(dialect);

  return {
    async up(db: Db) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', notNull)
        .addColumn('tier', 'text', notNull)
        .addColumn('pricing_model', 'text', notNull)
        .addColumn('sso_enabled', bool, notNull)
        .addColumn('created_at', 'text', notNull)
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('seq', serial, seqColumn)
        .addColumn('id', 'text', (c) => keyText(c.notNull().unique()))
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('user_name', 'text', notNull)
        .addColumn('user_name_lower', 'text', (c) => keyText(c.notNull()))
        .addColumn('external_id', 'text', keyText)
        .addColumn('email', 'text')
        .addColumn('email_lower', 'text', keyText)
        .addColumn('display_name', 'text')
        .addColumn('given_name', 'text')
        .addColumn('family_name', 'text')
        .addColumn('active', bool, notNull)
        .addColumn('super_admin', bool, notNull)
        .addColumn('permission_set_id', 'text', notNull)
        .addColumn('managed_by', 'text', notNull)
        .addColumn('deprovisioned_at', 'text')
        .addColumn('profile', json, notNull)
        // The user's multi-valued attributes whole, so reading a user is one statement;
        // user_values holds the same elements row by row, as the index filters run on.
        .addColumn('multi_valued', json, notNull)
        .addColumn('created_at', 'text', notNull)
        .addColumn('updated_at', 'text', notNull)
        .addColumn('version', 'integer', notNull)
        .execute();
      await db.schema
        .createIndex('users_user_name_unique')
        .on('users')
        .columns(['account_id', 'user_name_lower'])
        .unique()
        .execute();
      // Several NULL emails per account are fine: both dialects treat NULLs as distinct.
      await db.schema
        .createIndex('users_email_unique')
        .on('users')
        .columns(['account_id', 'email_lower'])
        .unique()
        .execute();
      // PostgreSQL B-tree entries are limited to about 2.7 kB; externalId and element values can
      // be longer (x509Certificates, photos), so PostgreSQL indexes them by hash, which serves
      // the equality lookups these indexes exist for. userName and email keep B-tree unique
      // indexes: callers must bound their length (see the store's notes).
      await (pg
        ? db.schema.createIndex('users_external_id').on('users').using('hash').column('external_id')
        : db.schema
            .createIndex('users_external_id')
            .on('users')
            .columns(['account_id', 'external_id'])
      ).execute();
      // Default listing order and cursor paging without a sort; with managed_by in it, counting
      // and paging an account's SCIM-managed users reads this index alone, never the rows.
      await db.schema
        .createIndex('users_account_managed_seq')
        .on('users')
        .columns(['account_id', 'managed_by', 'seq'])
        .execute();
      await db.schema
        .createIndex('users_account_seq')
        .on('users')
        .columns(['account_id', 'seq'])
        .execute();

      await db.schema
        .createTable('user_values')
        .addColumn('user_id', 'text', (c) =>
          keyText(c.notNull().references('users.id').onDelete('cascade')),
        )
        .addColumn('account_id', 'text', notNull)
        .addColumn('attribute', 'text', notNull)
        .addColumn('position', 'integer', notNull)
        .addColumn('value', 'text')
        .addColumn('value_lower', 'text', keyText)
        .addColumn('type', 'text')
        .addColumn('is_primary', bool, notNull)
        .addColumn('display', 'text')
        .addColumn('data', json, notNull)
        .addPrimaryKeyConstraint('user_values_pk', ['user_id', 'attribute', 'position'])
        .execute();
      // `emails.value eq "…"` and friends: find the users from the value side.
      await (pg
        ? db.schema
            .createIndex('user_values_lookup')
            .on('user_values')
            .using('hash')
            .column('value_lower')
        : db.schema
            .createIndex('user_values_lookup')
            .on('user_values')
            .columns(['account_id', 'attribute', 'value_lower'])
      ).execute();

      await db.schema
        .createTable('permission_sets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('name', 'text', notNull)
        .addColumn('is_minimal', bool, notNull)
        .addColumn('permissions', json, notNull)
        .addColumn('created_at', 'text', notNull)
        .execute();
      await db.schema
        .createIndex('permission_sets_name_unique')
        .on('permission_sets')
        .columns(['account_id', 'name'])
        .unique()
        .execute();

      await db.schema
        .createTable('domains')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('domain', 'text', notNull)
        .addColumn('state', 'text', notNull)
        .addColumn('challenge_host', 'text', notNull)
        .addColumn('challenge_value', 'text', notNull)
        .addColumn('last_checked_at', 'text')
        .addColumn('verified_at', 'text')
        .addColumn('failure_reason', 'text')
        .addColumn('created_at', 'text', notNull)
        .execute();
      await db.schema
        .createIndex('domains_domain_unique')
        .on('domains')
        .columns(['account_id', 'domain'])
        .unique()
        .execute();

      await db.schema
        .createTable('scim_apps')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('uid', 'text', notNull)
        .addColumn('name', 'text', notNull)
        .addColumn('role_sync_enabled', bool, notNull)
        .addColumn('installed_at', 'text')
        .addColumn('created_at', 'text', notNull)
        .execute();
      await db.schema
        .createIndex('scim_apps_account_unique')
        .on('scim_apps')
        .column('account_id')
        .unique()
        .execute();

      await db.schema
        .createTable('access_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('app_id', 'text', notNull)
        .addColumn('prefix', 'text', notNull)
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', notNull)
        .addColumn('last_used_at', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createIndex('access_tokens_account')
        .on('access_tokens')
        .column('account_id')
        .execute();

      // No foreign key on account_id: the log also records requests for unknown accounts.
      await db.schema
        .createTable('provisioning_events')
        .addColumn('seq', serial, seqColumn)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('account_id', 'text')
        .addColumn('at', 'text', notNull)
        .addColumn('idp', 'text', notNull)
        .addColumn('method', 'text', notNull)
        .addColumn('path', 'text', notNull)
        .addColumn('operation', 'text', notNull)
        .addColumn('user_id', 'text')
        .addColumn('status', 'integer', notNull)
        .addColumn('outcome', 'text', notNull)
        .addColumn('scim_type', 'text')
        .addColumn('explanation', 'text')
        .addColumn('request_body', 'text')
        .addColumn('response_body', 'text')
        // Fractional milliseconds are recorded as measured.
        .addColumn('duration_ms', pg ? 'double precision' : 'real', notNull)
        .execute();
      await db.schema
        .createIndex('provisioning_events_account_at')
        .on('provisioning_events')
        .columns(['account_id', 'at', 'seq'])
        .execute();
      await db.schema
        .createIndex('provisioning_events_at')
        .on('provisioning_events')
        .columns(['at', 'seq'])
        .execute();
    },
  };
}
