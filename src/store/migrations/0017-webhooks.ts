/**
 * Webhook endpoints and their delivery log (issue 11; docs/webhooks.md). An endpoint row is also
 * the delivery engine's work item: its cursor (the account's event sequence delivered last), the
 * retry schedule of the event after it, and the lease an instance holds while it delivers, so
 * several instances share the work and a crashed one's endpoints are taken over.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';
import { columnTypes } from './column-types.ts';

export function webhooksMigration(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'text', (c) => t.keyText(c.primaryKey()))
        .addColumn('account_id', 'text', (c) =>
          t.keyText(c.notNull().references('accounts.id').onDelete('cascade')),
        )
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('event_types', t.json, (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('previous_secret', 'text')
        .addColumn('previous_secret_expires_at', 'text')
        .addColumn('enabled', t.bool, (c) => c.notNull())
        .addColumn('disabled_at', 'text')
        .addColumn('disabled_reason', 'text')
        .addColumn('cursor', bigint, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text')
        .addColumn('failing_since', 'text')
        .addColumn('last_error', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_endpoints_account')
        .on('webhook_endpoints')
        .columns(['account_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('seq', t.serial, t.seqColumn)
        .addColumn('id', 'text', (c) => t.keyText(c.notNull().unique()))
        .addColumn('endpoint_id', 'text', (c) =>
          t.keyText(c.notNull().references('webhook_endpoints.id').onDelete('cascade')),
        )
        .addColumn('account_id', 'text', (c) => t.keyText(c.notNull()))
        .addColumn('event_id', 'text', (c) => t.keyText(c.notNull()))
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('event_sequence', bigint)
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('error', 'text')
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('response_excerpt', 'text')
        .addColumn('delivered_at', 'text', (c) => c.notNull())
        .addColumn('success', t.bool, (c) => c.notNull())
        .execute();
      // The delivery log of an endpoint, newest first.
      await db.schema
        .createIndex('webhook_deliveries_endpoint')
        .on('webhook_deliveries')
        .columns(['endpoint_id', 'seq'])
        .execute();
      // Retention deletes by time.
      await db.schema
        .createIndex('webhook_deliveries_delivered_at')
        .on('webhook_deliveries')
        .column('delivered_at')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('webhook_deliveries').execute();
      await db.schema.dropTable('webhook_endpoints').execute();
    },
  };
}
