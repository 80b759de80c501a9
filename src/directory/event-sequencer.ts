/**
 * Runs the store's sequencer (`EventStore.sequencePending`): right after a change that emitted
 * events commits (`committed`), before a feed read (`settle`), and on a tick, which picks up what
 * other instances committed. On SQLite a change numbers its own events (sql/events.ts), so a
 * commit only wakes the listeners, and the sequencer runs for events appended outside a
 * transaction. Runs never overlap in one instance: triggers that arrive while one
 * runs are coalesced into the single run that follows it, so a burst of commits costs a run or
 * two, not one per request.
 *
 * Why sequences are not given inside the change's transaction: PostgreSQL transactions can
 * commit in another order than they took numbers, so a reader paging `after=<sequence>` could
 * pass a lower number that commits later and never see it. Rows committed unsequenced and
 * numbered afterwards, under one lock, only ever get numbers above every number already visible.
 */
import type { Store } from '../store/store.ts';

/** Pending events numbered per store call. */
const BATCH = 1000;

export interface EventSequencer {
  /** Sequences soon (after a commit); never waits, never fails the caller. */
  nudge(): void;
  /**
   * A transaction of this instance committed events of these accounts: sequences them soon
   * (`nudge`), or, where the store numbers events as they are appended, tells the listeners at
   * once.
   */
  committed(accountIds: ReadonlySet<string>): void;
  /**
   * Resolves once everything committed before the call is sequenced (by this instance, or by
   * another one that held the lock: then this waits for it).
   */
  settle(): Promise<void>;
  /** Calls `listener` after a run of this instance sequenced events of `accountId`. */
  subscribe(accountId: string, listener: () => void): () => void;
  /**
   * Calls `listener` after every run of this instance that sequenced events, of any account
   * (the webhook delivery engine wakes on it).
   */
  onSequenced(listener: (accountIds: readonly string[]) => void): () => void;
  /** Starts the tick (`intervalMs`). */
  start(): void;
  /** Stops the tick and waits for a running pass. */
  stop(): Promise<void>;
}

export function createEventSequencer({
  store,
  intervalMs = 250,
  onError = () => {},
}: {
  store: Store;
  intervalMs?: number;
  onError?: (error: unknown) => void;
}): EventSequencer {
  const listeners = new Map<string, Set<() => void>>();
  const everyRun = new Set<(accountIds: readonly string[]) => void>();
  let current: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  /** Whether the next run must wait for the lock (a reader is waiting on it). */
  let nextWaits = false;
  let timer: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;

  function notify(accountIds: readonly string[]): void {
    for (const listener of everyRun) listener(accountIds);
    for (const accountId of accountIds) {
      for (const listener of listeners.get(accountId) ?? []) listener();
    }
  }

  async function pass(wait: boolean): Promise<void> {
    for (;;) {
      const batch = await store.events.sequencePending(BATCH, { wait });
      if (batch.busy) {
        // Another instance is sequencing and may have read its work list before our commit:
        // look again shortly rather than a whole tick later.
        if (retry === undefined && !stopped) {
          retry = setTimeout(() => {
            retry = undefined;
            nudge();
          }, 20);
          retry.unref();
        }
        return;
      }
      if (batch.count > 0) notify(batch.accountIds);
      if (batch.count < BATCH) return;
    }
  }

  function run(wait: boolean): Promise<void> {
    if (current === undefined) {
      current = pass(wait).finally(() => {
        current = undefined;
      });
      return current;
    }
    nextWaits ||= wait;
    next ??= current
      .catch(() => {})
      .then(() => {
        next = undefined;
        const waits = nextWaits;
        nextWaits = false;
        return run(waits);
      });
    return next;
  }

  function nudge(): void {
    run(false).catch(onError);
  }

  return {
    nudge,
    committed(accountIds) {
      if (!store.events.sequencesOnAppend) nudge();
      else if (!stopped) notify([...accountIds]);
    },
    settle: () => run(true),
    subscribe(accountId, listener) {
      let set = listeners.get(accountId);
      if (set === undefined) {
        set = new Set();
        listeners.set(accountId, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(accountId);
      };
    },
    onSequenced(listener) {
      everyRun.add(listener);
      return () => everyRun.delete(listener);
    },
    start() {
      if (timer !== undefined || stopped) return;
      timer = setInterval(nudge, intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(retry);
      timer = undefined;
      await Promise.allSettled([current, next]);
    },
  };
}
