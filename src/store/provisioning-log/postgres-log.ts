/**
 * The PostgreSQL provisioning log: the same tables in the directory's database (migrations 0001,
 * 0010). Requests only queue their event (`log-queue.ts`); batches leave every 100 ms, or at
 * once at 256 events, as multi-row INSERTs on a pooled connection, one batch at a time, so the
 * log never holds more than one connection and the database's work is off the event loop.
 *
 * On shutdown `close()` writes what is queued. On a crash the queued batch and the one being
 * inserted are lost: at most the last 100 ms of requests; committed batches are durable.
 */
import type { Kysely } from 'kysely';
import { authFailureStore } from '../sql/auth-failures.ts';
import type { Database } from '../sql/database.ts';
import { postgresQuirks } from '../sql/dialect-quirks.ts';
import { provisioningEventStore } from '../sql/provisioning-events.ts';
import type { ProvisioningLogStore } from '../store.ts';
import { createLogQueue, type LogBatch } from './log-queue.ts';

export interface PostgresLogOptions {
  readonly flushIntervalMs?: number | undefined;
  readonly batchSize?: number | undefined;
  readonly maxBacklog?: number | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}

export function createPostgresLog(
  db: Kysely<Database>,
  options: PostgresLogOptions = {},
): ProvisioningLogStore {
  const onError = options.onError ?? (() => {});
  const ctx = { db, quirks: postgresQuirks };
  const events = provisioningEventStore(ctx);
  const failures = authFailureStore(ctx);
  let writing: Promise<void> = Promise.resolve();

  /** One bad event must not cost the batch: on failure, each event is written on its own. */
  async function writeBatch(batch: LogBatch): Promise<void> {
    try {
      await events.insertMany(batch.events);
    } catch {
      for (const event of batch.events) {
        await events.insertMany([event]).catch(onError);
      }
    }
    await failures.add(batch.failures).catch(onError);
  }

  const queue = createLogQueue({
    flushIntervalMs: options.flushIntervalMs ?? 100,
    batchSize: options.batchSize ?? 256,
    maxBacklog: options.maxBacklog ?? 100_000,
    // Batches are written one after the other, in order.
    write(batch) {
      writing = writing.then(() => writeBatch(batch));
      return writing;
    },
    onError,
  });

  return {
    append: queue.append,
    appendAuthFailures: queue.appendAuthFailures,
    flush: queue.flush,
    backlog: queue.backlog,
    async list(filter) {
      await queue.flush();
      return events.list(filter);
    },
    async findById(accountId, id) {
      await queue.flush();
      return events.findById(accountId, id);
    },
    async listAuthFailures(filter) {
      await queue.flush();
      return failures.list(filter);
    },
    async idpActivity(accountId, since) {
      await queue.flush();
      return events.idpActivity(accountId, since);
    },
    async prune(before) {
      await queue.flush();
      return events.prune(before);
    },
    close: () => queue.flush(),
  };
}
