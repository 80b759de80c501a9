/**
 * Group commit for SQLite. SQLite runs one write transaction at a time, and each COMMIT writes
 * every page it touched to the WAL (about ten per SCIM create: the row, six indexes, the element
 * rows). Transactions that queue up while one runs are therefore run together: each inside its
 * own SAVEPOINT of one shared transaction, so a failing one rolls back alone, and all of them
 * settle only after the shared COMMIT, so no caller is told of a write that is not committed.
 * Under one client at a time this is exactly one transaction per call, as before.
 *
 * The events the jobs append (the outbox, events.ts) wait in the batch until its last job has
 * run, then go in together, just before the COMMIT: one counter update per account and one
 * multi-row INSERT carry the whole batch's events, where each change used to run both
 * statements of its own. They still commit with their changes or not at all: a job that fails
 * drops what it appended with its savepoint, and if writing them fails, the whole batch fails.
 */
import type { Kysely } from 'kysely';
import type { StoreSession } from '../store.ts';
import { execute, type RunNow } from './context.ts';
import type { Database } from './database.ts';
import type { EventRowDraft } from './events.ts';

/** Most transactions one COMMIT carries; bounds how long a batch holds the connection. */
const MAX_BATCH = 64;

interface Job {
  readonly work: (session: StoreSession) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

export function groupCommit(
  db: Kysely<Database>,
  sessionFor: (trx: Kysely<Database>, batchEvents: EventRowDraft[]) => StoreSession,
  writeEvents: (trx: Kysely<Database>, events: readonly EventRowDraft[]) => Promise<void>,
  runNow?: RunNow,
) {
  const queue: Job[] = [];
  let draining = false;
  const statement = (trx: Kysely<Database>, text: string) =>
    execute({ db: trx, runNow }, { sql: text, parameters: [] });

  async function runBatch(batch: readonly Job[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        const events: EventRowDraft[] = [];
        const session = sessionFor(trx, events);
        for (const job of batch) {
          const appended = events.length;
          await statement(trx, 'savepoint roster_job');
          try {
            const value = await job.work(session);
            await statement(trx, 'release roster_job');
            outcomes.push({ ok: true, value });
          } catch (error) {
            await statement(trx, 'rollback to roster_job');
            await statement(trx, 'release roster_job');
            events.length = appended;
            outcomes.push({ ok: false, error });
          }
        }
        if (events.length > 0) await writeEvents(trx, events);
      });
    } catch (error) {
      // The shared COMMIT (or a savepoint statement) failed: nothing of the batch is committed.
      for (const job of batch) job.reject(error);
      return;
    }
    batch.forEach((job, index) => {
      const outcome = outcomes[index] as Outcome;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) await runBatch(queue.splice(0, MAX_BATCH));
    } finally {
      draining = false;
    }
  }

  return function transaction<T>(work: (session: StoreSession) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (draining) return;
      // The first batch starts on the next turn of the event loop, not now: better-sqlite3 runs
      // a whole batch, COMMIT and its fsync included, without yielding, so starting at once
      // would commit this one transaction before the requests already read from other sockets
      // in this turn get to queue theirs: one fsync per write under HTTP load.
      draining = true;
      setImmediate(() => void drain());
    });
  };
}
