/**
 * The events outbox (issue 11; src/directory/events.ts). A directory change inserts its events
 * into `events` in its own transaction, unsequenced (`sequence` NULL): they commit with the
 * change or not at all. The sequencer (`EventStore.sequencePending`) later gives committed rows
 * their per-account `sequence` in insertion (`position`) order, under one lock, so sequences are
 * gap-free and follow commit order even when PostgreSQL transactions commit out of the order
 * they inserted. `event_counters` holds each account's last sequence, so sequences never
 * restart, even after retention deleted older events.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';
import { columnTypes } from './column-types.ts';

export function eventsMigration(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('events')
        .addColumn('position', t.serial, t.seqColumn)
        .addColumn('id', 'text', (c) => t.keyText(c.notNull().unique()))
        .addColumn('account_id', 'text', (c) => t.keyText(c.notNull()))
        .addColumn('sequence', bigint)
        .addColumn('type', 'text', (c) => t.keyText(c.notNull()))
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('actor', t.json, (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('data', t.json, (c) => c.notNull())
        .execute();
      // The feed reads by (account, sequence); unique, so no sequence is ever given twice.
      await db.schema
        .createIndex('events_account_sequence')
        .on('events')
        .columns(['account_id', 'sequence'])
        .unique()
        .execute();
      // The sequencer's work list: small (only what is committed and not yet sequenced).
      await db.schema
        .createIndex('events_pending')
        .on('events')
        .column('position')
        .where(sql.ref('sequence'), 'is', null)
        .execute();
      // Retention deletes by time.
      await db.schema
        .createIndex('events_occurred_at')
        .on('events')
        .column('occurred_at')
        .execute();
      await db.schema
        .createTable('event_counters')
        .addColumn('account_id', 'text', (c) => t.keyText(c.primaryKey()))
        .addColumn('last_sequence', bigint, (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('event_counters').execute();
      await db.schema.dropTable('events').execute();
    },
  };
}
