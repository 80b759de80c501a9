/**
 * What the SQLite provisioning log's writer does with a batch: the same code runs in the writer
 * thread (a file database) and inline (`:memory:`, where no other connection can see the data).
 */
import type SqliteDatabase from 'better-sqlite3';
import type { ProvisioningEvent } from '../../directory/model.ts';
import type { AuthFailureCount } from '../store.ts';
import type { LogBatch } from './log-queue.ts';
import {
  ADD_AUTH_FAILURES,
  INSERT_EVENT,
  PRUNE_AUTH_FAILURES,
  PRUNE_EVENTS,
} from './sqlite-log-schema.ts';

/** Rows one prune round deletes; each round is its own short transaction. */
const PRUNE_ROUND = 5000;

export interface LogWriter {
  /** Writes the batch in one transaction; a batch that fails is written event by event. */
  write(batch: LogBatch): { readonly written: number; readonly errors: readonly string[] };
  prune(before: string): number;
}

export function createLogWriter(db: SqliteDatabase.Database): LogWriter {
  const insertEvent = db.prepare(INSERT_EVENT);
  const addFailures = db.prepare(ADD_AUTH_FAILURES);
  const pruneEvents = db.prepare(PRUNE_EVENTS);
  const pruneFailures = db.prepare(PRUNE_AUTH_FAILURES);

  const insert = (e: ProvisioningEvent) =>
    insertEvent.run(
      e.id,
      e.accountId,
      e.at,
      e.idp,
      e.method,
      e.path,
      e.operation,
      e.userId,
      e.groupId,
      e.status,
      e.outcome,
      e.scimType,
      e.explanation,
      e.requestBody,
      e.responseBody,
      e.durationMs,
    );
  const add = (f: AuthFailureCount) =>
    addFailures.run(
      f.minute,
      f.accountId ?? '',
      f.tokenPrefix ?? '',
      f.reason,
      f.idp,
      f.source,
      f.count,
    );

  const writeAll = db.transaction((batch: LogBatch) => {
    for (const event of batch.events) insert(event);
    for (const failure of batch.failures) add(failure);
  });

  return {
    write(batch) {
      try {
        writeAll(batch);
        return { written: batch.events.length, errors: [] };
      } catch {
        // One bad event must not cost the batch.
        const errors: string[] = [];
        let written = 0;
        for (const event of batch.events) {
          try {
            insert(event);
            written++;
          } catch (error) {
            errors.push(`event ${event.id}: ${(error as Error).message}`);
          }
        }
        for (const failure of batch.failures) {
          try {
            add(failure);
          } catch (error) {
            errors.push(`auth failures of ${failure.minute}: ${(error as Error).message}`);
          }
        }
        return { written, errors };
      }
    },
    prune(before) {
      let removed = 0;
      for (;;) {
        const { changes } = pruneEvents.run(PRUNE_ROUND, before);
        removed += changes;
        if (changes < PRUNE_ROUND) break;
      }
      pruneFailures.run(before);
      return removed;
    },
  };
}
