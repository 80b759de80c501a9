/**
 * Token buckets per key (an account on SCIM, an admin key on the admin API), kept in this
 * instance's memory: with N instances behind a load balancer an account can reach N times the
 * rate, which is documented in docs/deploy.md.
 *
 * A request may cost more than one token: a /Bulk request costs its number of operations. A
 * cost larger than the burst could never be paid at once, so such a request is let through
 * from a full bucket and leaves it in debt: the tokens go negative and later requests wait
 * until the rate has paid the debt back. The sustained rate holds either way (1,000
 * operations at 100 per second cost 10 seconds, in one request or in a thousand).
 */
export interface RateLimiter {
  /** Seconds to wait before retrying, or 0 when the request may proceed (and is charged). */
  take(key: string, nowMs: number, cost?: number): number;
}

/** Keys remembered at most; beyond it, the least recently seen are forgotten (a full bucket). */
const MAX_KEYS = 100_000;

export function createRateLimiter(perSecond: number, burst = perSecond * 2): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, nowMs, cost = 1) {
      const bucket = buckets.get(key) ?? { tokens: burst, at: nowMs };
      bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * perSecond);
      bucket.at = nowMs;
      // Most recently seen last, so eviction forgets the quietest keys.
      buckets.delete(key);
      if (buckets.size >= MAX_KEYS) {
        const quietest = buckets.keys().next().value;
        if (quietest !== undefined) buckets.delete(quietest);
      }
      buckets.set(key, bucket);
      const needed = Math.min(cost, burst);
      if (bucket.tokens >= needed) {
        bucket.tokens -= cost;
        return 0;
      }
      return Math.max(1, Math.ceil((needed - bucket.tokens) / perSecond));
    },
  };
}
