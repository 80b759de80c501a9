/**
 * Who may run a costly read, and when (docs/security.md, "Tenant isolation and cost budgets"):
 * - at most `slots` run at once (a reader thread each on SQLite, a connection of the costly pool
 *   on PostgreSQL), so costly reads never take what cheap requests need;
 * - at most `perAccount` of one account's run at once, fewer than `slots`, so an account that
 *   floods costly reads leaves a slot to the others; its other reads wait their turn, and
 *   accounts take turns (round robin), not arrival order;
 * - a read that cannot start within the budget is refused (busy, 503), as is one arriving while
 *   `maxWaiting` of its account's already wait; one that runs past the budget is stopped by its
 *   runner (the deadline handed to `work`).
 */
import { ReadBudgetError } from '../errors.ts';

export interface AdmissionOptions {
  readonly slots: number;
  readonly perAccount: number;
  readonly budgetMs: number;
  /** Reads of one account that may wait at once. */
  readonly maxWaiting?: number;
  readonly now?: () => number;
}

interface Waiter {
  readonly start: () => void;
  readonly timer: NodeJS.Timeout;
}

interface AccountQueue {
  running: number;
  /** When the account's last read started (a turn number; 0: never). */
  lastTurn: number;
  readonly waiting: Waiter[];
}

export interface Admission {
  /** Runs `work` once admitted; `deadline` is when it must give up (a `Date.now()` value). */
  run<T>(accountId: string, work: (deadline: number) => Promise<T>): Promise<T>;
}

export function createAdmission(options: AdmissionOptions): Admission {
  const { slots, budgetMs } = options;
  const perAccount = Math.max(1, Math.min(options.perAccount, slots));
  const maxWaiting = options.maxWaiting ?? 64;
  const now = options.now ?? Date.now;
  /** Accounts with reads running or waiting. */
  const accounts = new Map<string, AccountQueue>();
  let running = 0;
  let turns = 0;
  const busy = () => new ReadBudgetError('busy', budgetMs, Math.max(1, Math.ceil(budgetMs / 1000)));

  const forget = (accountId: string, queue: AccountQueue) => {
    if (queue.running === 0 && queue.waiting.length === 0) accounts.delete(accountId);
  };

  /** Starts waiting reads while slots are free: the account whose last turn is oldest first. */
  function startNext(): void {
    while (running < slots) {
      let chosen: AccountQueue | undefined;
      for (const queue of accounts.values()) {
        if (queue.running >= perAccount || queue.waiting.length === 0) continue;
        if (chosen === undefined || queue.lastTurn < chosen.lastTurn) chosen = queue;
      }
      if (chosen === undefined) return;
      const next = chosen.waiting.shift() as Waiter;
      clearTimeout(next.timer);
      next.start();
    }
  }

  return {
    run<T>(accountId: string, work: (deadline: number) => Promise<T>): Promise<T> {
      let queue = accounts.get(accountId);
      if (queue === undefined) {
        queue = { running: 0, lastTurn: 0, waiting: [] };
        accounts.set(accountId, queue);
      }
      const own = queue;
      if (own.waiting.length >= maxWaiting) return Promise.reject(busy());
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          running++;
          own.running++;
          own.lastTurn = ++turns;
          work(now() + budgetMs)
            .then(resolve, reject)
            .finally(() => {
              running--;
              own.running--;
              forget(accountId, own);
              startNext();
            });
        };
        if (running < slots && own.running < perAccount) {
          start();
          return;
        }
        const timer = setTimeout(() => {
          const at = own.waiting.findIndex((w) => w.timer === timer);
          if (at >= 0) own.waiting.splice(at, 1);
          forget(accountId, own);
          reject(busy());
        }, budgetMs);
        own.waiting.push({ start, timer });
      });
    },
  };
}
