/**
 * The mass-deprovisioning brake (issue 4; peers.md §4 item 10). A wrong group unassigned in an
 * IdP deactivates a whole company in minutes; no IdP stops it. Roster counts the deactivations
 * IdPs make over a sliding window and, once more than a share of the account's active users has
 * gone, holds further ones: the IdP is told to retry later, the provisioning log says why, and
 * an admin either fixes the IdP or releases the brake so the retries go through.
 */
import type { Deactivation, StoreSession } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { DirectoryError } from './errors.ts';
import { newId } from './ids.ts';

export interface DeprovisionBrakePolicy {
  /** Share of the account's active users (0–1) that may be deactivated within the window. */
  readonly share: number;
  /** The brake never holds before this many deactivations in the window. */
  readonly minUsers: number;
  readonly windowMinutes: number;
  /** What held deactivations tell the IdP to wait before retrying. */
  readonly retryAfterSeconds: number;
}

/**
 * Never before 500 deactivations within the hour (Microsoft Entra's accidental-deletions
 * threshold defaults to 500 too): an account of a few hundred users can clean up in its IdP, or
 * run a test suite, without being held. Past that, 10% of the account: a large account is held
 * long before a wrong assignment empties it (5,000 of 50,000 users). docs/deploy.md says more.
 */
export const DEFAULT_DEPROVISION_BRAKE: DeprovisionBrakePolicy = {
  share: 0.1,
  minUsers: 500,
  windowMinutes: 60,
  retryAfterSeconds: 300,
};

const ACTIVE_COUNT_TTL_MS = 60_000;
/** How long an account found near its limit takes the brake alone. */
const NEAR_HOLD_MS = 60_000;

/**
 * A deactivation that took the brake shared found the account near its limit: its transaction
 * must roll back and run again, now taking the brake alone (`admit`). Never reaches a client.
 */
export class BrakeNeedsExclusive extends Error {
  constructor(readonly accountId: string) {
    super(`the brake of account ${accountId} is taken alone from now on: run the change again`);
  }
}

export interface DeprovisionBrakeStatus {
  /** Deactivations counted in the current window (since the window start or the last release). */
  readonly deactivations: number;
  /** How many the window allows before holding; computed only once `minUsers` is reached. */
  readonly limit: number;
  readonly engaged: boolean;
  readonly windowStart: string;
  readonly releasedAt: string | null;
}

export function createDeprovisionBrake({
  clock,
  policy = DEFAULT_DEPROVISION_BRAKE,
}: {
  clock: Clock;
  policy?: DeprovisionBrakePolicy;
}) {
  // Counting an account's active users scans its users (a million rows on a large account), so
  // the count is remembered for a minute (and forgotten on release). A minute-old count is off by
  // that minute's changes: users added since lower it, users deactivated since are counted twice.
  // The limit moves by a tenth of that, so a burst is still held.
  const activeCounts = new Map<string, { at: number; count: number }>();
  /**
   * Accounts whose deactivations take the brake alone (until the time given): one was found
   * near the limit. Only a hint for speed: a wrong one costs a retry or some waiting, never
   * the limit.
   */
  const nearUntil = new Map<string, number>();
  function markNear(accountId: string, nowMs: number): void {
    if (nearUntil.size >= 10_000) nearUntil.clear();
    nearUntil.set(accountId, nowMs + NEAR_HOLD_MS);
  }
  async function activeUsers(session: StoreSession, accountId: string, nowMs: number) {
    const known = activeCounts.get(accountId);
    if (known && nowMs - known.at < ACTIVE_COUNT_TTL_MS) return known.count;
    const count = await session.users.countActive(accountId);
    if (activeCounts.size >= 10_000) activeCounts.clear();
    activeCounts.set(accountId, { at: nowMs, count });
    return count;
  }

  /**
   * The count of deactivations in the window at which the brake engages, for `active` users:
   * once deactivations ≥ share × (active + deactivations), i.e. share × active / (1 − share).
   * Undefined when it never engages (a share of 1 or more).
   */
  function engagingCount(active: number): number | undefined {
    return policy.share >= 1
      ? undefined
      : Math.max(policy.minUsers, Math.ceil((policy.share * active) / (1 - policy.share)));
  }

  /**
   * A deactivation holding the brake shared: recorded, and true, when its count plus every
   * other transaction that could be in flight stays under the engaging count; false when the
   * account is near its limit. The count to `minUsers` and the record are one statement; past
   * `minUsers` (a large account) the engaging count of its active users decides, remembered
   * for a minute as `status` does.
   */
  async function recordShared(
    session: StoreSession,
    deactivation: Deactivation,
    others: number,
    nowMs: number,
  ): Promise<boolean> {
    const { accountId } = deactivation;
    const brake = session.deprovisionBrake;
    const windowStart = new Date(nowMs - policy.windowMinutes * 60_000).toISOString();
    if (await brake.recordIfBelow(deactivation, windowStart, policy.minUsers, others)) return true;
    const engagesAt = engagingCount(await activeUsers(session, accountId, nowMs));
    if (engagesAt !== undefined) {
      if (engagesAt <= policy.minUsers) return false;
      const { count } = await brake.countWindow(accountId, windowStart, engagesAt);
      if (count + others >= engagesAt) return false;
    }
    await brake.recordDeactivation(deactivation);
    return true;
  }

  /**
   * The brake's state. `decideOnly`: counts only as far as the decision needs (the brake is
   * engaged once deactivations ≥ share × (active + deactivations), i.e. once they reach
   * share × active / (1 − share)), so admitting a deactivation costs the same with 10 or
   * 100,000 in the window; the count it reports is then a lower bound.
   */
  async function status(
    session: StoreSession,
    accountId: string,
    { decideOnly = false } = {},
  ): Promise<DeprovisionBrakeStatus> {
    const now = Date.parse(clock.now());
    const windowStart = new Date(now - policy.windowMinutes * 60_000).toISOString();
    // The release and the count in one read. A release starts a fresh window: what was
    // counted before it has been looked at.
    const window = await session.deprovisionBrake.countWindow(
      accountId,
      windowStart,
      decideOnly ? policy.minUsers : undefined,
    );
    const releasedAt = window.releasedAt ?? null;
    const since = releasedAt !== null && releasedAt > windowStart ? releasedAt : windowStart;
    const count = (atMost?: number) =>
      session.deprovisionBrake.countDeactivationsSince(accountId, since, atMost);
    let deactivations = window.count;
    if (deactivations < policy.minUsers) {
      return {
        deactivations,
        limit: policy.minUsers,
        engaged: false,
        windowStart: since,
        releasedAt,
      };
    }
    // Counting active users costs a scan, so it is paid only when the brake could engage. The
    // base is the account as it was when the window opened: active then plus those lost since.
    const active = await activeUsers(session, accountId, now);
    if (decideOnly) {
      // Count up to the engaging number (a share of 1 or more never engages).
      const engagesAt = engagingCount(active);
      if (engagesAt !== undefined) deactivations = await count(engagesAt);
    }
    const limit = Math.max(policy.minUsers, Math.floor(policy.share * (active + deactivations)));
    return {
      deactivations,
      limit,
      engaged: deactivations >= limit,
      windowStart: since,
      releasedAt,
    };
  }

  return {
    policy,
    status,

    /**
     * Called inside the transaction that deactivates `userId` on behalf of an IdP: records the
     * deactivation, or throws a retryable `user.deactivation_held` when the brake is engaged.
     *
     * The limit holds exactly. Far below it, deactivations run side by side under the
     * account's brake held shared: one whose count, plus every other transaction that could
     * be in flight beside it (`lock`'s bound), stays under `minUsers` cannot reach the limit
     * however those commit, since each of them counted, after taking the shared hold, at most
     * the same margin. Near it, they take the brake alone and count one after the other. A
     * shared holder that finds itself near throws `BrakeNeedsExclusive`: its transaction rolls
     * back and runs again, and the account is taken alone for a while.
     */
    async admit(session: StoreSession, accountId: string, userId: string): Promise<void> {
      const at = clock.now();
      const nowMs = Date.parse(at);
      const deactivation = { id: newId(), accountId, userId, at };
      const near = (nearUntil.get(accountId) ?? 0) > nowMs;
      const others = await session.deprovisionBrake.lock(accountId, near ? 'exclusive' : 'shared');
      if (!near && others > 0) {
        if (await recordShared(session, deactivation, others, nowMs)) return;
        markNear(accountId, nowMs);
        throw new BrakeNeedsExclusive(accountId);
      }
      // Alone (or the store runs one transaction at a time): the exact decision.
      const current = await status(session, accountId, { decideOnly: true });
      if (current.deactivations + others < current.limit) nearUntil.delete(accountId);
      else markNear(accountId, nowMs);
      if (current.engaged) {
        throw new DirectoryError(
          'user.deactivation_held',
          `deactivation held by the mass-deprovisioning brake: ${current.deactivations} users of ` +
            `this account were deactivated since ${current.windowStart} (the limit is ` +
            `${current.limit}, ${Math.round(policy.share * 100)}% of active users, at least ` +
            `${policy.minUsers}). If this is intended, an account admin can release the brake ` +
            `and the IdP's retries will go through; otherwise check the IdP's assignments.`,
          [],
          policy.retryAfterSeconds,
        );
      }
      await session.deprovisionBrake.recordDeactivation(deactivation);
    },

    /** An admin's release: deactivations counted so far no longer hold the next ones. */
    async release(session: StoreSession, accountId: string): Promise<void> {
      await session.deprovisionBrake.release(accountId, clock.now());
      activeCounts.delete(accountId);
    },
  };
}

export type DeprovisionBrake = ReturnType<typeof createDeprovisionBrake>;
