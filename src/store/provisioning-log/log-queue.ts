/**
 * The provisioning log's queue, shared by both stores: `append` only pushes onto an array (the
 * whole cost a request pays); batches leave every `flushIntervalMs`, or at once when
 * `batchSize` events are waiting, through the store's `write`, which runs batches in the order
 * given. A backlog past `maxBacklog` (a writer that cannot keep up) drops events instead of
 * growing without bound, and says so through `onError`.
 */
import type { ProvisioningEvent } from '../../directory/model.ts';
import type { AuthFailureCount } from '../store.ts';

/** What leaves the queue at once. */
export interface LogBatch {
  readonly events: readonly ProvisioningEvent[];
  readonly failures: readonly AuthFailureCount[];
}

export interface LogQueueOptions {
  /** Longest an event waits before its batch leaves. */
  readonly flushIntervalMs: number;
  readonly batchSize: number;
  readonly maxBacklog: number;
  /** Writes one batch; batches complete in the order they were given. */
  readonly write: (batch: LogBatch) => Promise<void>;
  readonly onError: (error: unknown) => void;
}

export interface LogQueue {
  append(event: ProvisioningEvent): void;
  appendAuthFailures(counts: readonly AuthFailureCount[]): void;
  flush(): Promise<void>;
  backlog(): number;
}

export function createLogQueue(options: LogQueueOptions): LogQueue {
  let events: ProvisioningEvent[] = [];
  let failures: AuthFailureCount[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  let last: Promise<void> = Promise.resolve();
  let dropped = 0;

  function send(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (events.length === 0 && failures.length === 0) return last;
    const batch: LogBatch = { events, failures };
    events = [];
    failures = [];
    const size = batch.events.length;
    inFlight += size;
    const written = options.write(batch).then(
      () => {
        inFlight -= size;
      },
      (error: unknown) => {
        inFlight -= size;
        options.onError(error);
      },
    );
    last = written;
    return written;
  }

  function schedule(): void {
    if (events.length >= options.batchSize) void send();
    else if (timer === undefined) {
      timer = setTimeout(() => void send(), options.flushIntervalMs);
      timer.unref();
    }
  }

  return {
    append(event) {
      if (inFlight + events.length >= options.maxBacklog) {
        if (dropped++ === 0) {
          options.onError(
            new Error(
              `provisioning log backlog above ${options.maxBacklog} events: dropping events until the writer catches up`,
            ),
          );
        }
        return;
      }
      if (dropped > 0) {
        options.onError(new Error(`provisioning log dropped ${dropped} events (writer backlog)`));
        dropped = 0;
      }
      events.push(event);
      schedule();
    },
    appendAuthFailures(counts) {
      for (const count of counts) failures.push(count);
      schedule();
    },
    flush: send,
    backlog: () => inFlight + events.length,
  };
}
