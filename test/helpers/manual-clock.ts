/** A directory clock that moves only when a test says so. */
import type { Clock } from '../../src/directory/clock.ts';

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(iso: string): void;
}

export function manualClock(start = '2026-03-01T09:00:00.000Z'): ManualClock {
  let now = Date.parse(start);
  return {
    now: () => new Date(now).toISOString(),
    advance(ms) {
      now += ms;
    },
    set(iso) {
      now = Date.parse(iso);
    },
  };
}

export const HOUR_MS = 60 * 60 * 1000;
