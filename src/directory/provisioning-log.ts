/**
 * The provisioning log as the surfaces use it: one event per SCIM request (PRODUCT.md), and
 * failed authentications counted per minute instead of one event each, so that traffic without
 * a valid token (which anyone can send in bulk) writes a bounded amount: at most
 * `MAX_FAILURE_KEYS` rows a minute per instance, and nothing of its paths, queries or bodies.
 *
 * Storage, batching and the bound on what a crash can lose are the store's (`store.log`).
 */
import type {
  AuthFailureCount,
  AuthFailureFilter,
  AuthFailureReason,
  IdpActivity,
  ProvisioningEventFilter,
  Store,
} from '../store/store.ts';
import type { Clock } from './clock.ts';
import { DirectoryError } from './errors.ts';
import type { ProvisioningEvent } from './model.ts';

/** Distinct (account, token, reason, IdP, source) keys counted per minute; the rest share one. */
const MAX_FAILURE_KEYS = 1000;
/** How often counts of the current minute are handed to the store. */
const FAILURE_EMIT_MS = 10_000;

export interface AuthFailure {
  readonly reason: AuthFailureReason;
  /** The account and stored prefix of a known (revoked, expired) token. */
  readonly accountId: string | null;
  readonly tokenPrefix: string | null;
  readonly idp: string;
  readonly source: string;
}

/** `2026-12-04T17:03:42.123Z` → `2026-12-04T17:03:00.000Z`. */
const minuteOf = (iso: string) => `${iso.slice(0, 16)}:00.000Z`;

export function createProvisioningLog(store: Store, clock: Clock) {
  let minute = '';
  let counts = new Map<string, { -readonly [K in keyof AuthFailureCount]: AuthFailureCount[K] }>();
  let timer: NodeJS.Timeout | undefined;

  /** Hands the counts so far to the store; later counts of the same minute add to them. */
  function emitFailures(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (counts.size === 0) return;
    store.log.appendAuthFailures([...counts.values()]);
    counts = new Map();
  }

  return {
    /** Queues the event; the request pays nothing more. */
    record(event: ProvisioningEvent): void {
      store.log.append(event);
    },

    recordAuthFailure(failure: AuthFailure): void {
      const now = minuteOf(clock.now());
      if (now !== minute) {
        emitFailures();
        minute = now;
      }
      let key = `${failure.accountId}\u0000${failure.tokenPrefix}\u0000${failure.reason}\u0000${failure.idp}\u0000${failure.source}`;
      let fields = failure;
      if (!counts.has(key) && counts.size >= MAX_FAILURE_KEYS) {
        // Past the bound, what an attacker varies (token, address) is no longer told apart.
        fields = { ...failure, tokenPrefix: null, source: 'other' };
        key = `${failure.accountId}\u0000\u0000${failure.reason}\u0000${failure.idp}\u0000other`;
      }
      const known = counts.get(key);
      if (known) known.count++;
      else counts.set(key, { minute, ...fields, count: 1 });
      if (timer === undefined) {
        timer = setTimeout(emitFailures, FAILURE_EMIT_MS);
        timer.unref();
      }
    },

    /** Writes everything recorded so far. */
    flush(): Promise<void> {
      emitFailures();
      return store.log.flush();
    },

    /**
     * Newest first; pending events are written first so a reader sees its own requests. `before`
     * must name an event of the account (another account's event is refused, not used).
     */
    async list(filter: ProvisioningEventFilter): Promise<ProvisioningEvent[]> {
      emitFailures();
      const page = await store.log.list(filter);
      if (!page.ok) {
        throw new DirectoryError(
          'provisioning_event.unknown_anchor',
          `\`before\` names no provisioning event of this account: '${filter.before}' (it may have been removed by retention)`,
        );
      }
      return page.events;
    },

    /** One event of the account, with its redacted bodies. */
    get(accountId: string, id: string): Promise<ProvisioningEvent | undefined> {
      return store.log.findById(accountId, id);
    },

    authFailures(filter: AuthFailureFilter): Promise<AuthFailureCount[]> {
      emitFailures();
      return store.log.listAuthFailures(filter);
    },

    /** Each IdP that has called the account: last contact, counts since `since`, last failure. */
    idpActivity(accountId: string, since: string): Promise<IdpActivity[]> {
      return store.log.idpActivity(accountId, since);
    },

    /** Removes events and failure counts older than `before` (ISO); returns how many events. */
    prune(before: string): Promise<number> {
      return store.log.prune(before);
    },

    /** Events waiting to be written. */
    backlog: (): number => store.log.backlog(),

    close(): Promise<void> {
      emitFailures();
      return store.log.flush();
    },
  };
}

export type ProvisioningLog = ReturnType<typeof createProvisioningLog>;
