import { describe, expect, it } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  it('is a UUIDv7 (RFC 9562 §5.7): version 7, variant 10', () => {
    for (let i = 0; i < 100; i++) {
      expect(newId()).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });

  it('never repeats, across many refills of the entropy pool', () => {
    const ids = new Set(Array.from({ length: 20_000 }, newId));
    expect(ids.size).toBe(20_000);
  });

  it('carries the creation millisecond first, so later ids sort after earlier ones', async () => {
    const before = Date.now();
    const first = newId();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = newId();
    const ms = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms(first)).toBeGreaterThanOrEqual(before);
    expect(ms(first)).toBeLessThan(ms(second));
    expect(first < second).toBe(true);
  });
});
