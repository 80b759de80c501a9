/**
 * Per-account token buckets, kept in this instance's memory: with N instances behind a load
 * balancer an account can reach N times the rate, which is documented in docs/deploy.md.
 */
export interface RateLimiter {
  /** Seconds to wait before retrying, or 0 when the request may proceed. */
  take(key: string, nowMs: number): number;
}

export function createRateLimiter(perSecond: number, burst = perSecond * 2): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, nowMs) {
      const bucket = buckets.get(key) ?? { tokens: burst, at: nowMs };
      bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * perSecond);
      bucket.at = nowMs;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    },
  };
}
