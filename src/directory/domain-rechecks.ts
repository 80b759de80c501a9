/**
 * The periodic re-check of pending domains: one pass right away, then one pass every interval,
 * never two at once. `serve` starts it and stops it on shutdown; tests drive it with their own
 * timer and clock. Several instances may run it on one database: checks are idempotent and
 * their results are written compare-and-set (see domains.ts).
 */
import type { Domains, RecheckSummary } from './domains.ts';

/** setTimeout/clearTimeout, injectable so tests decide when a pass runs. */
export interface RecheckTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimer: RecheckTimer = {
  set(callback, ms) {
    const handle = setTimeout(callback, ms);
    // The re-check alone never keeps the process alive.
    handle.unref();
    return handle;
  },
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface DomainRechecks {
  /** Stops scheduling passes, ends the one in progress after its current lookups, and waits. */
  stop(): Promise<void>;
}

export function startDomainRechecks({
  domains,
  intervalMs,
  onError,
  onPass,
  timer = realTimer,
}: {
  domains: Pick<Domains, 'recheckPending'>;
  intervalMs: number;
  /** A pass failed (the database was unreachable...); the next pass runs as scheduled. */
  onError: (error: unknown) => void;
  onPass?: (summary: RecheckSummary) => void;
  timer?: RecheckTimer;
}): DomainRechecks {
  let stopped = false;
  let handle: unknown;
  let running: Promise<void> | undefined;
  const abort = new AbortController();

  const pass = async () => {
    try {
      const summary = await domains.recheckPending({ signal: abort.signal });
      onPass?.(summary);
    } catch (error) {
      onError(error);
    }
  };
  const run = () => {
    handle = undefined;
    if (stopped) return;
    running = pass().finally(() => {
      running = undefined;
      if (!stopped) handle = timer.set(run, intervalMs);
    });
  };
  handle = timer.set(run, 0);

  return {
    async stop() {
      stopped = true;
      abort.abort();
      if (handle !== undefined) timer.clear(handle);
      handle = undefined;
      await running;
    },
  };
}
