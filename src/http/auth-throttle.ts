/**
 * Failed authentication per source address, on both surfaces: after `limit` failures within
 * `windowSeconds` of the first, every request from that address is answered 429 with
 * Retry-After until the window ends, whatever credentials it carries. Guessing tokens or keys
 * then costs a window per `limit` guesses, and other addresses are untouched. Kept in this
 * instance's memory (as the SCIM rate limit is): behind N instances an address gets N times
 * the guesses, which is still nothing against 256-bit secrets.
 */

export interface AuthThrottlePolicy {
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface AuthThrottle {
  /** Seconds until `address` may try again, or 0 when it may now. */
  retryAfter(address: string, nowMs: number): number;
  /** Counts one failed authentication from `address`. */
  fail(address: string, nowMs: number): void;
}

/** Addresses remembered at most; beyond it expired windows go first, then the oldest. */
const MAX_ADDRESSES = 100_000;

export function createAuthThrottle({ limit, windowSeconds }: AuthThrottlePolicy): AuthThrottle {
  const windowMs = windowSeconds * 1000;
  const failures = new Map<string, { count: number; endsAt: number }>();

  function evict(nowMs: number): void {
    for (const [address, entry] of failures) {
      if (entry.endsAt <= nowMs) failures.delete(address);
    }
    while (failures.size >= MAX_ADDRESSES) {
      const oldest = failures.keys().next().value;
      if (oldest === undefined) break;
      failures.delete(oldest);
    }
  }

  return {
    retryAfter(address, nowMs) {
      const entry = failures.get(address);
      if (!entry || entry.count < limit || entry.endsAt <= nowMs) return 0;
      return Math.max(1, Math.ceil((entry.endsAt - nowMs) / 1000));
    },
    fail(address, nowMs) {
      const entry = failures.get(address);
      if (entry && entry.endsAt > nowMs) {
        entry.count++;
        return;
      }
      failures.delete(address);
      if (failures.size >= MAX_ADDRESSES) evict(nowMs);
      failures.set(address, { count: 1, endsAt: nowMs + windowMs });
    },
  };
}
