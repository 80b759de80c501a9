/**
 * Costly SQLite reads on reader threads (`sqlite-reader-thread.ts`), one read per thread at a
 * time, admitted by `admission.ts`. The main thread only compiles the statement and receives
 * the rows; SQLite's scan runs elsewhere, so the event loop keeps answering everyone else.
 */
import type { Worker } from 'node:worker_threads';
import { ReadBudgetError } from '../errors.ts';
import { compile, sql } from '../sql/sql-fragment.ts';
import { siblingModule, startThread } from '../start-thread.ts';
import { createAdmission } from './admission.ts';
import type { CostlyReads, CostlyRun } from './costly-reads.ts';
import type { ReadReply, ReadRequest } from './sqlite-reader-thread.ts';

/** How long past its deadline a thread may stay silent before it is replaced. */
const GRACE_MS = 1000;

export interface SqliteReadersOptions {
  readonly filename: string;
  readonly threads: number;
  readonly perAccount: number;
  readonly budgetMs: number;
  /** Page cache of each reader's connection, KiB. */
  readonly cacheKib: number;
}

interface Reader {
  worker: Worker;
  readonly waiting: Map<number, (reply: ReadReply) => void>;
}

export function createSqliteReaders(options: SqliteReadersOptions): CostlyReads {
  const { budgetMs } = options;
  const admission = createAdmission({
    slots: options.threads,
    perAccount: options.perAccount,
    budgetMs,
  });
  const idle: Reader[] = [];
  const all = new Set<Reader>();
  let nextTicket = 0;

  function spawn(): Reader {
    const worker = startThread(siblingModule('sqlite-reader-thread', import.meta.url), {
      filename: options.filename,
      cacheKib: options.cacheKib,
    });
    const reader: Reader = { worker, waiting: new Map() };
    worker.on('message', (reply: ReadReply) => {
      const resolve = reader.waiting.get(reply.ticket);
      reader.waiting.delete(reply.ticket);
      if (reader.waiting.size === 0) worker.unref();
      resolve?.(reply);
    });
    const fail = (message: string) => {
      for (const [ticket, resolve] of reader.waiting) {
        resolve({ ticket, ok: false, overBudget: false, message });
      }
      reader.waiting.clear();
      all.delete(reader);
    };
    worker.on('error', (error) => fail(`reader thread failed: ${error.message}`));
    worker.on('exit', () => fail('reader thread stopped'));
    worker.unref();
    all.add(reader);
    return reader;
  }

  /** Asks the reader; a reader silent past the deadline is replaced, its scan abandoned. */
  function ask(reader: Reader, sqlText: string, parameters: readonly unknown[], deadline: number) {
    const ticket = nextTicket++;
    return new Promise<ReadReply>((resolve) => {
      const timer = setTimeout(
        () => {
          reader.waiting.delete(ticket);
          all.delete(reader);
          void reader.worker.terminate();
          resolve({ ticket, ok: false, overBudget: true, message: 'reader thread did not answer' });
        },
        Math.max(0, deadline - Date.now()) + GRACE_MS,
      );
      if (reader.waiting.size === 0) reader.worker.ref();
      reader.waiting.set(ticket, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      const request: ReadRequest = { ticket, sql: sqlText, parameters, deadline };
      reader.worker.postMessage(request);
    });
  }

  return {
    guard: sql`roster_deadline()`,
    read(accountId, work) {
      return admission.run(accountId, async (deadline) => {
        const reader = idle.pop() ?? spawn();
        let healthy = true;
        const run: CostlyRun = async <R>(fragment: Parameters<CostlyRun>[0]) => {
          const query = compile(fragment, 'sqlite');
          const reply = await ask(reader, query.sql, query.parameters, deadline);
          if (reply.ok) return reply.rows as R[];
          if (!all.has(reader)) healthy = false;
          if (reply.overBudget) throw new ReadBudgetError('overBudget', budgetMs, 1);
          throw new Error(`costly read failed: ${reply.message}`);
        };
        try {
          return await work(run);
        } finally {
          if (healthy && all.has(reader)) idle.push(reader);
        }
      });
    },
    async close() {
      await Promise.all([...all].map((reader) => reader.worker.terminate()));
      all.clear();
      idle.length = 0;
    },
  };
}
