/**
 * A reader thread for costly SQLite reads (filters that scan, deep offsets): its own read-only
 * connection to the directory's file (WAL lets it read the last commit while the main thread
 * writes), so a scan never holds the main thread's event loop.
 *
 * A read has a deadline. SQLite cannot be interrupted from another thread through better-sqlite3,
 * so costly statements call `roster_deadline()` on every row they consider; past the deadline it
 * throws, which ends the statement at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { configureSqliteConnection } from '../sqlite-connection.ts';

export interface ReadRequest {
  readonly ticket: number;
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /** `Date.now()` past which the statement is abandoned. */
  readonly deadline: number;
}

export type ReadReply =
  | { readonly ticket: number; readonly ok: true; readonly rows: unknown[] }
  | {
      readonly ticket: number;
      readonly ok: false;
      readonly overBudget: boolean;
      readonly message: string;
    };

/** Rows between two looks at the clock: a few microseconds of work each. */
const CHECK_EVERY = 256;
const OVER_BUDGET = 'roster: read budget exceeded';

const { filename, cacheKib } = workerData as { filename: string; cacheKib: number };
const port = parentPort;
if (port === null) throw new Error('sqlite-reader-thread.ts runs as a worker thread only');

const db = new SqliteDatabase(filename, { readonly: true, fileMustExist: true });
configureSqliteConnection(db, { cacheKib });
let deadline = Number.POSITIVE_INFINITY;
let calls = 0;
db.function('roster_deadline', { deterministic: false }, () => {
  if (++calls % CHECK_EVERY === 0 && Date.now() > deadline) throw new Error(OVER_BUDGET);
  return 1;
});
const statements = new Map<string, SqliteDatabase.Statement>();

port.on('message', (request: ReadRequest) => {
  deadline = request.deadline;
  calls = 0;
  let reply: ReadReply;
  try {
    let statement = statements.get(request.sql);
    if (statement === undefined) {
      if (statements.size >= 200) statements.clear();
      statement = db.prepare(request.sql);
      statements.set(request.sql, statement);
    }
    reply = { ticket: request.ticket, ok: true, rows: statement.all(...request.parameters) };
  } catch (error) {
    const message = (error as Error).message;
    reply = {
      ticket: request.ticket,
      ok: false,
      overBudget: message.includes(OVER_BUDGET) || Date.now() > deadline,
      message,
    };
  }
  port.postMessage(reply);
});
