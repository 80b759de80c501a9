/**
 * The SQLite provisioning log: its own database file beside the directory's (`roster.db` →
 * `roster-log.db`), so logging never contends with directory writes for SQLite's one writer.
 *
 * - Requests only queue their event (`log-queue.ts`). A batch leaves every 100 ms, or at once
 *   at 256 events, for the writer thread (`sqlite-log-thread.ts`), which writes it in one
 *   transaction. Nothing of this runs on the event loop but the queueing and a postMessage.
 * - On shutdown `close()` writes what is queued, then stops the thread.
 * - On a crash (SIGKILL, OOM) the events still queued or in flight are lost: at most the last
 *   `flushIntervalMs` (100 ms) of requests plus the batch being written. Committed batches
 *   survive (WAL, `synchronous=NORMAL`: a power failure may also lose the last commits). The
 *   directory's own writes are in the other file and are never at risk.
 * - Reads (the admin API, the console) use a connection of their own on the main thread: they
 *   page through indexes, newest first, a page at a time.
 * - `:memory:` databases (tests) keep their log in memory and write it inline.
 */
import { basename, dirname, extname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { authFailureStore } from '../sql/auth-failures.ts';
import type { Database } from '../sql/database.ts';
import { sqliteQuirks } from '../sql/dialect-quirks.ts';
import { provisioningEventStore } from '../sql/provisioning-events.ts';
import { siblingModule, startThread } from '../start-thread.ts';
import type { ProvisioningLogStore } from '../store.ts';
import { createLogQueue, type LogBatch } from './log-queue.ts';
import {
  configureLogConnection,
  LEGACY_EVENT_COLUMNS,
  migrateLogSchema,
} from './sqlite-log-schema.ts';
import type { ThreadCommand, ThreadReply, ThreadRequest } from './sqlite-log-thread.ts';
import { createLogWriter, flattenEvents } from './sqlite-log-writer.ts';

export interface SqliteLogOptions {
  /** The log's own file, or ':memory:'. */
  readonly filename: string;
  readonly flushIntervalMs?: number | undefined;
  readonly batchSize?: number | undefined;
  readonly maxBacklog?: number | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** `data/roster.db` → `data/roster-log.db`. */
export function logFilenameFor(filename: string): string {
  if (filename === ':memory:' || filename === '') return ':memory:';
  const extension = extname(filename);
  return join(dirname(filename), `${basename(filename, extension)}-log${extension || '.db'}`);
}

export interface SqliteLog extends ProvisioningLogStore {
  /**
   * Moves events that an older Roster kept in the directory's file into the log's file, then
   * drops the old table. Idempotent: a copy interrupted by a crash is completed on the next start.
   */
  adoptLegacyEvents(main: SqliteDatabase.Database): void;
}

export function createSqliteLog(options: SqliteLogOptions): SqliteLog {
  const { filename } = options;
  const onError = options.onError ?? (() => {});
  const reader = new SqliteDatabase(filename);
  if (filename !== ':memory:') configureLogConnection(reader);
  migrateLogSchema(reader);
  const ctx = {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: reader }) }),
    quirks: sqliteQuirks,
  };
  const events = provisioningEventStore(ctx);
  const failures = authFailureStore(ctx);

  // The writer: a thread for a file, inline for a memory database (no other connection sees it).
  let thread: Worker | undefined;
  let nextTicket = 0;
  const waiting = new Map<number, (reply: ThreadReply) => void>();
  let threadFailure: Error | undefined;

  function ensureThread(): Worker {
    if (thread !== undefined) return thread;
    const started = startThread(siblingModule('sqlite-log-thread', import.meta.url), { filename });
    started.on('message', (reply: ThreadReply) => {
      const resolve = waiting.get(reply.ticket);
      waiting.delete(reply.ticket);
      if (waiting.size === 0) started.unref();
      resolve?.(reply);
    });
    started.on('error', (error) => {
      threadFailure = error;
      onError(error);
    });
    started.on('exit', () => {
      thread = undefined;
      for (const [ticket, resolve] of waiting) {
        resolve({ ticket, count: 0, errors: ['the provisioning log writer stopped'] });
      }
      waiting.clear();
    });
    // An idle thread never keeps the process alive (close() ends it in order); one with work
    // outstanding does, so nothing waiting for it is dropped by an emptied event loop.
    started.unref();
    thread = started;
    return started;
  }

  function ask(command: ThreadCommand): Promise<ThreadReply> {
    const worker = ensureThread();
    const ticket = nextTicket++;
    return new Promise((resolve) => {
      if (waiting.size === 0) worker.ref();
      waiting.set(ticket, resolve);
      const request: ThreadRequest = { ...command, ticket };
      worker.postMessage(request);
    });
  }

  const inline = filename === ':memory:' ? createLogWriter(reader) : undefined;

  async function write(batch: LogBatch): Promise<void> {
    const flat = { events: flattenEvents(batch.events), failures: batch.failures };
    const { errors } = inline ? inline.write(flat) : await ask({ kind: 'write', batch: flat });
    if (errors.length > 0) onError(new Error(`provisioning log: ${errors.join('; ')}`));
    if (threadFailure) throw threadFailure;
  }

  const queue = createLogQueue({
    flushIntervalMs: options.flushIntervalMs ?? 100,
    batchSize: options.batchSize ?? 256,
    maxBacklog: options.maxBacklog ?? 100_000,
    write,
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
      if (inline) return inline.prune(before);
      const reply = await ask({ kind: 'prune', before });
      if (reply.errors.length > 0) throw new Error(reply.errors.join('; '));
      return reply.count;
    },
    adoptLegacyEvents(main) {
      const hasLegacy = () =>
        main
          .prepare(
            "select 1 from sqlite_master where type = 'table' and name = 'provisioning_events'",
          )
          .get() !== undefined;
      if (!hasLegacy()) return;
      if (filename === ':memory:') {
        main.exec('drop table if exists provisioning_events');
        return;
      }
      const columns = LEGACY_EVENT_COLUMNS.join(', ');
      // ATTACH cannot run inside a transaction; the copy and the drop then run in one immediate
      // transaction, so of several instances starting at once exactly one moves the rows.
      main.prepare('attach database ? as roster_log').run(filename);
      try {
        main
          .transaction(() => {
            if (!hasLegacy()) return;
            main.exec(
              `insert or ignore into roster_log.provisioning_events (${columns})
                 select ${columns} from main.provisioning_events order by seq`,
            );
            main.exec('drop table main.provisioning_events');
          })
          .immediate();
      } finally {
        main.exec('detach database roster_log');
      }
    },
    async close() {
      await queue.flush();
      if (thread !== undefined) await ask({ kind: 'close' });
      await ctx.db.destroy();
    },
  };
}
