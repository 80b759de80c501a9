/**
 * The SQLite provisioning log's writer thread: owns the log file's write connection and writes
 * each batch the main thread posts, in the order posted, answering every message with its
 * ticket. SQLite's work (and its fsyncs) never runs on the main thread's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { configureLogConnection } from './sqlite-log-schema.ts';
import { createLogWriter, type FlatBatch } from './sqlite-log-writer.ts';

export type ThreadCommand =
  | { readonly kind: 'write'; readonly batch: FlatBatch }
  | { readonly kind: 'prune'; readonly before: string }
  | { readonly kind: 'close' };

/** A command and the ticket its reply carries. */
export type ThreadRequest = ThreadCommand & { readonly ticket: number };

export interface ThreadReply {
  readonly ticket: number;
  /** Events written (write), events removed (prune). */
  readonly count: number;
  readonly errors: readonly string[];
}

const { filename } = workerData as { filename: string };
const port = parentPort;
if (port === null) throw new Error('sqlite-log-thread.ts runs as a worker thread only');

const db = new SqliteDatabase(filename);
configureLogConnection(db);
const writer = createLogWriter(db);

port.on('message', (request: ThreadRequest) => {
  let reply: ThreadReply;
  try {
    if (request.kind === 'write') {
      const { written, errors } = writer.write(request.batch);
      reply = { ticket: request.ticket, count: written, errors };
    } else if (request.kind === 'prune') {
      reply = { ticket: request.ticket, count: writer.prune(request.before), errors: [] };
    } else {
      db.close();
      reply = { ticket: request.ticket, count: 0, errors: [] };
      port.postMessage(reply);
      port.close();
      return;
    }
  } catch (error) {
    reply = { ticket: request.ticket, count: 0, errors: [(error as Error).message] };
  }
  port.postMessage(reply);
});
