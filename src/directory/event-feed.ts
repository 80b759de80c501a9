/**
 * Reading an account's event feed (issue 11; docs/events.md): pages in sequence order after a
 * cursor, optionally long-polling for the next events. The cursor is the last sequence read, as
 * text; `next` is always given, so a poller that got nothing asks again from the same place.
 *
 * Before every read the sequencer runs (`settle`), so a change this instance acknowledged is in
 * the feed read after it. A waiting read wakes when this instance sequences events of the
 * account, and otherwise looks again on the sequencer's tick (other instances' commits).
 */
import type { Store } from '../store/store.ts';
import { DirectoryError } from './errors.ts';
import type { EventSequencer } from './event-sequencer.ts';
import type { DirectoryEvent } from './model.ts';

export const MAX_FEED_LIMIT = 1000;
export const MAX_FEED_WAIT_SECONDS = 60;

export interface FeedRequest {
  /**
   * The last sequence read. Undefined: from the oldest event still kept; 'latest': from now on
   * (only events after the call).
   */
  readonly after?: number | 'latest' | undefined;
  readonly types?: readonly string[] | undefined;
  readonly limit: number;
  /** Long-poll: wait up to this long for a first matching event. */
  readonly waitMs?: number | undefined;
  /** Ends a wait early (server shutdown, client gone): answers what there is. */
  readonly signal?: AbortSignal | undefined;
}

export interface FeedPage {
  readonly items: DirectoryEvent[];
  /** The cursor to pass as `after` next. */
  readonly next: string;
}

/** How often a waiting read looks again without a wake-up (commits of other instances). */
const RECHECK_MS = 250;

export function createEventFeed({
  store,
  sequencer,
  recheckMs = RECHECK_MS,
}: {
  store: Store;
  sequencer: EventSequencer;
  recheckMs?: number;
}) {
  /** The sequence to read after, checked against what the account has and still keeps. */
  async function start(accountId: string, after: FeedRequest['after']): Promise<number> {
    const latest = await store.events.latestSequence(accountId);
    if (after === 'latest') return latest;
    const oldest = await store.events.oldestRetained(accountId);
    if (after === undefined) return oldest === undefined ? latest : oldest - 1;
    if (after > latest) {
      throw new DirectoryError(
        'event.cursor_unknown',
        `the cursor ${after} is beyond this account's last event (${latest}); pass a 'next' ` +
          'this feed returned',
      );
    }
    // Events after the cursor were deleted by retention: the reader missed them.
    if (oldest !== undefined && after + 1 < oldest) {
      throw new DirectoryError(
        'event.cursor_expired',
        `events after ${after} are past the retention period (the oldest kept is ${oldest}); ` +
          'resynchronise (list users and groups), then read the feed from after=latest',
      );
    }
    return after;
  }

  /** Aborted by `close`: every wait ends at once (server shutdown). */
  const closing = new AbortController();

  /** Resolves on a wake-up for the account, a recheck tick, the deadline or a signal. */
  function pause(accountId: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', done);
        closing.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, recheckMs)));
      const unsubscribe = sequencer.subscribe(accountId, done);
      signal?.addEventListener('abort', done, { once: true });
      closing.signal.addEventListener('abort', done, { once: true });
    });
  }

  return {
    async read(accountId: string, request: FeedRequest): Promise<FeedPage> {
      await sequencer.settle();
      const after = await start(accountId, request.after);
      const deadline = Date.now() + (request.waitMs ?? 0);
      for (;;) {
        // Read before the page: every event up to it is visible to the page's read, so a
        // filtered read that finds nothing may move the cursor there without skipping a match.
        const latest = request.types ? await store.events.latestSequence(accountId) : after;
        const items = await store.events.listAfter(accountId, after, {
          types: request.types,
          limit: request.limit,
        });
        if (items.length > 0) {
          return { items, next: String(items.at(-1)?.sequence ?? after) };
        }
        const left = deadline - Date.now();
        if (left <= 0 || request.signal?.aborted || closing.signal.aborted) {
          // Filtered reads skip past events of other types, so polling does not re-scan them.
          return { items, next: String(Math.max(after, latest)) };
        }
        await pause(accountId, left, request.signal);
      }
    },

    /** Ends every wait now, and every later one at once (shutdown). */
    close(): void {
      closing.abort();
    },
  };
}

export type EventFeed = ReturnType<typeof createEventFeed>;

/**
 * An event as the feed shows it (`GET /accounts/{id}/events`) and as a webhook payload's `data`.
 */
export function feedItem(event: DirectoryEvent) {
  return {
    id: event.id,
    type: event.type,
    accountId: event.accountId,
    sequence: event.sequence,
    occurredAt: event.occurredAt,
    actor: event.actor,
    subject: event.subject,
    data: event.data,
  };
}
