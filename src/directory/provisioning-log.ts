import type { ProvisioningEventFilter, Store } from '../store/store.ts';
import type { ProvisioningEvent } from './model.ts';

export interface ProvisioningLogOptions {
  /** Events are written in batches at most this far apart. */
  readonly flushIntervalMs?: number;
  /** A batch is written at once when it reaches this size. */
  readonly batchSize?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Records one event per SCIM request. Writes are batched off the request path so logging costs
 * a SCIM read almost nothing; an event reaches the database within `flushIntervalMs`, and
 * `close()` writes what is pending. A crash can lose at most that interval of log entries,
 * never a directory write.
 */
export function createProvisioningLog(store: Store, options: ProvisioningLogOptions = {}) {
  const flushIntervalMs = options.flushIntervalMs ?? 200;
  const batchSize = options.batchSize ?? 500;
  let pending: ProvisioningEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  /** One bad event must not cost the batch: on failure, each event is written on its own. */
  async function write(batch: ProvisioningEvent[]): Promise<void> {
    try {
      await store.events.insertMany(batch);
    } catch {
      for (const event of batch) {
        await store.events.insertMany([event]).catch((error: unknown) => options.onError?.(error));
      }
    }
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending.length === 0) return writing;
    const batch = pending;
    pending = [];
    writing = writing.then(() => write(batch));
    return writing;
  }

  return {
    record(event: ProvisioningEvent): void {
      pending.push(event);
      if (pending.length >= batchSize) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), flushIntervalMs);
        timer.unref();
      }
    },
    flush,
    /** Newest first; pending events are flushed first so a reader sees its own requests. */
    async list(filter: ProvisioningEventFilter): Promise<ProvisioningEvent[]> {
      await flush();
      return store.events.list(filter);
    },
    /** One event of the account, with its redacted bodies. */
    async get(accountId: string, id: string): Promise<ProvisioningEvent | undefined> {
      await flush();
      return store.events.findById(accountId, id);
    },
    close: flush,
  };
}

export type ProvisioningLog = ReturnType<typeof createProvisioningLog>;
