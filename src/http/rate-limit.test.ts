/**
 * The per-account token bucket (checklist 8): a burst of twice the rate, then exactly the
 * configured rate sustained for as long as a client keeps to it, and a wait when it does not.
 */
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.ts';

describe('createRateLimiter', () => {
  it('allows a burst of twice the rate, then refuses with the seconds to wait', () => {
    const limiter = createRateLimiter(25);
    for (let i = 0; i < 50; i++) expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('a', 0)).toBe(1);
    // Other accounts have buckets of their own.
    expect(limiter.take('b', 0)).toBe(0);
  });

  it('sustains exactly the configured rate for minutes, and no more', () => {
    const limiter = createRateLimiter(25);
    for (let i = 0; i < 50; i++) limiter.take('a', 0);
    // 25 requests a second (one every 40 ms) for five minutes, with the burst already spent.
    for (let i = 1; i <= 25 * 300; i++) expect(limiter.take('a', 40 * i)).toBe(0);
    // 30 a second from a spent bucket runs dry within a second.
    const start = 40 * 25 * 300;
    const refused = Array.from({ length: 30 }, (_, i) => limiter.take('a', start + i * 33.3));
    expect(refused.filter((wait) => wait > 0).length).toBeGreaterThan(0);
  });

  it('refills only up to the burst after a quiet spell', () => {
    const limiter = createRateLimiter(10);
    for (let i = 0; i < 20; i++) limiter.take('a', 0);
    // An hour later the bucket holds 20, not 36,000.
    const hour = 3_600_000;
    for (let i = 0; i < 20; i++) expect(limiter.take('a', hour)).toBe(0);
    expect(limiter.take('a', hour)).toBeGreaterThan(0);
  });
});

describe('createRateLimiter with a cost', () => {
  it('charges a request its cost, and one larger than the burst from a full bucket only', () => {
    const limiter = createRateLimiter(5);
    // Burst 10: a cost of 8 leaves 2.
    expect(limiter.take('a', 0, 8)).toBe(0);
    expect(limiter.take('a', 0, 3)).toBe(1);
    expect(limiter.take('a', 0, 2)).toBe(0);
    // A cost of 30 (more than the burst) waits for a full bucket: 10 tokens at 5/s, 2 s.
    expect(limiter.take('a', 0, 30)).toBe(2);
    expect(limiter.take('a', 2000, 30)).toBe(0);
    // ...and leaves a debt of 20 tokens: 4 s before even one request passes.
    expect(limiter.take('a', 2000)).toBe(5);
    expect(limiter.take('a', 6000)).toBe(1);
    expect(limiter.take('a', 6200)).toBe(0);
  });
});
