/**
 * The webhook delivery engine (issue 11; docs/webhooks.md).
 *
 * - At least once, in order per endpoint: an endpoint has one event in flight at a time, and
 *   its cursor (the account's event sequence delivered last) moves only after a 2xx. A crash
 *   between the receiver's 2xx and the cursor's write sends that event again: receivers
 *   deduplicate by `webhook-id`, the event's id, the same on every attempt.
 * - Endpoints in parallel: up to `concurrency` endpoints are worked on at once, each request
 *   with a time limit, so a slow or dead endpoint holds one slot for at most that long and
 *   never delays other endpoints or accounts.
 * - Leases: an instance claims due endpoints (`WebhookStore.claimDue`: on PostgreSQL
 *   `FOR UPDATE SKIP LOCKED`), renews the lease with every write, and writes an attempt's
 *   outcome only while it still holds the lease. Several instances then deliver each event once
 *   in normal operation; a crashed instance's leases expire and another instance takes over.
 * - Retries: after a failure the endpoint waits `retryDelayMs(attempts)` (10 s doubling, at
 *   most 4 hours, ±25 % jitter) before trying the same event again; after failing without a
 *   break for 3 days it is disabled with the reason in words. Re-enabled, it resumes at its
 *   cursor.
 *
 * Time comes from the directory's clock and jitter from `random`, so tests drive the schedule.
 */
import { hostname } from 'node:os';
import type { Store, WebhookEndpointChanges } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { feedItem } from './event-feed.ts';
import { newId } from './ids.ts';
import type { DirectoryEvent, WebhookDelivery, WebhookEndpoint, WebhookTrigger } from './model.ts';
import type { WebhookOutcome, WebhookResponse, WebhookSender } from './webhook-sender.ts';
import { signedHeaders } from './webhook-signature.ts';

export const FIRST_RETRY_MS = 10_000;
export const MAX_RETRY_MS = 4 * 60 * 60_000;
export const JITTER = 0.25;
export const DISABLE_AFTER_MS = 3 * 24 * 60 * 60_000;

/** Events delivered under one claim before the endpoint is released and claimed again. */
const EVENTS_PER_CLAIM = 100;

/** Events read from the feed at once, then delivered one by one. */
const READ_AHEAD = 50;

/** Acknowledged events whose log entries and cursor are written in one commit. */
const SETTLE_EVERY = 25;

/**
 * The wait before attempt `failures + 1`, after `failures` failures in a row (1 or more):
 * 10 s, 20 s, 40 s … capped at 4 h, each times a random factor in [0.75, 1.25].
 */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1), MAX_RETRY_MS);
  const factor = 1 + (random() * 2 - 1) * JITTER;
  return Math.round(base * factor);
}

/** A message to send: its id (`webhook-id`), type and body. */
export interface WebhookMessage {
  readonly id: string;
  readonly type: string;
  readonly sequence: number | null;
  readonly body: string;
}

/**
 * The Standard Webhooks payload convention: `type`, `timestamp` (when the change happened) and
 * `data`, here the event exactly as the feed shows it.
 */
export function eventMessage(event: DirectoryEvent): WebhookMessage {
  return {
    id: event.id,
    type: event.type,
    sequence: event.sequence,
    body: JSON.stringify({
      type: event.type,
      timestamp: event.occurredAt,
      data: feedItem(event),
    }),
  };
}

export const TEST_EVENT_TYPE = 'webhook.test';

/** The test event: not in the feed, the same envelope, `data` saying what it is. */
export function testMessage(endpoint: WebhookEndpoint, at: string): WebhookMessage {
  const id = `evt_test_${newId()}`;
  return {
    id,
    type: TEST_EVENT_TYPE,
    sequence: null,
    body: JSON.stringify({
      type: TEST_EVENT_TYPE,
      timestamp: at,
      data: {
        id,
        type: TEST_EVENT_TYPE,
        accountId: endpoint.accountId,
        sequence: null,
        occurredAt: at,
        actor: { kind: 'system' },
        subject: `webhook:${endpoint.id}`,
        data: { endpointId: endpoint.id, message: 'a test event sent from Roster' },
      },
    }),
  };
}

/** The last error of an attempt in words: `HTTP 503` or `timeout after 10 s`. */
export function attemptError(response: WebhookResponse): string {
  return response.statusCode !== null
    ? `HTTP ${response.statusCode}`
    : (response.error ?? 'failed');
}

export interface WebhookDeliveryOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly sender: WebhookSender;
  /** Jitter source, [0, 1). */
  readonly random?: () => number;
  /** This instance's name on leases. */
  readonly owner?: string;
  /** Endpoints worked on at once. */
  readonly concurrency?: number;
  /** One request's time limit. */
  readonly timeoutMs?: number;
  /** How long a claim lasts unless renewed; above the request timeout. */
  readonly leaseMs?: number;
  /** How often the engine looks for due work without a wake-up (retries, other instances). */
  readonly tickMs?: number;
  /**
   * How long an endpoint that caught up stays claimed, waiting for its account's next events
   * (woken as they are sequenced), before it is released. Saves a claim and a release (two
   * writes) per event when events trickle in; 0 releases at once.
   */
  readonly lingerMs?: number;
  /** Each attempt's outcome (metrics). */
  readonly onOutcome?: (outcome: WebhookOutcome, delivery: WebhookDelivery) => void;
  /** An endpoint was disabled after failing for 3 days. */
  readonly onDisabled?: (endpoint: WebhookEndpoint, reason: string) => void;
  /** A background pass failed (it is retried on the next tick). */
  readonly onError?: (error: unknown) => void;
}

export function createWebhookDelivery({
  store,
  clock,
  sender,
  random = Math.random,
  owner = `${hostname()}:${process.pid}:${newId().slice(-8)}`,
  concurrency = 16,
  timeoutMs = 10_000,
  leaseMs = 30_000,
  tickMs = 1000,
  lingerMs = 0,
  onOutcome = () => {},
  onDisabled = () => {},
  onError = () => {},
}: WebhookDeliveryOptions) {
  const at = (ms: number) => new Date(Date.parse(clock.now()) + ms).toISOString();
  const observers = new Set<(outcome: WebhookOutcome, delivery: WebhookDelivery) => void>();

  /** Signing secrets now: the current one, and the previous one during its overlap. */
  function secretsOf(endpoint: WebhookEndpoint, now: string): string[] {
    const secrets = [endpoint.secret];
    if (
      endpoint.previousSecret !== null &&
      endpoint.previousSecretExpiresAt !== null &&
      endpoint.previousSecretExpiresAt > now
    ) {
      secrets.push(endpoint.previousSecret);
    }
    return secrets;
  }

  /** Sends `message` to `endpoint` once: the attempt as the delivery log keeps it. */
  async function attempt(
    endpoint: WebhookEndpoint,
    message: WebhookMessage,
    trigger: WebhookTrigger,
    number: number,
  ): Promise<{ delivery: WebhookDelivery; outcome: WebhookOutcome }> {
    const now = clock.now();
    const headers = signedHeaders(
      secretsOf(endpoint, now),
      message.id,
      new Date(now),
      message.body,
    );
    const response = await sender({
      url: endpoint.url,
      headers: { ...headers },
      body: message.body,
      timeoutMs,
    });
    const delivery: WebhookDelivery = {
      id: `whd_${newId()}`,
      endpointId: endpoint.id,
      accountId: endpoint.accountId,
      eventId: message.id,
      eventType: message.type,
      eventSequence: message.sequence,
      attempt: number,
      trigger,
      statusCode: response.statusCode,
      error: response.error,
      latencyMs: Math.max(0, Math.round(response.latencyMs)),
      responseExcerpt: response.excerpt,
      deliveredAt: clock.now(),
      success: response.outcome === 'success',
    };
    return { delivery, outcome: response.outcome };
  }

  function observed(outcome: WebhookOutcome, delivery: WebhookDelivery): void {
    onOutcome(outcome, delivery);
    for (const observer of observers) observer(outcome, delivery);
  }

  /** Sends `message` to `endpoint` once and records the attempt in the delivery log. */
  async function send(
    endpoint: WebhookEndpoint,
    message: WebhookMessage,
    trigger: WebhookTrigger,
    number: number,
  ): Promise<WebhookDelivery> {
    const { delivery, outcome } = await attempt(endpoint, message, trigger, number);
    await store.webhooks.insertDelivery(delivery);
    observed(outcome, delivery);
    return delivery;
  }

  /**
   * Logs automatic attempts and writes their outcome to the endpoint in one transaction (one
   * commit for several events); false when the lease was lost, and then nothing of the endpoint
   * changed.
   */
  async function settle(
    endpointId: string,
    attempts: readonly { delivery: WebhookDelivery; outcome: WebhookOutcome }[],
    changes: WebhookEndpointChanges,
    leaseUntil: string | null,
  ): Promise<boolean> {
    const kept = await store.transaction(async (session) => {
      for (const { delivery } of attempts) await session.webhooks.insertDelivery(delivery);
      return session.webhooks.updateLeased(endpointId, owner, changes, leaseUntil);
    });
    for (const { delivery, outcome } of attempts) observed(outcome, delivery);
    return kept;
  }

  /**
   * Delivers the endpoint's events after its cursor, in order, while it holds the lease: until
   * it is caught up, an attempt fails (then the retry is scheduled), or it delivered its share.
   *
   * Successes are written (the log entries and the cursor) together, every `SETTLE_EVERY`
   * events and whenever the read-ahead runs out: one commit for many events, where a commit
   * per event would bound a receiver to what the disk can sync. A crash before the write sends
   * those events again, which at-least-once allows (receivers deduplicate by webhook-id).
   */
  async function work(claimed: WebhookEndpoint): Promise<void> {
    let delivered = 0;
    /** Events read ahead (in order), and the type filter they were read with. */
    let ahead: DirectoryEvent[] = [];
    let aheadTypes = '';
    /** Acknowledged attempts not written yet, and the sequence of the last of them. */
    let done: { delivery: WebhookDelivery; outcome: WebhookOutcome }[] = [];
    let doneUpTo = 0;
    const flush = async (leaseUntil: string | null): Promise<boolean> => {
      if (done.length === 0) return true;
      const batch = done;
      done = [];
      return settle(
        claimed.id,
        batch,
        { cursor: doneUpTo, attempts: 0, nextAttemptAt: null, failingSince: null, lastError: null },
        leaseUntil,
      );
    };
    /** Writes what is pending and gives the endpoint up, in one transaction. */
    const release = async (changes: WebhookEndpointChanges = {}) => {
      const batch = done;
      done = [];
      const written =
        batch.length > 0
          ? {
              cursor: doneUpTo,
              attempts: 0,
              nextAttemptAt: null,
              failingSince: null,
              lastError: null,
            }
          : {};
      await settle(claimed.id, batch, { ...written, ...changes }, null);
    };
    /** Since when the endpoint has been caught up (lingering), if it is. */
    let idleSince: number | undefined;
    for (;;) {
      // Read again each time: an admin may have disabled, re-pointed or deleted it meanwhile.
      const endpoint = await store.webhooks.findEndpoint(claimed.accountId, claimed.id);
      if (endpoint === undefined || endpoint.leaseOwner !== owner) return;
      if (!endpoint.enabled || stopped) {
        await release();
        return;
      }
      const cursor = Math.max(endpoint.cursor, doneUpTo);
      const typeKey = endpoint.eventTypes.join(',');
      ahead = ahead.filter((e) => e.sequence > cursor);
      if (ahead.length === 0 || typeKey !== aheadTypes) {
        const types = endpoint.eventTypes.length > 0 ? endpoint.eventTypes : undefined;
        // Read before the events: every event up to it is visible to the read below, so when
        // no event of the endpoint's types follows the cursor, the cursor may move there.
        const latest = await store.events.latestSequence(endpoint.accountId);
        ahead = await store.events.listAfter(endpoint.accountId, cursor, {
          types,
          limit: READ_AHEAD,
        });
        aheadTypes = typeKey;
        if (ahead.length === 0) {
          const skipped = latest > cursor ? { cursor: latest } : {};
          idleSince ??= Date.now();
          if (stopped || Date.now() - idleSince >= lingerMs || Object.keys(skipped).length > 0) {
            await release(skipped);
            return;
          }
          // Caught up: what was delivered is written, then the next events are awaited.
          if (!(await flush(at(leaseMs)))) return;
          await nextEvents(Math.min(100, lingerMs - (Date.now() - idleSince)));
          continue;
        }
        idleSince = undefined;
      }
      const event = ahead[0] as DirectoryEvent;
      const number = endpoint.attempts + 1;
      const sent = await attempt(endpoint, eventMessage(event), 'automatic', number);
      const { delivery } = sent;
      const now = clock.now();
      if (delivery.success) {
        delivered++;
        done.push(sent);
        doneUpTo = event.sequence;
        const more = delivered < EVENTS_PER_CLAIM && !stopped;
        // A recovery is written at once, so the endpoint shows healthy without waiting.
        if (!more || endpoint.attempts > 0 || done.length >= SETTLE_EVERY) {
          const kept = await flush(more ? at(leaseMs) : null);
          if (!kept || !more) return;
        }
        continue;
      }
      if (!(await flush(at(leaseMs)))) return;
      const failingSince = endpoint.failingSince ?? delivery.deliveredAt;
      const lastError = attemptError({
        outcome: 'http_error',
        statusCode: delivery.statusCode,
        error: delivery.error,
        excerpt: null,
        latencyMs: 0,
      });
      if (Date.parse(now) - Date.parse(failingSince) >= DISABLE_AFTER_MS) {
        const reason = `disabled after 3 days of failures; last error: ${lastError}`;
        const kept = await settle(
          claimed.id,
          [sent],
          {
            enabled: false,
            disabledAt: now,
            disabledReason: reason,
            attempts: number,
            failingSince,
            lastError,
            nextAttemptAt: null,
            updatedAt: now,
          },
          null,
        );
        if (kept) onDisabled(endpoint, reason);
        return;
      }
      await settle(
        claimed.id,
        [sent],
        {
          attempts: number,
          failingSince,
          lastError,
          nextAttemptAt: at(retryDelayMs(number, random)),
          updatedAt: now,
        },
        null,
      );
      return;
    }
  }

  /** Workers waiting for the next events (lingering); a wake-up releases them all. */
  const waiting = new Set<() => void>();
  function nextEvents(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      waiting.add(done);
    });
  }

  /**
   * The accounts with an enabled endpoint, as of the last tick (undefined until loaded: then
   * every wake-up looks). A commit of any other account needs no claim: looking costs a store
   * transaction, which on SQLite joins the creates' group commit and was about half of what
   * events cost a SCIM create (docs/performance.md). Endpoints enabled on this instance are
   * added at once (`watch`); ones enabled on another instance are seen at the next tick, which
   * claims them anyway.
   */
  let watched: Set<string> | undefined;
  /** Accounts watched while a refresh is reading, so its older answer cannot drop them. */
  let watchedMeanwhile: Set<string> | undefined;
  async function refreshWatched(): Promise<void> {
    if (watchedMeanwhile !== undefined) return;
    const meanwhile = new Set<string>();
    watchedMeanwhile = meanwhile;
    try {
      const accountIds = await store.webhooks.accountsWithEnabledEndpoints();
      watched = new Set([...accountIds, ...meanwhile]);
    } finally {
      watchedMeanwhile = undefined;
    }
  }
  function tick(): Promise<void> {
    const refreshed = refreshWatched().catch(onError);
    pump();
    return refreshed;
  }

  const inFlight = new Map<string, Promise<void>>();
  let pumping: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  /** Claims due endpoints into the free slots and starts working on them. */
  async function fill(): Promise<number> {
    const free = concurrency - inFlight.size;
    if (free <= 0 || stopped) return 0;
    const claimed = await store.webhooks.claimDue({
      owner,
      now: clock.now(),
      leaseUntil: at(leaseMs),
      limit: free,
    });
    for (const endpoint of claimed) {
      const running = work(endpoint)
        .catch(onError)
        .finally(() => {
          inFlight.delete(endpoint.id);
          pump();
        });
      inFlight.set(endpoint.id, running);
    }
    return claimed.length;
  }

  /** Fills free slots soon; calls that arrive meanwhile are coalesced into one more fill. */
  function pump(): void {
    if (stopped) return;
    if (pumping !== undefined) {
      again = true;
      return;
    }
    pumping = fill()
      .catch(onError)
      .then(() => undefined)
      .finally(() => {
        pumping = undefined;
        if (again) {
          again = false;
          pump();
        }
      });
  }

  return {
    owner,
    send,
    secretsOf,
    /** Calls `observer` with every attempt's outcome (metrics); returns how to stop. */
    observe(observer: (outcome: WebhookOutcome, delivery: WebhookDelivery) => void): () => void {
      observers.add(observer);
      return () => observers.delete(observer);
    },
    /**
     * Works until nothing is due now: claims, delivers, and claims again. For tests and for
     * tools; a running engine does the same in the background.
     */
    async deliverDue(): Promise<void> {
      for (;;) {
        // A wake-up's fill may be claiming right now: wait for it, or its work goes unseen.
        await pumping;
        const claimed = await fill();
        await Promise.all([...inFlight.values()]);
        if (claimed === 0 && inFlight.size === 0 && pumping === undefined) return;
      }
    },
    /**
     * Looks for due work now, once started: after a commit that emitted events of `accountIds`
     * (only if one of them has an enabled endpoint), or, without accounts, in any case.
     */
    wake(accountIds?: readonly string[]): void {
      for (const resume of [...waiting]) resume();
      if (timer === undefined) return;
      const known = watched;
      if (accountIds === undefined || known === undefined || accountIds.some((id) => known.has(id)))
        pump();
    },
    /** An endpoint of `accountId` was created or enabled here: its events wake the engine. */
    watch(accountId: string): void {
      watched?.add(accountId);
      watchedMeanwhile?.add(accountId);
    },
    /**
     * Starts the background loop: a tick, and wake-ups. Resolves once the engine knows which
     * accounts have enabled endpoints (until then every wake-up looks for work).
     */
    start(): Promise<void> {
      if (timer !== undefined || stopped) return Promise.resolve();
      timer = setInterval(tick, tickMs);
      timer.unref();
      return tick();
    },
    /**
     * Stops claiming and gives running attempts up to `graceMs` to finish and release their
     * endpoints. One still waiting on a slow receiver keeps its lease, which expires: another
     * instance (or this one restarted) sends that event again, as after a crash.
     */
    async stop(graceMs = 5000): Promise<void> {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      let grace: NodeJS.Timeout | undefined;
      const timeUp = new Promise<void>((resolve) => {
        grace = setTimeout(resolve, graceMs);
        grace.unref();
      });
      await Promise.race([
        Promise.allSettled([pumping, ...inFlight.values()]).then(() => undefined),
        timeUp,
      ]);
      clearTimeout(grace);
    },
  };
}

export type WebhookEngine = ReturnType<typeof createWebhookDelivery>;
