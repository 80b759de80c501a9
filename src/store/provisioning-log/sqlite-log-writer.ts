/**
 * What the SQLite provisioning log's writer does with a batch: the same code runs in the writer
 * thread (a file database) and inline (`:memory:`, where no other connection can see the data).
 */
import type SqliteDatabase from 'better-sqlite3';
import type { ProvisioningEvent } from '../../directory/model.ts';
import type { AuthFailureCount } from '../store.ts';
import {
  ADD_AUTH_FAILURES,
  EVENT_COLUMNS,
  INSERT_EVENT,
  PRUNE_AUTH_FAILURES,
  PRUNE_EVENTS,
} from './sqlite-log-schema.ts';

/** Rows one prune round deletes; each round is its own short transaction. */
const PRUNE_ROUND = 5000;

const WIDTH = EVENT_COLUMNS.length;

/**
 * Events as one flat array of their column values (`EVENT_COLUMNS` order, event after event):
 * what crosses to the writer thread. Copying it costs the main thread about half of what
 * copying the event objects does, having no property names to copy.
 */
export type FlatEvents = unknown[];

export function flattenEvents(events: readonly ProvisioningEvent[]): FlatEvents {
  const flat: unknown[] = new Array(events.length * WIDTH);
  let k = 0;
  for (const e of events) {
    flat[k++] = e.id;
    flat[k++] = e.accountId;
    flat[k++] = e.at;
    flat[k++] = e.idp;
    flat[k++] = e.method;
    flat[k++] = e.path;
    flat[k++] = e.operation;
    flat[k++] = e.userId;
    flat[k++] = e.groupId;
    flat[k++] = e.status;
    flat[k++] = e.outcome;
    flat[k++] = e.scimType;
    flat[k++] = e.explanation;
    flat[k++] = e.requestBody;
    flat[k++] = e.responseBody;
    flat[k++] = e.durationMs;
    // better-sqlite3 binds no booleans.
    flat[k++] = e.sandbox ? 1 : 0;
    flat[k++] = e.requestId;
  }
  return flat;
}

export interface FlatBatch {
  readonly events: FlatEvents;
  readonly failures: readonly AuthFailureCount[];
}

export interface LogWriter {
  /** Writes the batch in one transaction; a batch that fails is written event by event. */
  write(batch: FlatBatch): { readonly written: number; readonly errors: readonly string[] };
  prune(before: string): number;
}

export function createLogWriter(db: SqliteDatabase.Database): LogWriter {
  const insertEvent = db.prepare(INSERT_EVENT);
  const addFailures = db.prepare(ADD_AUTH_FAILURES);
  const pruneEvents = db.prepare(PRUNE_EVENTS);
  const pruneFailures = db.prepare(PRUNE_AUTH_FAILURES);

  /** The event starting at `at` of a flat array. */
  const insert = (flat: FlatEvents, at: number) =>
    insertEvent.run(
      flat[at],
      flat[at + 1],
      flat[at + 2],
      flat[at + 3],
      flat[at + 4],
      flat[at + 5],
      flat[at + 6],
      flat[at + 7],
      flat[at + 8],
      flat[at + 9],
      flat[at + 10],
      flat[at + 11],
      flat[at + 12],
      flat[at + 13],
      flat[at + 14],
      flat[at + 15],
      flat[at + 16],
      flat[at + 17],
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

  const writeAll = db.transaction((batch: FlatBatch) => {
    for (let at = 0; at < batch.events.length; at += WIDTH) insert(batch.events, at);
    for (const failure of batch.failures) add(failure);
  });

  return {
    write(batch) {
      try {
        writeAll(batch);
        return { written: batch.events.length / WIDTH, errors: [] };
      } catch {
        // One bad event must not cost the batch.
        const errors: string[] = [];
        let written = 0;
        for (let at = 0; at < batch.events.length; at += WIDTH) {
          try {
            insert(batch.events, at);
            written++;
          } catch (error) {
            errors.push(`event ${String(batch.events[at])}: ${(error as Error).message}`);
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
